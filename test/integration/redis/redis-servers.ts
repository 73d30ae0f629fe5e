// Throwaway redis-server processes for the Redis integration tests: free loopback ports, data in a
// tmp dir, killed by the test (each scenario breaks its own servers, never the shared ones).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOnExit } from '../../support/reap-on-exit.js';
import { waitFor } from '../../support/wait-for.js';

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// A ceiling, not a wait: a starved CI machine took over 5 s to start a redis-server.
function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  return waitFor(`redis-server to listen on ${port}`, () => new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  }), timeoutMs, 20);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisProcess {
  port: number;
  endpoint: string;
  dir: string;
  /** redis-cli against this server (with the password when it has one); returns stdout. */
  cli(...args: string[]): string;
  /** Writes 64 KB values until the server refuses one with OOM (a `--maxmemory` small and `noeviction`): the memory fault. */
  fillToOom(): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  args?: string[];
  /** A given port (a killed server coming back where it was); default a free one. */
  port?: number;
  password?: string;
  /** Write this text as a config file and start from it (Sentinel). */
  configText?: (port: number, dir: string) => string;
  sentinel?: boolean;
  /** The server listens with TLS on this port (and `--port 0`): wait on it, no redis-cli helper. */
  tlsPort?: number;
}

export async function startRedis(options: StartOptions = {}): Promise<RedisProcess> {
  const port = options.port ?? await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ksa-redis-'));
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', '--logfile', join(dir, 'redis.log')];
  let argv: string[];
  if (options.configText) {
    const file = join(dir, options.sentinel ? 'sentinel.conf' : 'redis.conf');
    writeFileSync(file, options.configText(port, dir));
    argv = [file, ...(options.sentinel ? ['--sentinel'] : []), ...(options.args ?? [])];
  } else {
    argv = [...base, ...(options.password ? ['--requirepass', options.password] : []), ...(options.args ?? [])];
  }
  const child = spawn('redis-server', argv, { stdio: 'ignore' });
  reapOnExit(child);
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  await waitForPort(options.tlsPort ?? port);
  const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
  const cli = (...args: string[]) => {
    const r = spawnSync('redis-cli', ['-p', String(port), ...auth, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    dir,
    cli,
    fillToOom() {
      for (let i = 0; i < 1000; i++) if (/OOM/.test(cli('SET', `fill:${i}`, 'x'.repeat(64 * 1024)))) return;
      throw new Error(`redis-server on ${port} never refused a write: is --maxmemory small, with --maxmemory-policy noeviction?`);
    },
    async stop() {
      if (!exited) {
        child.kill('SIGKILL');
        await exitedP;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Three Sentinels monitoring `master` as `name` with quorum 2 and a 2 s down-after (a margin for a loaded test machine). */
export async function startSentinels(master: RedisProcess, name: string, count = 3): Promise<RedisProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startRedis({
    sentinel: true,
    configText: (port, dir) => [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
      `sentinel down-after-milliseconds ${name} 2000`,
      `sentinel failover-timeout ${name} 60000`,
    ].join('\n') + '\n',
  })));
}

/** A Redis Cluster of `count` masters without replicas, cluster_state:ok on every node. */
export async function startCluster(count = 3): Promise<RedisProcess[]> {
  const nodes = await Promise.all(Array.from({ length: count }, () => startRedis({
    args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '1000'],
  })));
  const r = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => n.endpoint), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}${r.stderr}`);
  await waitFor('cluster_state:ok on every node', () => nodes.every((n) => n.cli('CLUSTER', 'INFO').includes('cluster_state:ok')));
  return nodes;
}
