// Cases 1, 3, 4, 5 and 11 of the reliability suite: hostile plugin code, run through the real CLI
// (`node bin/ksa.js`), measured from the outside. Each case names its pass criterion.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs,
  byName, bystanderPlugin, descendants, fixturePlugin, hostilePlugin, measurements, parseReport, pidsWithMarker, repo, rssMb,
  runKsa, tempDir, writeConfig, type KsaRun,
} from './support/ksa.js';

const m = measurements('hostile plugins (reliability cases 1, 3, 4, 5, 11)');
afterAll(() => { m.print(); removeTempDirs(); });

const dir = tempDir();
const PLUGINS = ['--plugin', fixturePlugin, '--plugin', hostilePlugin, '--plugin', bystanderPlugin];
const DEADLINE_MS = 2000;

const fixture = (name: string, behavior: string) => ({ name, type: 'fixture', endpoints: ['127.0.0.1:7000'], options: { behavior } });
const bystander = (name = 'bystander') => ({ name, type: 'bystander', endpoints: ['127.0.0.1:7200'] });

/** ksa's exit, in ms after the deadline of the diagnosis that started first (startedAt is ksa's own clock). */
function exitAfterDeadline(exitEpochMs: number, startedAt: string, timeoutMs: number): number {
  return exitEpochMs - (Date.parse(startedAt) + timeoutMs);
}

/** Runs ksa while recording every descendant it had, so the test can check they are all gone. */
async function runTracked(args: string[]): Promise<{ run: KsaRun; exitEpochMs: number; seenChildren: Set<number> }> {
  const seenChildren = new Set<number>();
  const run = await runKsa(args, { watch: (pid) => { for (const c of descendants(pid)) seenChildren.add(c); }, watchEveryMs: 50 });
  return { run, exitEpochMs: Date.now(), seenChildren };
}

const alive = (pid: number) => rssMb(pid) > 0;

describe('case 1: plugin stuck in while(true){}', () => {
  it.each([
    { isolation: 'auto', host: 'child process' },
    { isolation: 'worker', host: 'worker thread' },
  ])('$host: loop target unknown/timeout within deadline + 200 ms, others printed, ksa gone within deadline + 500 ms', async ({ isolation }) => {
    const config = writeConfig(dir, [fixture('looper', 'loop'), fixture('healthy', 'healthy'), bystander()], {
      timeout: `${DEADLINE_MS}ms`, packages: [fixturePlugin, bystanderPlugin],
    });
    const { run, exitEpochMs, seenChildren } = await runTracked(['--isolation', isolation, 'diagnose', '--config', config, '--json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    const report = parseReport(run.stdout);
    const r = byName(report);
    const looper = r.get('looper')!;
    expect(looper.status).toBe('unknown');
    expect(looper.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    expect(looper.durationMs).toBeLessThanOrEqual(DEADLINE_MS + 200);
    // Another plugin is never affected; a target of the SAME plugin shares the blocked worker
    // in worker isolation (built-in plugins), so only the fresh child per call (auto) keeps it apart.
    expect(r.get('bystander')?.status).toBe('healthy');
    if (isolation === 'auto') expect(r.get('healthy')?.status).toBe('healthy');
    m.record(`case 1 loop (${isolation}): same plugin's healthy target`, `${r.get('healthy')?.status} ${r.get('healthy')?.errors[0]?.code ?? ''}`);
    const gone = exitAfterDeadline(exitEpochMs, looper.startedAt, DEADLINE_MS);
    expect(gone).toBeLessThanOrEqual(500);
    await new Promise((res) => setTimeout(res, 100));
    expect([...seenChildren].filter(alive)).toEqual([]);
    m.record(`case 1 loop (${isolation}): result after`, `${looper.durationMs} ms (deadline ${DEADLINE_MS})`);
    m.record(`case 1 loop (${isolation}): ksa exit after deadline`, `${gone} ms; wall ${run.ms.toFixed(0)} ms incl. start-up`);
  });

  it('single target from argv: exit 3 with the JSON report, wall time within deadline + start-up + 500 ms', async () => {
    const { run, exitEpochMs } = await runTracked([...PLUGINS, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=loop', '--timeout', `${DEADLINE_MS}ms`, '--json']);
    expect(run.code).toBe(3);
    const result = parseReport(run.stdout).results[0]!;
    expect(result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    const gone = exitAfterDeadline(exitEpochMs, result.startedAt, DEADLINE_MS);
    expect(gone).toBeLessThanOrEqual(500);
    m.record('case 1 loop (argv): ksa exit after deadline', `${gone} ms; wall ${run.ms.toFixed(0)} ms`);
  });
});

describe('case 3: a promise that never resolves and holds no handle', () => {
  it.concurrent.each(['auto', 'worker', 'none'])('--isolation %s: unknown with KSA_ERR_TIMEOUT, exit 3 (never a silent exit 13)', async (isolation) => {
    const run = await runKsa([...PLUGINS, '--isolation', isolation, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=hang', '--timeout', '1s', '--json']);
    expect(run.code).toBe(3);
    const result = parseReport(run.stdout).results[0]!;
    expect(result.status).toBe('unknown');
    expect(result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    expect(result.errors[0]?.message.length).toBeGreaterThan(10);
    m.record(`case 3 hang (${isolation})`, `exit ${run.code}, ${result.durationMs} ms for a 1000 ms deadline`);
  });
});

describe('case 4: memory bombs in an external plugin', () => {
  it('heap bomb and Buffer bomb: unknown (out of memory), ksa survives, its own RSS grows < 50 MB', async () => {
    const base = ['--plugin', fixturePlugin, '--plugin', hostilePlugin, 'diagnose'];
    const childPeak = { heap: 0, buffer: 0 };
    const track = (key: keyof typeof childPeak) => (pid: number) => {
      for (const c of descendants(pid)) childPeak[key] = Math.max(childPeak[key], rssMb(c));
    };
    const [baseline, heap, buffer] = await Promise.all([
      runKsa([...base, 'fixture', '127.0.0.1:7000', '--option', 'behavior=healthy', '--json']),
      runKsa([...base, 'fixture', '127.0.0.1:7000', '--option', 'behavior=heap-bomb', '--timeout', '30s', '--json'], { watch: track('heap'), watchEveryMs: 25 }),
      runKsa([...base, 'hostile', '127.0.0.1', '--option', 'behavior=buffer-bomb', '--timeout', '30s', '--json'], { watch: track('buffer'), watchEveryMs: 25 }),
    ]);
    expect(baseline.code).toBe(0);
    for (const [name, run] of [['heap', heap], ['buffer', buffer]] as const) {
      expect(run.signal, name).toBeNull();
      expect(run.code, name).toBe(3);
      const result = parseReport(run.stdout).results[0]!;
      expect(result.status, name).toBe('unknown');
      expect(result.errors[0]?.code, name).toBe('KSA_ERR_OUT_OF_MEMORY');
      const growth = run.peakRssMb - baseline.peakRssMb;
      expect(growth, `${name}: ksa RSS ${run.peakRssMb} MB vs ${baseline.peakRssMb} MB`).toBeLessThan(50);
      m.record(`case 4 ${name} bomb`, `OOM after ${run.ms.toFixed(0)} ms; plugin host peak RSS ${childPeak[name].toFixed(0)} MB; ksa RSS ${run.peakRssMb.toFixed(0)} MB vs ${baseline.peakRssMb.toFixed(0)} MB healthy run (growth ${growth.toFixed(1)} MB)`);
    }
  }, 60_000);
});

describe('case 5: crashes inside plugin code', () => {
  const CRASHES = ['async-throw', 'unhandled-rejection', 'error-event', 'exit'] as const;
  const EXPECTED: Record<(typeof CRASHES)[number], string> = {
    'async-throw': 'KSA_ERR_PLUGIN_CRASH',
    'unhandled-rejection': 'KSA_ERR_PLUGIN_CRASH',
    'error-event': 'KSA_ERR_PLUGIN_CRASH',
    exit: 'KSA_ERR_PLUGIN_EXIT',
  };

  it.concurrent.each(['auto', 'worker'])('--isolation %s: each crash is unknown with a reason, another plugin stays healthy', async (isolation) => {
    const config = writeConfig(dir, [...CRASHES.map((b) => fixture(b, b)), fixture('same-plugin-healthy', 'healthy'), bystander()], {
      timeout: '5s', packages: [fixturePlugin, bystanderPlugin],
    });
    const run = await runKsa(['--isolation', isolation, 'diagnose', '--config', config, '--json']);
    expect(run.code).toBe(3);
    const r = byName(parseReport(run.stdout));
    for (const b of CRASHES) {
      const result = r.get(b)!;
      expect(result.status, b).toBe('unknown');
      // In a shared worker the first crash takes the in-flight calls with it, so its code wins.
      if (isolation === 'auto') expect(result.errors[0]?.code, b).toBe(EXPECTED[b]);
      expect(result.errors[0]?.message, b).toMatch(/\w{5,}/);
    }
    expect(r.get('bystander')?.status).toBe('healthy');
    const sibling = r.get('same-plugin-healthy')!;
    // A fresh child per call (auto) keeps a plugin's other targets apart too; a shared worker does not.
    if (isolation === 'auto') expect(sibling.status).toBe('healthy');
    m.record(`case 5 (${isolation}) same plugin's healthy target`, `${sibling.status}${sibling.errors[0] ? ` (${sibling.errors[0].code})` : ''}`);
    m.record(`case 5 (${isolation}) crash codes`, CRASHES.map((b) => `${b}=${r.get(b)!.errors[0]?.code}`).join(', '));
  });
});

// Sandboxed (the default since issue 20) every attack below is refused: test/reliability/sandbox.test.ts.
// The process-group containment is what a plugin run with --plugin-trust full still gets.
const FULL_TRUST = ['--plugin-trust', 'full'];

describe('case 11: an external plugin trying to escape', () => {
  it('sees only PATH/LANG/TZ in its environment, and never another target\'s secret, not even through /proc', async () => {
    const config = writeConfig(dir, [
      { name: 'snoop', type: 'hostile', endpoints: ['127.0.0.1:7100'], auth: { passwordEnv: 'REL_SNOOP_PW' }, options: { behavior: 'snoop' } },
      { name: 'mem-a', type: 'hostile', endpoints: ['127.0.0.1:7101'], auth: { passwordEnv: 'REL_A_PW' }, options: { behavior: 'remember' } },
      { name: 'mem-b', type: 'hostile', endpoints: ['127.0.0.1:7102'], auth: { passwordFile: writeSecret('Rel-B-9f3k2') }, options: { behavior: 'remember' } },
    ], { packages: [hostilePlugin], concurrency: 1 });
    const run = await runKsa(['diagnose', '--config', config, '--json'], { env: { REL_SNOOP_PW: 'Rel-S-4h7q1', REL_A_PW: 'Rel-A-8c2m5' } });
    expect(run.code).toBe(0);
    const r = byName(parseReport(run.stdout));
    const snoop = r.get('snoop')!.metrics!;
    // PWD=/ is bubblewrap's (--chdir /): not from ksa's environment.
    expect(String(snoop.envKeys).split(',').every((k) => ['PATH', 'LANG', 'TZ', 'PWD'].includes(k))).toBe(true);
    if (String(snoop.envKeys).includes('PWD')) expect(JSON.parse(String(snoop.envJson)).PWD).toBe('/');
    expect(String(snoop.envJson)).not.toMatch(/Rel-/);
    // Each call has a fresh host: module state never holds a previous target's password.
    expect(r.get('mem-a')!.metrics!.seenCount).toBe(1);
    expect(r.get('mem-b')!.metrics!.seenCount).toBe(1);
    // Nothing reached the plugin that holds another target's secret: not through ksa (target, IPC,
    // env), and, sandboxed, not through /proc/<ksa>/environ either.
    expect(run.stdout).not.toContain('Rel-A-8c2m5');
    expect(run.stdout).not.toContain('Rel-B-9f3k2');
    expect(run.stdout).not.toContain('Rel-S-4h7q1');
    const parentEnv = String(snoop.parentEnviron);
    expect(parentEnv).toMatch(/^denied: /);
    m.record('case 11 snoop: plugin env keys', String(snoop.envKeys));
    m.record('case 11 snoop: /proc/<ksa>/environ readable by the plugin', parentEnv);
  });

  it.concurrent.each(['spawn', 'spawn-detached'])('%s (--plugin-trust full): the process it started is gone when ksa exits', async (behavior) => {
    const marker = `ksa-rel-marker-${behavior}-${process.pid}`;
    const run = await runKsa([...FULL_TRUST, ...PLUGINS, 'diagnose', 'hostile', '127.0.0.1', '--option', `behavior=${behavior}`, '--option', `marker=${marker}`, '--json']);
    expect(run.code).toBe(0);
    await new Promise((res) => setTimeout(res, 300));
    const left = pidsWithMarker(marker);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // never leave them behind, even on failure
    expect(left).toEqual([]);
  });

  it('kills its parent with SIGTERM (--plugin-trust full): ksa dies by that signal, never exit 0, its hosts are reaped', async () => {
    const { run, seenChildren } = await runTracked([...FULL_TRUST, ...PLUGINS, 'diagnose', 'hostile', '127.0.0.1', '--option', 'behavior=kill-parent', '--json']);
    // Today ksa dies by the signal (after reaping its hosts); a SIGTERM handler that prints a
    // partial report would end with exit 3 instead. Never exit 0, never unparsable output.
    expect(run.code === 0).toBe(false);
    expect(run.signal === 'SIGTERM' || run.code === 3).toBe(true);
    expect(jqParses(run.stdout)).toBe(true);
    await new Promise((res) => setTimeout(res, 200));
    expect([...seenChildren].filter(alive)).toEqual([]);
    m.record('case 11 kill-parent', `ksa ended by ${run.signal} after ${run.ms.toFixed(0)} ms, stdout ${run.stdout.length} bytes, hosts reaped`);
  });

  it('writes raw bytes to its fd 1 and fd 2: `ksa --json | jq .` still parses, no control bytes reach the terminal', async () => {
    const run = await runKsa([...PLUGINS, '--log-level', 'debug', 'diagnose', 'hostile', '127.0.0.1', '--option', 'behavior=raw-fd1', '--json']);
    expect(run.code).toBe(0);
    expect(jqParses(run.stdout)).toBe(true);
    expect(parseReport(run.stdout).results[0]!.status).toBe('healthy');
    expect(run.stderr).toContain('plugin stdout');
    // eslint-disable-next-line no-control-regex
    expect(run.stderr).not.toMatch(/[\u0000\u001b]/);
  });

  it('writes into /proc/<ksa>/fd/1 through a real shell pipe (--plugin-trust full, same uid): recorded', () => {
    // A spawned child's stdout is a socketpair (opening it through /proc fails); a CI job's
    // `ksa --json | jq .` is a pipe, which the plugin can open and write into.
    const cmd = `"${process.execPath}" "${repo}/bin/ksa.js" --plugin-trust full --plugin "${hostilePlugin}" diagnose hostile 127.0.0.1 --option behavior=write-parent-stdout --json | cat`;
    const out = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const corrupted = out.stdout.includes('GARBAGE-FROM-PLUGIN');
    // What ksa itself wrote is intact: the report parses once the injected line is removed.
    expect(jqParses(out.stdout.replace('GARBAGE-FROM-PLUGIN\n', ''))).toBe(true);
    m.record('case 11 write to /proc/<ksa>/fd/1 (shell pipe)', `injected line ${corrupted ? 'reached' : 'did not reach'} ksa's stdout; jq parses: ${jqParses(out.stdout)}`);
  });
});

function writeSecret(value: string): string {
  const file = `${dir}/secret-${Math.random().toString(36).slice(2)}`;
  spawnSync('sh', ['-c', `umask 077; printf %s "$1" > "$2"`, 'sh', value, file]);
  return file;
}

/** `jq .` on the text (the CI consumer); falls back to JSON.parse where jq is missing. */
function jqParses(text: string): boolean {
  const jq = spawnSync('jq', ['.'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
  if (jq.error) {
    try { if (text.trim()) JSON.parse(text); return true; } catch { return false; }
  }
  return jq.status === 0;
}
