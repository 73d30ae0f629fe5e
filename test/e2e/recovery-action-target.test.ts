// `ksa action --config ksa.yaml --target <name>` is keyed like the recovery engine: by the
// target's ksa.yaml name. On a throwaway Redis whose slow log fires redis.performance.slowlog, a
// `ksa watch --enforce` rule starts a long action on target `cache`; a manual slowlog-reset on
// `--target cache` is refused while the watcher runs (its lock), and after the watcher is killed
// with kill -9 during that action (its in-flight record for `cache` left in the state dir); the
// slow log is untouched both times. Once a restarted watcher has recorded the attempt as
// interrupted, the manual action runs, and `ksa recovery history --target cache` lists the
// engine's attempt and the manual one together, both under `cache`. Mistakes in the arguments:
// one line naming the fix, exit 3, no state dir touched.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlowlogRedis, type SlowlogRedis } from '../support/slowlog-redis.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-action-target-'));
const state = join(dir, 'state');
let redis: SlowlogRedis;
const watches: WatchProcess[] = [];

beforeAll(async () => {
  redis = await startSlowlogRedis(dir);
}, 60_000);
afterAll(async () => {
  for (const w of watches) { w.kill('SIGKILL'); await w.exited; }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = () => redis.config();

function watch(file: string, extra: string[]): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', state, '--output', 'json', ...extra], { KSA_TEST_REDIS_PASSWORD: redis.server.password });
  watches.push(w);
  return w;
}

const env = () => ({ KSA_TEST_REDIS_PASSWORD: redis.server.password });

describe('ksa action --config --target: one in flight per target and one history with the recovery engine', () => {
  it('refused while the engine holds cache (lock, then its in-flight record after kill -9); then run and listed with the engine\'s attempt under cache', async () => {
    await redis.slowEval();
    expect(await redis.evalEntries()).toBe(1);
    const file = config();
    const manual = () => spawnKsa(['action', '--config', file, '--target', 'cache', 'slowlog-reset', '--allow-write', '--state-dir', state, '--json'], env(), /^KSA_/);

    const first = watch(file, ['--enforce']);
    await first.next('the engine starts its action on cache', (e) => e.kind === 'recovery-started' && e.target === 'cache' && e.rule === 'hold-the-target', 180_000); // 90 s measured on a starved machine
    await waitFor('the action to run', () => redis.pids().length === 1, 30_000);

    const locked = await manual();
    expect(locked.code).toBe(3);
    expect(locked.stderr).toMatch(/^ksa: KSA_ERR_STATE_LOCKED /);
    expect(locked.stderr.trim().split('\n')).toHaveLength(1);

    first.kill('SIGKILL');
    await first.exited;
    redis.killHolds();
    // No watcher now, but the engine's action on cache never ended: the manual one waits for it.
    const inFlight = await manual();
    expect(inFlight.code).toBe(3);
    expect(inFlight.stderr.trim().split('\n')).toHaveLength(1);
    expect(inFlight.stderr).toMatch(/^ksa: KSA_ERR_ACTION_IN_FLIGHT an action is in flight on cache \(hold-the-target, since \d{4}-\d\d-\d\dT[\d:.]+Z\): wait for it/);
    expect(await redis.evalEntries()).toBe(1);

    // A watcher started again (dry-run) records the attempt as interrupted and frees the target.
    const history = async (...extra: string[]) => spawnKsa(['recovery', 'history', '--state-dir', state, ...extra], {}, /^KSA_/);
    type Entry = { target: string; rule: string; action: string; outcome: string; dryRun: boolean; snapshot?: string };
    const entries = async () => (JSON.parse((await history('--target', 'cache', '--json')).stdout) as { entries: Entry[] }).entries;
    const second = watch(file, []);
    await waitFor('the interrupted attempt in the history', async () => (await entries()).some((e) => e.rule === 'hold-the-target' && e.outcome === 'interrupted'), 120_000, 200);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(redis.pids()).toHaveLength(1); // the engine did not run it again

    const ran = await manual();
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ ok: true });
    expect(await redis.evalEntries()).toBe(0);

    const all = await entries();
    expect(all.every((e) => e.target === 'cache')).toBe(true);
    // The engine's attempt ran for real: a dry-run watcher that finds it interrupted does not call it a dry run.
    expect(all.find((e) => e.rule === 'hold-the-target' && e.outcome === 'interrupted')).toMatchObject({ target: 'cache', action: 'recovery-script/run', dryRun: false });
    expect(all.at(-1)).toMatchObject({ target: 'cache', rule: 'manual', action: 'redis-diagnostics/slowlog-reset', outcome: 'succeeded', snapshot: expect.stringMatching(/^recovery-snapshots\/\d+-cache-manual-1\.json$/) });
    const text = (await history('--target', 'cache')).stdout;
    expect(text).toMatch(/ cache hold-the-target recovery-script\/run attempt 1: interrupted/);
    expect(text).toMatch(/ cache manual redis-diagnostics\/slowlog-reset attempt 1: succeeded/);
    // The audit log: the engine's and the manual action's events, under the same target.
    const audit = readFileSync(join(state, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; rule?: string; target?: string });
    expect(audit.filter((e) => e.kind === 'recovery-started').map((e) => [e.rule, e.target])).toEqual([['hold-the-target', 'cache'], ['manual', 'cache']]);
    expect(JSON.stringify(audit)).not.toContain(redis.server.password);
  }, 400_000);

  it('bad input: one line naming the fix, exit 3, nothing run', async () => {
    const file = config();
    const runs = await Promise.all([
      ['action', '--config', file, '--target', 'cahce', 'slowlog-reset', '--allow-write'],
      ['action', '--config', file, '--target', 'cache', 'redis', 'slowlog-reset', redis.server.address, '--allow-write'],
      ['action', '--target', 'cache', 'slowlog-reset', '--allow-write'], // no --config, KSA_CONFIG or ./ksa.yaml (the repository has none)
      ['action', '--config', file, 'redis', 'slowlog-reset', redis.server.address, '--allow-write'],
    ].map((args) => spawnKsa([...args, '--state-dir', join(dir, 'bad-input-state')], env(), /^KSA_/)));
    const expected = [
      new RegExp(`^ksa: KSA_ERR_BAD_INPUT --target "cahce" is not in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(did you mean cache\\?\\): use one of cache$`),
      /^ksa: KSA_ERR_BAD_INPUT --target takes the type and endpoints from ksa\.yaml, but "redis slowlog-reset 127\.0\.0\.1:\d+" was given too: give only the action/,
      /^ksa: KSA_ERR_BAD_INPUT --target cache names a ksa\.yaml target, but no ksa\.yaml was given or found: pass --config ksa\.yaml/,
      /^ksa: KSA_ERR_BAD_INPUT --config names the file of a --target, and no --target was given: add --target <name>/,
    ];
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(expected[i]!);
    });
    expect(existsSync(join(dir, 'bad-input-state'))).toBe(false);
  }, 120_000);
});
