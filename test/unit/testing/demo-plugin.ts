// A small but real plugin for the kit's own tests: it speaks a line protocol over TCP
// (`STATS\n` -> `level <n>\n`) and can be built with one contract violation at a time.
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { createOperationGuard, defineCheck, defineMiddlewarePlugin, defineThreshold, ksaError, parseEndpoint } from '../../../src/sdk/index.js';
import type { Finding, ManifestInput, PluginContext } from '../../../src/sdk/index.js';

export type Flaw = 'none' | 'undeclared-op' | 'no-guard' | 'ignore-signal' | 'malformed-finding' | 'bad-finding-id';

const LEVEL = defineThreshold({ id: 'demo.alpha.level', warning: 70, critical: 90, direction: 'above', unit: '%', source: 'demo defaults' });

interface Data { level: number; up: boolean }
interface Conn { socket: Socket; ask(line: string, op: string): Promise<string> }

function request(ctx: PluginContext, socket: Socket, line: string, flaw: Flaw): Promise<string> {
  return new Promise((resolve, reject) => {
    if (flaw !== 'ignore-signal' && ctx.signal.aborted) return reject(ctx.signal.reason);
    let buf = '';
    const onAbort = () => { socket.destroy(); reject(ctx.signal.reason); };
    if (flaw !== 'ignore-signal') ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk) => {
      buf += chunk.toString();
      if (buf.includes('\n')) {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve(buf.trim());
      }
    });
    socket.write(`${line}\n`);
  });
}

export function demoPlugin(flaw: Flaw = 'none') {
  return defineMiddlewarePlugin<Conn, Data>({
    info: { id: 'demo-diagnostics', version: '1.0.0', middleware: 'demo' },
    categories: ['alpha', 'beta'],
    async connect(ctx, target) {
      const guard = createOperationGuard(ctx.pluginId, ctx.operations);
      if (flaw !== 'no-guard') guard.assert('CONNECT');
      if (flaw !== 'ignore-signal' && ctx.signal.aborted) throw ksaError('KSA_ERR_CONNECT', 'aborted');
      const { host, port } = parseEndpoint(target.endpoints[0]!, 7777);
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = netConnect({ host, port }, () => resolve(s));
        s.once('error', (e) => reject(ksaError('KSA_ERR_CONNECT', e.message)));
      });
      return {
        socket,
        ask: (line, op) => {
          if (flaw !== 'no-guard') guard.assert(op);
          return request(ctx, socket, line, flaw);
        },
      };
    },
    async disconnect(_ctx, conn) { conn.socket.destroy(); },
    async collect(_ctx, conn) {
      if (flaw === 'undeclared-op') await conn.ask('FLUSH', 'FLUSH');
      const reply = await conn.ask('STATS', 'STATS');
      return { data: { level: Number(reply.split(' ')[1]), up: true } };
    },
    checks: [
      defineCheck<Data>({
        id: 'demo.alpha.level', category: 'alpha',
        run(d, ctx) {
          if (flaw === 'malformed-finding' && d.level > 90) {
            return { id: 'demo.alpha.level', category: 'alpha', severity: 'high', title: '', suggestion: 'x', evidence: {} } as unknown as Finding;
          }
          return ctx.judge(LEVEL, d.level, { ...(flaw === 'bad-finding-id' ? { id: 'demo.other.level' } : {}), title: 'Level', detail: `level ${d.level}%`, suggestion: 'lower the level', evidence: { level: d.level } });
        },
      }),
      defineCheck<Data>({
        id: 'demo.beta.up', category: 'beta',
        run: (d, ctx) => (d.up ? null : ctx.finding({ id: 'demo.beta.up', severity: 'critical', title: 'Down', detail: 'server is down', suggestion: 'start it' })),
      }),
    ],
    actions: {
      reset: { mutating: true, run: async () => ({ ok: true, detail: 'reset' }) },
    },
  });
}

export function demoManifest(patch: Partial<ManifestInput> = {}): ManifestInput {
  return {
    id: 'demo-diagnostics', name: 'Demo', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'demo',
    entry: './index.js', capabilities: ['diagnose'], categories: ['alpha', 'beta'],
    checks: ['demo.alpha.level', 'demo.beta.up'], operations: ['CONNECT', 'STATS'],
    actions: [{ name: 'reset', mutating: true }],
    ...patch,
  };
}

/** The demo server: answers `STATS` with `level <n>`. */
export async function startDemoServer(level: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) s.write(line === 'STATS' ? `level ${level}\n` : 'ERR unknown\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
