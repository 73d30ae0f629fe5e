// `ksa watch` operated as a service: --once gives the gate's exit code, SIGHUP reloads (added,
// removed, changed; a broken file refused while the old config runs on), SIGTERM exits 0 within
// the grace period with a hung target in flight, and kill -9 + restart neither repeats a `firing`
// event nor loses one (the state dir). The fixture plugin plays the targets (no server needed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import { startWatch, type WatchEventLine, type WatchProcess } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-signals-'));
const fixture = join(repoRoot, 'test/fixtures/plugins/fixture');
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** A ksa.yaml of fixture targets: name -> behavior (healthy, warning, critical, hang, ...). */
function writeConfig(file: string, targets: Record<string, string>, extra: Record<string, string> = {}): string {
  const lines = [
    'defaults:', '  interval: 300ms', '  timeout: 2s', 'targets:',
    ...Object.entries(targets).flatMap(([name, behavior]) => [
      `  - name: ${name}`, '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', `    options: { behavior: ${behavior} }`,
      ...(extra[name] ? [`    ${extra[name]}`] : []),
    ]),
    'plugins:', `  discovery: { packages: ["${fixture}"] }`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function watch(args: string[]): WatchProcess {
  const w = startWatch([...args, '--output', 'json']);
  cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
  return w;
}

describe('ksa watch as a service', () => {
  it('--once exits with the same gate code as ksa diagnose --config (0 healthy, 1 warning, 2 critical)', async () => {
    for (const [behavior, code] of [['healthy', 0], ['warning', 1], ['critical', 2]] as const) {
      const file = writeConfig(join(dir, `once-${behavior}.yaml`), { a: 'healthy', b: behavior });
      const once = await spawnKsa(['watch', '--once', '--config', file, '--state-dir', join(dir, `once-${behavior}`)], {}, /^KSA_/);
      const diagnose = await spawnKsa(['diagnose', '--config', file, '--no-progress'], {}, /^KSA_/);
      expect(once.code, once.stderr).toBe(code);
      expect(diagnose.code).toBe(code);
    }
  });

  it('SIGHUP: an added target starts, a removed one stops, a changed one restarts; a broken file is refused with one line and the old config runs on', async () => {
    const file = writeConfig(join(dir, 'reload.yaml'), { keep: 'healthy', gone: 'healthy', change: 'healthy' });
    const w = watch(['--config', file, '--state-dir', join(dir, 'reload'), '--health-every', '300ms']);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    writeConfig(file, { keep: 'healthy', change: 'warning', added: 'critical' });
    w.kill('SIGHUP');
    const accepted = await w.next('reload accepted', (e) => e.kind === 'config-reload');
    expect(accepted).toMatchObject({ outcome: 'accepted', added: ['added'], removed: ['gone'], changed: ['change'] });
    // The added target runs (its critical finding fires), the changed one runs with its new options.
    await w.next('added target fires', (e) => e.kind === 'finding' && e.target === 'added' && e.to === 'firing');
    await w.next('changed target fires', (e) => e.kind === 'finding' && e.target === 'change' && e.to === 'firing');
    writeFileSync(file, 'targets: [ {name: x, type: \n');
    const before = w.events.length;
    w.kill('SIGHUP');
    const refused = await w.next('reload refused', (e) => e.kind === 'config-reload' && e.outcome === 'refused', 15_000, before);
    expect(String(refused.reason)).toMatch(/KSA_ERR_CONFIG_INVALID/);
    expect(w.stderr().split('\n').filter((l) => l.includes('refused'))).toHaveLength(1);
    // The old config runs on: self-health keeps counting cycles of its targets.
    const at = w.events.length;
    const h1 = await w.next('health after refusal', (e) => e.kind === 'health', 10_000, at);
    const h2 = await w.next('later health', (e) => e.kind === 'health' && e.seq > h1.seq + 1, 10_000, w.events.indexOf(h1) + 1);
    expect(Number(h2.cycles)).toBeGreaterThan(0);
    expect(w.child.exitCode).toBeNull();
    const live = await spawnKsa(['watch', 'status', '--state-dir', join(dir, 'reload'), '--json'], {}, /^KSA_/);
    expect(JSON.parse(live.stdout)).toMatchObject({ running: true });
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    // The stopped watcher's state and its last self-health, from the state dir.
    const status = await spawnKsa(['watch', 'status', '--state-dir', join(dir, 'reload'), '--json'], {}, /^KSA_/);
    expect(status.code, status.stderr).toBe(0);
    const st = JSON.parse(status.stdout) as { running: boolean; targets: Array<{ target: string; state: string }>; health: { plugins: Array<{ plugin: string; cycles: number; latencyMs: { p50: number; p95: number; p99: number }; errorRate: number; hostRestarts: number }>; scheduler: { lagMs: { p99: number } } } };
    expect(st.running).toBe(false);
    expect(st.targets.map((t) => t.target).sort()).toEqual(['added', 'change', 'keep']);
    expect(st.health.plugins[0]).toMatchObject({ plugin: 'fixture-diagnostics', errorRate: 0, hostRestarts: 0 });
    expect(st.health.plugins[0]!.cycles).toBeGreaterThan(0);
    expect(st.health.plugins[0]!.latencyMs.p95).toBeGreaterThanOrEqual(st.health.plugins[0]!.latencyMs.p50);
    expect(st.health.scheduler.lagMs.p99).toBeGreaterThanOrEqual(0);
    const text = await spawnKsa(['watch', 'status', '--state-dir', join(dir, 'reload')], {}, /^KSA_/);
    expect(text.stdout).toMatch(/^watcher: not running/);
    expect(text.stdout).toMatch(/^added \(fixture-diagnostics\): ok since .*firing critical fixture\.alpha\.level/m);
  });

  it('SIGTERM exits 0 within the grace period while a target hangs in its cycle', async () => {
    const file = writeConfig(join(dir, 'hang.yaml'), { ok: 'healthy', stuck: 'hang' }, { stuck: 'timeout: 30s' });
    const w = watch(['--config', file, '--state-dir', join(dir, 'hang'), '--grace', '1s']);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    await new Promise((r) => setTimeout(r, 1200)); // the hung cycle is in flight by now
    const t0 = Date.now();
    w.kill('SIGTERM');
    const { code } = await w.exited;
    const tookMs = Date.now() - t0;
    expect(code).toBe(0);
    // grace (1 s) + the bounded close (1.5 s) + a loaded machine's margin.
    expect(tookMs).toBeLessThan(5000);
    expect(w.events.find((e) => e.kind === 'watcher' && e.action === 'stopped')).toMatchObject({ reason: 'SIGTERM' });
  });

  it('kill -9 at random moments and restart: one `firing` event for the episode, its `resolved` after the fix, no event lost (seq gap-free)', async () => {
    const stateDir = join(dir, 'kill9');
    const file = writeConfig(join(dir, 'kill9.yaml'), { w: 'warning', h: 'healthy' });
    const seen = new Map<number, WatchEventLine>();
    const run = async (killAfterMs: number | undefined, until?: (e: WatchEventLine) => boolean) => {
      const w = watch(['--config', file, '--state-dir', stateDir, '--health-every', '200ms']);
      await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
      if (until) await w.next('the awaited event', until, 15_000);
      if (killAfterMs !== undefined) {
        await new Promise((r) => setTimeout(r, killAfterMs));
        w.kill('SIGKILL');
      } else {
        w.kill('SIGTERM');
      }
      await w.exited;
      for (const e of w.events) {
        const earlier = seen.get(e.seq);
        // A replayed event (printed before the kill was acknowledged) comes again with the same id.
        if (earlier) expect(earlier.id).toBe(e.id);
        seen.set(e.seq, e);
      }
    };
    await run(Math.floor(Math.random() * 300), (e) => e.kind === 'finding' && e.target === 'w' && e.to === 'firing');
    for (let i = 0; i < 5; i++) await run(Math.floor(Math.random() * 900));
    writeConfig(file, { w: 'healthy', h: 'healthy' });
    await run(undefined, (e) => e.kind === 'finding' && e.target === 'w' && e.to === 'resolved');
    const all = [...seen.values()].sort((a, b) => a.seq - b.seq);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const findings = all.filter((e) => e.kind === 'finding' && e.target === 'w');
    expect(findings.filter((e) => e.to === 'firing')).toHaveLength(1);
    expect(findings.filter((e) => e.to === 'resolved')).toHaveLength(1);
    expect(findings.at(-1)!.episode).toBe(findings.find((e) => e.to === 'firing')!.episode);
  });
});
