// Sandbox and isolation through the PluginManager API, for worker-thread and child-process hosts:
// hostile plugins (loops, hangs, crashes, exits, heap bombs) become `unknown` results with a coded
// error within the deadline, the next call gets a fresh host, and hosts see no environment.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PluginManager } from '../../src/core/manager.js';
import type { SandboxSetting } from '../../src/core/isolation/plugin-sandbox.js';
import { DiagnosticResultSchema, ReportSchema } from '../../src/core/schemas.js';
import type { DiagnosticResult, Logger, MiddlewareTarget } from '../../src/core/types.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(repo, 'test/fixtures/plugins/fixture');
const probe = join(repo, 'test/fixtures/plugins/probe');
const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };
const FIXTURE = 'fixture-diagnostics';
const PROBE = 'probe-diagnostics';
/** Deadline of the calls whose overshoot is measured (loop, hang). */
const TIMEOUT_MS = 1000;
/** Deadline for the other timeout cases (shorter, to keep the suite fast). */
const SHORT_MS = 600;
/**
 * Deadline for calls that must not time out (host start-up on a loaded 2-core machine included).
 * 20 s: a 64 MB heap bomb in a worker host, alone 0.5 s and 3-4 s in this file, took 10.4-11.8 s in a
 * fresh-clone CI run beside another test file; what is asserted is how it ends (KSA_ERR_OUT_OF_MEMORY),
 * not how fast, so this only has to be past any plausible time to fail.
 */
const LONG_MS = 20_000;
/** The acceptance bound: a timed-out call returns within deadline + 200 ms. */
const OVERSHOOT_MS = 200;

const MODES = ['worker', 'process'] as const;
type Mode = (typeof MODES)[number];

/** Measured numbers, printed once at the end for the report. */
const measured: Record<string, string> = {};
afterAll(() => {
  if (Object.keys(measured).length > 0) console.info(`isolation measurements:\n${Object.entries(measured).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
});

function target(behavior: string, extra: Partial<MiddlewareTarget> = {}): MiddlewareTarget {
  return { type: 'fixture', name: `fixture-${behavior}`, endpoints: ['127.0.0.1:7000'], auth: {}, options: { behavior }, ...extra };
}

const PROBE_TARGET: MiddlewareTarget = { type: 'probe', name: 'p', endpoints: ['h:1'], auth: {}, options: {} };

const opts = (timeoutMs = TIMEOUT_MS) => ({ categories: [], thresholds: {}, timeoutMs, allowWrite: false });

/**
 * Child processes run under Node's permission model alone here ('node'): these tests identify a
 * host by the pid it reports, which inside bubblewrap's PID namespace is the namespace's own.
 * The bubblewrap sandbox (the default) has its own cases below and in test/reliability/sandbox.test.ts.
 */
async function newManager(isolation: Mode, heapLimitMb = 64, sandbox: SandboxSetting = 'node'): Promise<PluginManager> {
  const manager = await new PluginManager({ packageRoot: repo, externals: [fixture, probe], isolation, logger: silent, heapLimitMb, sandbox }).load();
  managerMode.set(manager, isolation);
  return manager;
}

/**
 * A manager whose fixture host is already started, so that a short deadline is spent on the
 * plugin's own behaviour and not on starting the host (on a loaded machine a cold start alone
 * can take longer than a short deadline, and the hostile code would then never run).
 */
async function warmManager(isolation: Mode): Promise<PluginManager> {
  const manager = await newManager(isolation);
  const { result } = await manager.diagnose({ pluginId: FIXTURE, target: target('healthy'), opts: opts(LONG_MS) });
  expect(result.status).toBe('healthy');
  return manager;
}

/**
 * After a successful call: worker hosts go through the lifecycle (Running); per-call child
 * processes (external plugins, process isolation) do not, but the plugin must not be Failed.
 */
function expectUsableState(manager: PluginManager): void {
  const state = manager.registry.getState(FIXTURE);
  if (managerMode.get(manager) === 'worker') expect(state).toBe('Running');
  else expect(state).not.toBe('Failed');
}

const managerMode = new WeakMap<PluginManager, Mode>();

/** Runs `fn` with its own manager and always closes it (tests below run concurrently). */
async function withManager<T>(made: Promise<PluginManager>, fn: (manager: PluginManager) => Promise<T>): Promise<T> {
  const manager = await made;
  try {
    return await fn(manager);
  } finally {
    await manager.close();
  }
}

async function timed(manager: PluginManager, pluginId: string, t: MiddlewareTarget, timeoutMs = LONG_MS): Promise<{ result: DiagnosticResult; ms: number }> {
  const t0 = performance.now();
  const { result } = await manager.diagnose({ pluginId, target: t, opts: opts(timeoutMs) });
  const ms = performance.now() - t0;
  DiagnosticResultSchema.parse(result);
  return { result, ms };
}

interface Hostile {
  behavior: string;
  code: string;
  /** Whether the host is gone afterwards (a shared host: the plugin is recorded Failed, the next call needs a fresh host). */
  killsHost: boolean;
}

const HOSTILE: Hostile[] = [
  { behavior: 'loop', code: 'KSA_ERR_TIMEOUT', killsHost: true },
  { behavior: 'hang', code: 'KSA_ERR_TIMEOUT', killsHost: false },
  { behavior: 'async-throw', code: 'KSA_ERR_PLUGIN_CRASH', killsHost: true },
  { behavior: 'unhandled-rejection', code: 'KSA_ERR_PLUGIN_CRASH', killsHost: true },
  // emit('error') without a listener throws inside collect: a rejected call, the host survives.
  { behavior: 'error-event', code: 'KSA_ERR_PLUGIN_CRASH', killsHost: false },
  { behavior: 'exit', code: 'KSA_ERR_PLUGIN_EXIT', killsHost: true },
  { behavior: 'heap-bomb', code: 'KSA_ERR_OUT_OF_MEMORY', killsHost: true },
  { behavior: 'throw', code: 'KSA_ERR_PLUGIN_CRASH', killsHost: false },
  { behavior: 'refuse', code: 'KSA_ERR_CONNECT', killsHost: false },
  { behavior: 'bad-op', code: 'KSA_ERR_OPERATION_DENIED', killsHost: false },
];

/** Deadline for a hostile call: short where the timeout is the point, long otherwise. */
const deadlineOf = (h: Hostile, measuredTimeout = SHORT_MS) => (h.code === 'KSA_ERR_TIMEOUT' ? measuredTimeout : LONG_MS);

describe.each(MODES)('%s isolation', (mode) => {
  let manager: PluginManager;
  afterEach(async () => {
    await manager?.close();
  });

  it.concurrent.each([
    { behavior: 'healthy', status: 'healthy' },
    { behavior: 'warning', status: 'warning' },
    { behavior: 'critical', status: 'critical' },
  ])('$behavior plugin -> $status', ({ behavior, status }) => withManager(newManager(mode), async (manager) => {
    const { result } = await timed(manager, FIXTURE, target(behavior));
    expect(result.status).toBe(status);
    expect(result.errors).toEqual([]);
    expect(result.categories.map((c) => c.name)).toEqual(['alpha', 'beta']);
    expectUsableState(manager);
  }));

  // The timeout cases measure the deadline overshoot, so they run one at a time (a busy event loop
  // in this test process would add its own delay); the others run concurrently.
  const unknownCase = (h: Hostile) => withManager(warmManager(mode), async (manager) => {
    const { behavior, code } = h;
    const limit = deadlineOf(h, TIMEOUT_MS);
    const { result, ms } = await timed(manager, FIXTURE, target(behavior), limit);
    expect(result.status).toBe('unknown');
    expect(result.errors.map((e) => e.code)).toEqual([code]);
    expect(result.errors[0]?.message).toMatch(/: \S/); // a fix follows the message
    expect(result.findings).toEqual([]);
    expect(result.categories.every((c) => c.status === 'unknown')).toBe(true);
    expect(manager.registry.get(FIXTURE)?.lastError?.code).toBe(code);
    if (code === 'KSA_ERR_TIMEOUT') {
      expect(ms).toBeLessThan(limit + OVERSHOOT_MS);
      expect(ms).toBeGreaterThanOrEqual(limit - 5);
      measured[`${mode} ${behavior} timeout ${limit} ms returned after`] = `${ms.toFixed(1)} ms (overshoot ${(ms - limit).toFixed(1)} ms)`;
    }
  });
  it.each(HOSTILE.filter((h) => h.code === 'KSA_ERR_TIMEOUT'))('$behavior -> unknown with $code within deadline + 200 ms, never healthy', unknownCase);
  it.concurrent.each(HOSTILE.filter((h) => h.code !== 'KSA_ERR_TIMEOUT'))('$behavior -> unknown with $code (also the plugin\'s lastError), never healthy', unknownCase);

  // worker: one shared host per plugin, so a dead host fails the plugin until the next call
  // starts a fresh one. process: external plugins get a fresh child per diagnose call (so no
  // plugin sees another target's secrets), outside the lifecycle: the plugin's state is untouched.
  it.concurrent.each(HOSTILE.filter((h) => h.killsHost))(`after $behavior the plugin state is ${mode === 'worker' ? 'Failed' : 'unchanged'}`, (h) => withManager(warmManager(mode), async (manager) => {
    const before = manager.registry.getState(FIXTURE);
    await timed(manager, FIXTURE, target(h.behavior), deadlineOf(h));
    if (mode === 'worker') {
      // The host is gone; the manager must notice and record why (at the latest shortly after).
      await vi.waitFor(() => expect(manager.registry.getState(FIXTURE)).toBe('Failed'), { timeout: 500, interval: 10 });
      expect(manager.registry.listByState('Failed').map((e) => e.manifest.id)).toEqual([FIXTURE]);
      expect(manager.registry.get(FIXTURE)?.lastError?.code).toBe(h.code);
    } else {
      await new Promise((r) => setTimeout(r, 150));
      expect(manager.registry.getState(FIXTURE)).toBe(before);
    }
  }));

  it.concurrent.each(HOSTILE)('after $behavior the next call on the same plugin works again', (h) => withManager(warmManager(mode), async (manager) => {
    await timed(manager, FIXTURE, target(h.behavior), deadlineOf(h));
    const { result } = await timed(manager, FIXTURE, target('healthy'), LONG_MS);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('healthy');
    expectUsableState(manager);
  }));

  it('a sync loop never blocks the main thread, and another plugin is not affected', async () => {
    manager = await warmManager(mode);
    const before = await timed(manager, PROBE, PROBE_TARGET, LONG_MS);
    const looping = timed(manager, FIXTURE, target('loop'), SHORT_MS * 2);
    // The main thread is never blocked by a looping plugin: timers keep firing meanwhile.
    let ticks = 0;
    const interval = setInterval(() => { ticks++; }, 50);
    const { result } = await looping;
    clearInterval(interval);
    expect(result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    // ~24 ticks of 50 ms fit in the deadline; a blocked main thread would see at most 1.
    expect(ticks).toBeGreaterThanOrEqual(5);
    const after = await timed(manager, PROBE, PROBE_TARGET, LONG_MS);
    expect(after.result.status).toBe('healthy');
    if (mode === 'worker') expect(after.result.metrics.pid).toBe(before.result.metrics.pid);
  });

  it('concurrent calls where one hangs: the healthy ones return healthy promptly', async () => {
    manager = await newManager(mode);
    await timed(manager, FIXTURE, target('healthy')); // warm host
    const t0 = performance.now();
    // Long enough that "prompt" (well before the hang's deadline) cannot be confused with
    // waiting for it, even when five child processes start at once on a busy 2-core machine.
    const deadline = mode === 'worker' ? 1200 : 4000;
    const calls = ['hang', 'healthy', 'warning', 'healthy', 'critical'].map((b) =>
      manager.diagnose({ pluginId: FIXTURE, target: target(b), opts: opts(deadline) }).then(({ result }) => ({ b, result, ms: performance.now() - t0 })),
    );
    const done = await Promise.all(calls);
    // Prompt: well before the hanging call's deadline (a worker call is sub-millisecond; a child
    // process per call costs a process start on a busy 2-core machine).
    const byBehavior = done.map(({ b, result, ms }) => ({ b, status: result.status, prompt: ms < (mode === 'worker' ? 300 : deadline - 1000) }));
    expect(byBehavior).toEqual([
      { b: 'hang', status: 'unknown', prompt: false },
      { b: 'healthy', status: 'healthy', prompt: true },
      { b: 'warning', status: 'warning', prompt: true },
      { b: 'healthy', status: 'healthy', prompt: true },
      { b: 'critical', status: 'critical', prompt: true },
    ]);
    expect(done[0]?.result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
  });

  it('a crash in one target\'s call does not take the other in-flight targets of the plugin with it', async () => {
    manager = await newManager(mode);
    await timed(manager, FIXTURE, target('healthy')); // warm host: both calls share it in worker mode
    const [crash, slow, healthy] = await Promise.all(['async-throw', 'slow', 'healthy'].map((b) =>
      manager.diagnose({ pluginId: FIXTURE, target: target(b), opts: opts(LONG_MS) }).then(({ result }) => result)));
    expect(crash!.status).toBe('unknown');
    expect(crash!.errors[0]?.code).toBe('KSA_ERR_PLUGIN_CRASH');
    // In worker mode the slow call was in flight when the shared worker died: it is run again in
    // a host of its own and gets its real result.
    expect([slow!.status, healthy!.status]).toEqual(['healthy', 'healthy']);
  });

  // Worker mode only: with process isolation every call has its own process, so nothing is
  // shared to recover, and the looping call would only burn a core until the deadline.
  if (mode === 'worker') it('a synchronous loop in one target\'s call: the plugin\'s other targets get their results well before the deadline', async () => {
    manager = await newManager(mode);
    await timed(manager, FIXTURE, target('healthy')); // warm host: in worker mode all three share it
    // The looping call burns a core until the deadline. The deadline is long enough that "found by
    // the heartbeat" (stall 2 s + one 500 ms beat + a fresh worker, about 3 s here, 3.6 s seen under
    // CI load) and "waited for the deadline" are seconds apart.
    const deadline = 8000;
    const t0 = performance.now();
    const done = await Promise.all(['loop', 'slow', 'healthy'].map((b) =>
      manager.diagnose({ pluginId: FIXTURE, target: target(b), opts: opts(deadline) }).then(({ result }) => ({ result, ms: performance.now() - t0 }))));
    expect(done.map((d) => d.result.status)).toEqual(['unknown', 'healthy', 'healthy']);
    expect(done[0]!.result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    // Worker mode: the blocked worker is found by its missed heartbeat (~2 s), not at the deadline,
    // and the two innocent calls run again in workers of their own: done within 4.5 s, before 60%
    // of the deadline (the bound was deadline - 1.5 s = 70% with a 5 s deadline).
    for (const d of done.slice(1)) expect(d.ms).toBeLessThan(4500);
  });

  it(mode === 'worker' ? 'concurrent calls on a cold plugin share one host start' : 'every diagnose call gets its own child process', async () => {
    manager = await newManager(mode);
    const results = await Promise.all([1, 2, 3, 4].map(() => timed(manager, PROBE, PROBE_TARGET, LONG_MS)));
    expect(results.map((r) => r.result.status)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    const pids = new Set(results.map((r) => r.result.metrics.pid));
    expect(pids.size).toBe(mode === 'worker' ? 1 : 4);
    if (mode === 'process') {
      // Each per-call child is gone once its call is over.
      await vi.waitFor(() => {
        for (const pid of pids) expect(() => process.kill(Number(pid), 0)).toThrow();
      }, { timeout: 2000, interval: 20 });
    }
  });

  it('one plugin looping does not delay another plugin', async () => {
    manager = await warmManager(mode);
    await timed(manager, PROBE, PROBE_TARGET, LONG_MS);
    const loop = timed(manager, FIXTURE, target('loop'), 1000);
    await new Promise((r) => setTimeout(r, 100));
    const other = await timed(manager, PROBE, PROBE_TARGET, LONG_MS);
    expect(other.result.status).toBe('healthy');
    expect(other.ms).toBeLessThan(mode === 'worker' ? 300 : 1500);
    expect((await loop).result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
  });

  it.each(mode === 'worker' ? ['node'] as const : ['node', 'auto'] as const)('the host gets no environment and the password only by message (not env, not argv); sandbox %s', async (sandbox) => {
    process.env.KSA_TEST_CANARY = 'canary-value-in-parent-env';
    try {
      manager = await newManager(mode, 64, sandbox);
      const { result } = await timed(manager, PROBE, { ...PROBE_TARGET, auth: { password: 'pr0be-secret-pw' } }, LONG_MS);
      const m = result.metrics;
      expect(m.gotSecret).toBe('yes');
      expect(m.secretInEnv).toBe('no');
      expect(m.secretInArgv).toBe('no');
      expect(String(m.envKeys)).not.toContain('KSA_TEST_CANARY');
      if (mode === 'worker') {
        expect(m.envCount).toBe(0);
        expect(m.mainThread).toBe('no');
        expect(m.pid).toBe(process.pid);
      } else {
        // A child process: an allowlist of harmless variables only.
        // (PWD=/ is set by bubblewrap's --chdir /, not taken from ksa's environment.)
        for (const key of String(m.envKeys).split(',')) expect(['(none)', 'PATH', 'LANG', 'TZ', ...(sandbox === 'auto' ? ['PWD'] : [])]).toContain(key);
        expect(m.pid).not.toBe(process.pid);
        expect(String(m.argv)).toMatch(/--max-old-space-size=\d+/);
      }
    } finally {
      delete process.env.KSA_TEST_CANARY;
    }
  });

  it('the fixture read-env behaviour sees an empty (worker) or allowlisted (process) environment', async () => {
    manager = await newManager(mode);
    const { snapshot } = await manager.diagnose({ pluginId: FIXTURE, target: target('read-env'), opts: opts(LONG_MS), withSnapshot: true });
    expect(snapshot).toBeDefined();
    const envCount = (snapshot?.data as { env?: number }).env;
    expect(typeof envCount).toBe('number');
    expect(envCount).toBeLessThanOrEqual(mode === 'worker' ? 0 : 3);
    expect(Object.keys(process.env).length).toBeGreaterThan(3); // the parent does have an environment
  });

  it('a password echoed by the plugin comes back redacted (result and snapshot)', async () => {
    manager = await newManager(mode);
    const { result, snapshot } = await manager.diagnose({
      pluginId: FIXTURE, target: target('warning', { auth: { password: 'Sup3r-Secret!' } }), opts: opts(LONG_MS), withSnapshot: true,
    });
    const text = JSON.stringify({ result, snapshot });
    expect(result.findings[0]?.detail).toContain('secret is ***');
    expect(text).not.toContain('Sup3r-Secret!');
  });

  it('close() terminates the hosts and no plugin is left reported Running', async () => {
    manager = await newManager(mode);
    const { result } = await timed(manager, PROBE, PROBE_TARGET, LONG_MS);
    if (mode === 'worker') expect(manager.registry.getState(PROBE)).toBe('Running');
    await manager.close();
    if (mode === 'process') {
      const pid = Number(result.metrics.pid);
      await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrowError(expect.objectContaining({ code: 'ESRCH' })), { timeout: 2000 });
    }
    // The registry must describe reality: there is no host any more.
    expect(manager.registry.listByState('Running').map((e) => e.manifest.id)).toEqual([]);
  });
});

describe('warm call overhead (sanity bound only; the < 1 ms figure comes from bench/)', () => {
  let manager: PluginManager;
  beforeAll(async () => {
    manager = await newManager('worker');
  });
  afterAll(async () => {
    await manager.close();
  });

  it('median of 200 sequential healthy diagnose calls on a warm worker host is < 20 ms', async () => {
    for (let i = 0; i < 5; i++) await timed(manager, FIXTURE, target('healthy'), 10_000);
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const { result, ms } = await timed(manager, FIXTURE, target('healthy'), 10_000);
      expect(result.status).toBe('healthy');
      samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    const median = samples[100]!;
    measured['worker warm diagnose call, median of 200'] = `${median.toFixed(3)} ms (p90 ${samples[180]!.toFixed(3)} ms)`;
    expect(median).toBeLessThan(20);
  });
});

describe('plugin output never reaches ksa stdout (CLI spawned)', () => {
  it.each(MODES)('--isolation %s: a printing plugin leaves stdout valid JSON', (mode) => {
    const run = spawnSync(process.execPath, [join(repo, 'bin/ksa.js'), '--plugin', fixture, '--isolation', mode, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=print', '--json'], {
      cwd: repo, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stdout).not.toContain('garbage');
    expect(run.stderr).not.toContain('garbage');
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.results[0]?.status).toBe('healthy');
    expect(run.status).toBe(0);
  });

  it.each(MODES)('--isolation %s: with --log-level debug the plugin output is a debug log line on stderr', (mode) => {
    const run = spawnSync(process.execPath, [join(repo, 'bin/ksa.js'), '--log-level', 'debug', '--plugin', fixture, '--isolation', mode, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=print', '--json'], {
      cwd: repo, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stdout).not.toContain('garbage');
    expect(run.stderr).toContain('garbage on fd 1');
    ReportSchema.parse(JSON.parse(run.stdout));
  });
});
