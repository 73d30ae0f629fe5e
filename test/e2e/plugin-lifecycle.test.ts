// The plugin lifecycle through the PluginManager: one instance per host serves init, start and
// every call; each hook gets its own deadline; close() runs stop; reload runs the instance's
// reload hook in place. And the one refusal rule for actions: same code and message in every mode.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginManager, type IsolationMode } from '../../src/core/manager.js';
import type { Logger, MiddlewareTarget } from '../../src/core/types.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(repo, 'test/fixtures/plugins/lifecycle-fixture');
const ID = 'lifecycle-diagnostics';
const TARGET: MiddlewareTarget = { type: 'lifecycle', name: 'life', endpoints: ['127.0.0.1:7002'], auth: {}, options: {} };
const CONFIG = { greeting: 'hello' };

interface HookRecord { hook: string; deadline: number; config?: unknown }
interface Logged { message: string; fields?: Record<string, unknown> }

function capture(): { logger: Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (message: string, fields?: Record<string, unknown>) => { lines.push({ message, ...(fields ? { fields } : {}) }); };
  return { logger: { error: at, warn: at, info: at, debug: at }, lines };
}

async function newManager(isolation: IsolationMode, logger: Logger): Promise<PluginManager> {
  return new PluginManager({ packageRoot: repo, externals: [fixture], isolation, logger, pluginConfig: { [ID]: CONFIG } }).load();
}

/** One diagnosis; returns what the instance that served it had recorded, and the call's deadline window. */
async function diagnose(manager: PluginManager, timeoutMs: number) {
  const before = Date.now();
  const { result, snapshot } = await manager.diagnose({ pluginId: ID, target: TARGET, opts: { categories: [], thresholds: {}, timeoutMs, allowWrite: false }, withSnapshot: true });
  const after = Date.now();
  expect(result.status, JSON.stringify(result.errors)).toBe('healthy');
  const data = snapshot!.data as { instance: string; hooks: HookRecord[] };
  return { ...data, window: [before + timeoutMs, after + timeoutMs] as const };
}

function expectWithin(deadline: number | undefined, [lo, hi]: readonly [number, number]): void {
  expect(deadline).toBeGreaterThanOrEqual(lo);
  expect(deadline).toBeLessThanOrEqual(hi);
}

async function stoppedLine(lines: Logged[]): Promise<Logged> {
  await expect.poll(() => lines.find((l) => l.message.endsWith('stopped')), { timeout: 5000 }).toBeDefined();
  return lines.find((l) => l.message.endsWith('stopped'))!;
}

describe.each(['worker', 'none'] as const)('lifecycle on a shared host (%s)', (mode) => {
  it('the instance that init and start ran on serves every diagnosis; each hook got its own deadline; close() runs stop on it', async () => {
    const { logger, lines } = capture();
    const manager = await newManager(mode, logger);
    try {
      const first = await diagnose(manager, 8000);
      expect(manager.registry.getState(ID)).toBe('Running');
      // init and start ran on THE instance that then connected for the call, with the config.
      expect(first.hooks.map((h) => h.hook)).toEqual(['init', 'start', 'connect']);
      expect(first.hooks[0]?.config).toEqual(CONFIG);
      // Started by this call: init and start are bounded by the call's deadline.
      expectWithin(first.hooks[0]?.deadline, first.window);
      expectWithin(first.hooks[1]?.deadline, first.window);
      const second = await diagnose(manager, 6000);
      expect(second.instance).toBe(first.instance);
      expect(second.hooks.map((h) => h.hook)).toEqual(['init', 'start', 'connect', 'connect']);
      expectWithin(second.hooks[3]?.deadline, second.window);
      const closing = Date.now();
      await manager.close(1234);
      const stopped = await stoppedLine(lines);
      expect(stopped.fields?.instance).toBe(first.instance);
      const hooks = stopped.fields?.hooks as HookRecord[];
      expect(hooks.map((h) => h.hook)).toEqual(['init', 'start', 'connect', 'connect', 'stop']);
      expectWithin(hooks[4]?.deadline, [closing + 1234, Date.now() + 1234]);
      expect(manager.registry.getState(ID)).toBe('Stopped');
    } finally {
      await manager.close();
    }
  });

  it('reload runs the live instance\'s reload hook in place under its own deadline, and the next call starts it again', async () => {
    const { logger } = capture();
    const manager = await newManager(mode, logger);
    try {
      const first = await diagnose(manager, 8000);
      const reloading = Date.now();
      await manager.reload(ID, 3456);
      const reloaded = Date.now();
      expect(manager.registry.getState(ID)).toBe('Initialized');
      const next = await diagnose(manager, 7000);
      expect(next.instance).toBe(first.instance);
      expect(next.hooks.map((h) => h.hook)).toEqual(['init', 'start', 'connect', 'reload', 'start', 'connect']);
      expect(next.hooks[3]?.config).toEqual(CONFIG);
      expectWithin(next.hooks[3]?.deadline, [reloading + 3456, reloaded + 3456]);
      expectWithin(next.hooks[4]?.deadline, next.window);
      expect(manager.registry.getState(ID)).toBe('Running');
    } finally {
      await manager.close();
    }
  });
});

describe('lifecycle in a dedicated child process (external plugin, process isolation)', () => {
  it('init, start, the call and stop all run on one instance in the call\'s own child', async () => {
    const { logger, lines } = capture();
    const manager = await newManager('process', logger);
    try {
      const run = await diagnose(manager, 8000);
      expect(run.hooks.map((h) => h.hook)).toEqual(['init', 'start', 'connect']);
      expectWithin(run.hooks[0]?.deadline, run.window);
      const stopped = await stoppedLine(lines);
      expect(stopped.fields?.instance).toBe(run.instance);
      expect((stopped.fields?.hooks as HookRecord[]).map((h) => h.hook)).toEqual(['init', 'start', 'connect', 'stop']);
    } finally {
      await manager.close();
    }
  });
});

describe('one refusal rule for actions (src/core/action-policy.ts)', () => {
  const modes = ['worker', 'process', 'none'] as const;

  async function refusal(mode: IsolationMode, action: string): Promise<{ code?: string; message?: string; state: string }> {
    const { logger } = capture();
    const manager = await newManager(mode, logger);
    try {
      await manager.execute(ID, TARGET, action, {}, false, 8000);
      return { state: manager.registry.getState(ID) };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return { code: e.code, message: e.message, state: manager.registry.getState(ID) };
    } finally {
      await manager.close();
    }
  }

  it.each([
    { action: 'wipe', code: 'KSA_ERR_WRITE_NOT_ALLOWED', message: 'action wipe of lifecycle-diagnostics writes to the target: pass --allow-write to run a mutating action' },
    { action: 'wpie', code: 'KSA_ERR_UNKNOWN_ACTION', message: 'plugin lifecycle-diagnostics has no action "wpie" (actions: wipe, peek): did you mean wipe?' },
  ])('$code: the same code and message in every isolation mode, and the plugin is never started', async ({ action, code, message }) => {
    for (const mode of modes) {
      const got = await refusal(mode, action);
      expect(got, mode).toEqual({ code, message, state: 'Loaded' });
    }
  });

  it('a declared action runs on the host\'s instance; a mutating one with --allow-write too', async () => {
    for (const mode of modes) {
      const { logger } = capture();
      const manager = await newManager(mode, logger);
      try {
        await expect(manager.execute(ID, TARGET, 'peek', {}, false, 8000), mode).resolves.toMatchObject({ ok: true, detail: 'peeked', data: { instance: expect.any(String) } });
        await expect(manager.execute(ID, TARGET, 'wipe', {}, true, 8000), mode).resolves.toMatchObject({ ok: true, detail: 'wiped' });
      } finally {
        await manager.close();
      }
    }
  });
});
