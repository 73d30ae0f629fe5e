// `ksa watch` as a process against throwaway Redis servers started here (the shared ones are
// never broken): a replica whose primary link goes down, a full maxmemory, a killed server. Each
// transition appears as a JSON line within interval + deadline (+ a margin for a loaded machine),
// and `resolved` (or the target back to ok) follows the fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';

const INTERVAL_MS = 300;
const TIMEOUT_MS = 1000;
/** interval + deadline, plus what a loaded 2-core machine adds (process start is excluded: we wait for the first cycle). */
const BOUND_MS = INTERVAL_MS + TIMEOUT_MS + 2500;

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-e2e-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function redis(args: string[] = []): Promise<RedisProcess> {
  const s = await startRedis({ args });
  cleanups.push(() => s.stop());
  return s;
}

function config(name: string, targets: Array<{ name: string; endpoint: string; categories: string[]; thresholds?: Record<string, unknown> }>): string {
  const file = join(dir, `${name}.yaml`);
  const lines = [
    'defaults:', `  interval: ${INTERVAL_MS}ms`, `  timeout: ${TIMEOUT_MS}ms`, 'targets:',
    ...targets.flatMap((t) => [`  - name: ${t.name}`, '    type: redis', `    endpoints: ["${t.endpoint}"]`, `    categories: ${JSON.stringify(t.categories)}`,
      ...(t.thresholds ? [`    thresholds: ${JSON.stringify(t.thresholds)}`] : [])]),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function watch(file: string, name: string): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', join(dir, `state-${name}`), '--output', 'json']);
  cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
  return w;
}

const firstCycleDone = (w: WatchProcess, target: string) => w.next(`first cycle of ${target}`, (e) => e.kind === 'watcher' && e.action === 'started').then(
  () => new Promise((r) => setTimeout(r, INTERVAL_MS + 500)));

describe('ksa watch: transitions on real servers', () => {
  it('a replica whose primary link goes down: redis.replication.link fires within interval + deadline, and resolves after REPLICAOF the primary again', async () => {
    const primary = await redis();
    const replica = await redis(['--replicaof', '127.0.0.1', String(primary.port)]);
    await new Promise((r) => setTimeout(r, 300));
    const w = watch(config('replica', [{ name: 'replica', endpoint: replica.endpoint, categories: ['replication'] }]), 'replica');
    await firstCycleDone(w, 'replica');
    expect(w.events.filter((e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link')).toEqual([]);
    const broken = Date.now();
    replica.cli('REPLICAOF', '127.0.0.1', '1'); // a dead port: the link stays down
    const fired = await w.next('redis.replication.link firing', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'firing', BOUND_MS + 2000);
    expect(Date.parse(fired.at) - broken).toBeLessThan(BOUND_MS);
    expect(fired.target).toBe('replica');
    replica.cli('REPLICAOF', '127.0.0.1', String(primary.port));
    const resolved = await w.next('redis.replication.link resolved', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'resolved', 10_000);
    expect(resolved.episode).toBe(fired.episode);
  });

  it('maxmemory filled: redis.memory.usage fires, and resolves after FLUSHALL', async () => {
    const s = await redis(['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction']);
    const w = watch(config('memory', [{ name: 'mem', endpoint: s.endpoint, categories: ['memory'] }]), 'memory');
    await firstCycleDone(w, 'mem');
    const filled = Date.now();
    s.fillToOom();
    const fired = await w.next('redis.memory.usage firing', (e) => e.kind === 'finding' && e.finding?.id === 'redis.memory.usage' && e.to === 'firing', BOUND_MS + 2000);
    expect(Date.parse(fired.at) - filled).toBeLessThan(BOUND_MS + 1000);
    s.cli('FLUSHALL');
    await w.next('redis.memory.usage resolved', (e) => e.kind === 'finding' && e.finding?.id === 'redis.memory.usage' && e.to === 'resolved', 10_000);
  });

  it('a killed server: the target goes unknown within interval + deadline; back on its port, it is ok again', async () => {
    const s = await redis();
    const w = watch(config('killed', [{ name: 'gone', endpoint: s.endpoint, categories: ['memory'] }]), 'killed');
    await firstCycleDone(w, 'gone');
    const killed = Date.now();
    await s.stop();
    const down = await w.next('target unknown', (e) => e.kind === 'target' && e.target === 'gone' && e.to === 'unknown', BOUND_MS + 2000);
    expect(Date.parse(down.at) - killed).toBeLessThan(BOUND_MS);
    expect((down.error as { code: string }).code).toBe('KSA_ERR_CONNECT');
    const back = await startRedis({ port: s.port });
    cleanups.push(() => back.stop());
    await w.next('target ok again', (e) => e.kind === 'target' && e.target === 'gone' && e.from === 'unknown' && e.to === 'ok', 10_000);
  });
});
