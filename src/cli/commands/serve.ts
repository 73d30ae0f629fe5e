// `ksa serve`: the watch loop with an HTTP face (docs/SERVE.md). One process, one scheduler:
// /metrics reads the loop's latest results, /probe and the API's trigger run a cycle through the
// same scheduler, and nothing here probes a target on a schedule of its own. `--shard i/n` keeps
// only the targets rendezvous hashing gives to this process.
import { parseListen, DEFAULT_LISTEN, type ListenAddress } from '../../serve/listen-address.js';
import { parseShard, shardOf } from '../../serve/shard.js';
import { disabledPlugins } from '../../serve/plugin-switches.js';
import { startServeServer } from '../../serve/http-server.js';
import { SERVE_ROUTES } from '../../serve/serve-routes.js';
import { tokenValues } from '../../serve/bearer-auth.js';
import { AdhocProber } from '../../serve/adhoc-probe.js';
import { ksaError } from '../../core/errors.js';
import { parseFailOn } from './diagnose.js';
import { runWatch, type WatchFlags } from './watch.js';
import type { ServeContext } from '../../serve/serve-context.js';
import type { Runtime } from '../runtime.js';

export interface ServeFlags extends Omit<WatchFlags, 'once' | 'target'> {
  listen?: string;
  shard?: string;
}

export async function runServe(rt: Runtime, flags: ServeFlags, version: string): Promise<number> {
  const shard = flags.shard ? parseShard(flags.shard) : undefined;
  const listenFlag = flags.listen ? parseListen(flags.listen) : undefined;
  let ready = false;
  return runWatch(rt, flags, version, {
    keep: (t, { sink }) => (!shard || shardOf(t.name, shard.count) === shard.index) && !disabledPlugins(sink).has(t.request.pluginId),
    attach: async (loop) => {
      const serve = loop.config().serve;
      const listen: ListenAddress = listenFlag ?? parseListen(serve?.listen ?? DEFAULT_LISTEN);
      const ctx: ServeContext = {
        version, loop, env: process.env, logger: rt.logger,
        secrets: () => [...rt.logger.secrets(), ...tokenValues(loop.config().serve?.auth.tokens ?? [], process.env)],
        failOn: () => (flags.failOn ? parseFailOn(flags.failOn) : loop.config().defaults.failOn ?? 'warning'),
        ready: () => ready,
        pluginHome: rt.flags.pluginHome,
        adhoc: new AdhocProber(),
      };
      let server;
      try {
        server = await startServeServer(listen, SERVE_ROUTES, ctx);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw ksaError('KSA_ERR_BAD_INPUT', `ksa serve cannot listen on ${listen.host}:${listen.port}: ${code ?? (error as Error).message}`, { fix: code === 'EADDRINUSE' ? 'another process has the port: pick another with --listen host:port' : 'check --listen (or serve.listen) and serve.tls' });
      }
      const scheme = serve?.tls ? 'https' : 'http';
      const host = server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host;
      // The one line a supervisor (and a test) reads to find the port: always printed.
      process.stderr.write(`ksa serve: listening on ${scheme}://${host}:${server.address.port}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}\n`);
      ready = true;
      return { close: async () => { ready = false; await server.close(); } };
    },
  });
}
