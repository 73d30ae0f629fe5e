// The plugin state machine (one transition table), lifecycle events, failure recording, reload and
// dependency-ordered startAll/stopAll, driven by a fake LifecycleDriver that records its calls.
import { describe, expect, it } from 'vitest';
import { LifecycleManager, TRANSITIONS, type LifecycleDriver, type LifecycleEvent, type LifecyclePayload } from '../../../src/core/lifecycle.js';
import { dependencyOrder } from '../../../src/core/loader.js';
import { PluginRegistry } from '../../../src/core/registry.js';
import { KsaError } from '../../../src/core/errors.js';
import { ManifestSchema } from '../../../src/core/schemas.js';
import type { Manifest, PluginState } from '../../../src/core/types.js';

const STATES: readonly PluginState[] = ['Unloaded', 'Loaded', 'Initialized', 'Running', 'Stopped', 'Failed'];
const EVENTS: readonly LifecycleEvent[] = [
  'beforeInit', 'afterInit', 'beforeStart', 'afterStart', 'beforeStop', 'afterStop', 'beforeReload', 'afterReload', 'stateChange', 'failed',
];

function manifest(id: string, requires: string[] = [], version = '1.0.0'): Manifest {
  return ManifestSchema.parse({ id, name: id, version, apiVersion: 1, type: 'analyzer', entry: './index.js', requires });
}

/** The deadline handed to every step below (absolute ms; the driver must receive it as given). */
const T = 1_700_000_000_000;

class FakeDriver implements LifecycleDriver {
  readonly calls: string[] = [];
  readonly deadlines: number[] = [];
  failOn = new Map<string, unknown>();
  async init(id: string, deadline: number): Promise<void> { this.record('init', id, deadline); }
  async start(id: string, deadline: number): Promise<void> { this.record('start', id, deadline); }
  async stop(id: string, deadline: number): Promise<void> { this.record('stop', id, deadline); }
  async reload(id: string, deadline: number): Promise<void> { this.record('reload', id, deadline); }
  private record(step: string, id: string, deadline: number): void {
    this.calls.push(`${step}:${id}`);
    this.deadlines.push(deadline);
    const error = this.failOn.get(`${step}:${id}`);
    if (error !== undefined) throw error;
  }
}

function setup(manifests: Manifest[] = [manifest('p')], initial: PluginState = 'Unloaded') {
  const registry = new PluginRegistry();
  for (const m of manifests) registry.register({ manifest: m, source: 'external', location: `/plugins/${m.id}`, entryPath: `/plugins/${m.id}/index.js`, state: initial });
  const driver = new FakeDriver();
  const lifecycle = new LifecycleManager(registry, driver, () => dependencyOrder(registry.list().map((e) => e.manifest)));
  const events: string[] = [];
  const payloads: Array<{ event: LifecycleEvent; payload: LifecyclePayload }> = [];
  for (const event of EVENTS) {
    lifecycle.on(event, (payload) => {
      events.push(event === 'stateChange' ? `stateChange:${payload.from}->${payload.to}` : event);
      payloads.push({ event, payload });
    });
  }
  return { registry, driver, lifecycle, events, payloads };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as KsaError).code;
  }
  return undefined;
}

describe('TRANSITIONS table', () => {
  it('matches the state machine of DESIGN.md exactly', () => {
    expect(TRANSITIONS).toEqual({
      Unloaded: ['Loaded', 'Failed'],
      Loaded: ['Initialized', 'Unloaded', 'Failed'],
      Initialized: ['Running', 'Loaded', 'Failed'],
      Running: ['Stopped', 'Failed'],
      Stopped: ['Loaded', 'Unloaded', 'Failed'],
      Failed: ['Loaded', 'Unloaded'],
    });
  });

  it('has a row for every state, and Failed is reachable from every other state', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATES].sort());
    for (const s of STATES.filter((x) => x !== 'Failed')) expect(TRANSITIONS[s]).toContain('Failed');
  });
});

describe('transition()', () => {
  const legal = STATES.flatMap((from) => TRANSITIONS[from].map((to) => ({ from, to })));
  it.each(legal)('legal: $from -> $to updates the registry and emits stateChange', ({ from, to }) => {
    const { registry, lifecycle, payloads } = setup([manifest('p')], from);
    lifecycle.transition('p', to);
    expect(registry.getState('p')).toBe(to);
    expect(registry.listByState(to).map((e) => e.manifest.id)).toEqual(['p']);
    if (from !== to) expect(registry.listByState(from)).toEqual([]);
    expect(payloads.filter((p) => p.event === 'stateChange').map((p) => p.payload)).toEqual([{ id: 'p', from, to }]);
  });

  const illegal = STATES.flatMap((from) => STATES.filter((to) => !TRANSITIONS[from].includes(to)).map((to) => ({ from, to })));
  it('every state has at least one illegal target', () => {
    for (const s of STATES) expect(illegal.some((c) => c.from === s)).toBe(true);
  });
  it.each(illegal)('illegal: $from -> $to throws KSA_ERR_ILLEGAL_TRANSITION and changes nothing', ({ from, to }) => {
    const { registry, lifecycle, events } = setup([manifest('p')], from);
    expect(lifecycle.canTransition(from, to)).toBe(false);
    let error: unknown;
    try {
      lifecycle.transition('p', to);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KsaError);
    expect((error as KsaError).code).toBe('KSA_ERR_ILLEGAL_TRANSITION');
    expect((error as KsaError).message).toContain(`${from} to ${to}`);
    expect(registry.getState('p')).toBe(from);
    expect(events).toEqual([]);
  });

  it('an unknown plugin id is KSA_ERR_UNKNOWN_PLUGIN', () => {
    const { lifecycle } = setup();
    expect(codeOf(() => lifecycle.transition('nosuch', 'Loaded'))).toBe('KSA_ERR_UNKNOWN_PLUGIN');
  });

  it('Failed records the cause as lastError and emits failed with it', () => {
    const { registry, lifecycle, payloads } = setup([manifest('p')], 'Running');
    const cause = { code: 'KSA_ERR_PLUGIN_CRASH', message: 'boom: report it', retryable: true };
    lifecycle.transition('p', 'Failed', cause);
    expect(registry.get('p')?.lastError).toEqual(cause);
    expect(payloads.map((p) => p.event)).toEqual(['stateChange', 'failed']);
    expect(payloads[1]?.payload).toEqual({ id: 'p', from: 'Running', to: 'Failed', error: cause });
  });
});

describe('init/start/stop and events', () => {
  it('load -> init -> start -> stop fire events in order and call the driver once per step', async () => {
    const { registry, driver, lifecycle, events } = setup();
    lifecycle.load('p');
    await lifecycle.init('p', T);
    await lifecycle.start('p', T);
    await lifecycle.stop('p', T);
    expect(registry.getState('p')).toBe('Stopped');
    expect(driver.calls).toEqual(['init:p', 'start:p', 'stop:p']);
    expect(events).toEqual([
      'stateChange:Unloaded->Loaded',
      'beforeInit', 'stateChange:Loaded->Initialized', 'afterInit',
      'beforeStart', 'stateChange:Initialized->Running', 'afterStart',
      'beforeStop', 'stateChange:Running->Stopped', 'afterStop',
    ]);
  });

  it('the driver runs between before* and after* (state is still the old one while it works)', async () => {
    const { registry } = setup();
    const seen: PluginState[] = [];
    const driver: LifecycleDriver = {
      init: async (id) => { seen.push(registry.getState(id)); },
      start: async (id) => { seen.push(registry.getState(id)); },
      stop: async () => undefined,
      reload: async () => undefined,
    };
    const lc = new LifecycleManager(registry, driver, () => ['p']);
    lc.load('p');
    await lc.init('p', T);
    await lc.start('p', T);
    expect(seen).toEqual(['Loaded', 'Initialized']);
  });

  it('a failing init records the cause, goes to Failed, emits failed, and rethrows', async () => {
    const { registry, driver, lifecycle, events, payloads } = setup();
    lifecycle.load('p');
    driver.failOn.set('init:p', new KsaError('KSA_ERR_PLUGIN_IMPORT', 'cannot import p'));
    await expect(lifecycle.init('p', T)).rejects.toMatchObject({ code: 'KSA_ERR_PLUGIN_IMPORT' });
    expect(registry.getState('p')).toBe('Failed');
    expect(registry.get('p')?.lastError).toMatchObject({ code: 'KSA_ERR_PLUGIN_IMPORT', message: expect.stringContaining('cannot import p') });
    expect(events).toEqual(['stateChange:Unloaded->Loaded', 'beforeInit', 'stateChange:Loaded->Failed', 'failed']);
    expect(payloads.find((p) => p.event === 'failed')?.payload.error?.code).toBe('KSA_ERR_PLUGIN_IMPORT');
  });

  it('a plain Error thrown by the driver is recorded as a coded error (never lost)', async () => {
    const { registry, driver, lifecycle } = setup();
    lifecycle.load('p');
    driver.failOn.set('init:p', new Error('plain failure'));
    await expect(lifecycle.init('p', T)).rejects.toThrow('plain failure');
    expect(registry.get('p')?.lastError?.code).toMatch(/^KSA_ERR_/);
    expect(registry.get('p')?.lastError?.message).toContain('plain failure');
  });

  it.each([
    { state: 'Unloaded' as const, step: 'init' as const },
    { state: 'Running' as const, step: 'init' as const },
    { state: 'Loaded' as const, step: 'start' as const },
    { state: 'Stopped' as const, step: 'start' as const },
    { state: 'Loaded' as const, step: 'stop' as const },
    { state: 'Failed' as const, step: 'stop' as const },
  ])('$step from $state is illegal: KSA_ERR_ILLEGAL_TRANSITION, the driver is not called', async ({ state, step }) => {
    const { driver, lifecycle, registry, events } = setup([manifest('p')], state);
    await expect(lifecycle[step]('p', T)).rejects.toMatchObject({ code: 'KSA_ERR_ILLEGAL_TRANSITION' });
    expect(driver.calls).toEqual([]);
    expect(registry.getState('p')).toBe(state);
    expect(events).toEqual([]);
  });

  it('a throwing subscriber does not break the lifecycle', async () => {
    const { registry, lifecycle } = setup();
    lifecycle.on('beforeInit', () => { throw new Error('subscriber bug'); });
    lifecycle.load('p');
    await lifecycle.init('p', T);
    expect(registry.getState('p')).toBe('Initialized');
  });

  it('on() returns an unsubscribe function', async () => {
    const { lifecycle } = setup();
    const seen: string[] = [];
    const off = lifecycle.on('stateChange', (p) => seen.push(p.to));
    lifecycle.load('p');
    off();
    await lifecycle.init('p', T);
    expect(seen).toEqual(['Loaded']);
  });
});

describe('reload', () => {
  it('Initialized -> Loaded -> Initialized through the live instance\'s reload hook, with beforeReload/afterReload around it', async () => {
    const { registry, driver, lifecycle, events } = setup();
    lifecycle.load('p');
    await lifecycle.init('p', T);
    events.length = 0;
    await lifecycle.reload('p', T + 1);
    expect(registry.getState('p')).toBe('Initialized');
    expect(driver.calls).toEqual(['init:p', 'reload:p']);
    expect(driver.deadlines).toEqual([T, T + 1]);
    expect(events).toEqual([
      'beforeReload', 'stateChange:Initialized->Loaded',
      'beforeInit', 'stateChange:Loaded->Initialized', 'afterInit', 'afterReload',
    ]);
  });

  it('a Running plugin goes Running -> Stopped -> Loaded -> Initialized with one reload of its instance (no separate stop)', async () => {
    const { registry, driver, lifecycle, events } = setup([manifest('p')], 'Running');
    await lifecycle.reload('p', T);
    expect(driver.calls).toEqual(['reload:p']);
    expect(registry.getState('p')).toBe('Initialized');
    expect(events.filter((e) => e.startsWith('stateChange'))).toEqual([
      'stateChange:Running->Stopped', 'stateChange:Stopped->Loaded', 'stateChange:Loaded->Initialized',
    ]);
  });

  it('a Failed plugin can be reloaded', async () => {
    const { registry, driver, lifecycle } = setup([manifest('p')], 'Failed');
    await lifecycle.reload('p', T);
    expect(driver.calls).toEqual(['init:p']);
    expect(registry.getState('p')).toBe('Initialized');
  });

  it('a reload whose reload hook fails ends in Failed', async () => {
    const { registry, driver, lifecycle } = setup([manifest('p')], 'Initialized');
    driver.failOn.set('reload:p', new KsaError('KSA_ERR_PLUGIN_INVALID', 'bad export'));
    await expect(lifecycle.reload('p', T)).rejects.toMatchObject({ code: 'KSA_ERR_PLUGIN_INVALID' });
    expect(registry.getState('p')).toBe('Failed');
    expect(registry.get('p')?.lastError?.code).toBe('KSA_ERR_PLUGIN_INVALID');
  });
});

describe('deadlines are arguments', () => {
  it('each step hands the driver the deadline it was given (no state kept between steps)', async () => {
    const { driver, lifecycle } = setup();
    lifecycle.load('p');
    await lifecycle.init('p', T + 1);
    await lifecycle.start('p', T + 2);
    await lifecycle.stop('p', T + 3);
    await lifecycle.ensureRunning('p', T + 4);
    expect(driver.calls).toEqual(['init:p', 'start:p', 'stop:p', 'init:p', 'start:p']);
    expect(driver.deadlines).toEqual([T + 1, T + 2, T + 3, T + 4, T + 4]);
  });

  it('startAll and stopAll give each plugin its own budget, measured from when its step begins', async () => {
    const { driver, lifecycle } = setup([manifest('a'), manifest('b')]);
    const before = Date.now();
    await lifecycle.startAll(5000);
    await lifecycle.stopAll(700);
    const after = Date.now();
    const starts = driver.deadlines.slice(0, 4);
    const stops = driver.deadlines.slice(4);
    for (const d of starts) expect(d).toBeGreaterThanOrEqual(before + 5000);
    for (const d of starts) expect(d).toBeLessThanOrEqual(after + 5000);
    expect(stops).toHaveLength(2);
    for (const d of stops) expect(d).toBeGreaterThanOrEqual(before + 700);
    for (const d of stops) expect(d).toBeLessThanOrEqual(after + 700);
  });
});

describe('ensureRunning', () => {
  it.each([
    { from: 'Unloaded' as const, calls: ['init:p', 'start:p'] },
    { from: 'Loaded' as const, calls: ['init:p', 'start:p'] },
    { from: 'Initialized' as const, calls: ['start:p'] },
    { from: 'Running' as const, calls: [] },
    { from: 'Stopped' as const, calls: ['init:p', 'start:p'] },
    { from: 'Failed' as const, calls: ['init:p', 'start:p'] },
  ])('from $from reaches Running with driver calls $calls', async ({ from, calls }) => {
    const { registry, driver, lifecycle } = setup([manifest('p')], from);
    await lifecycle.ensureRunning('p', T);
    expect(registry.getState('p')).toBe('Running');
    expect(driver.calls).toEqual(calls);
  });
});

describe('startAll / stopAll follow dependency order', () => {
  // Registered in an order unrelated to the dependencies: a requires b requires c; d is independent.
  const manifests = () => [manifest('a', ['b >=1.0.0']), manifest('d'), manifest('b', ['c ^1.0.0']), manifest('c', [], '1.4.0')];

  it('startAll starts each plugin after everything it requires', async () => {
    const { registry, driver, lifecycle } = setup(manifests(), 'Loaded');
    await lifecycle.startAll(1000);
    const starts = driver.calls.filter((c) => c.startsWith('start:')).map((c) => c.slice(6));
    expect(starts.indexOf('c')).toBeLessThan(starts.indexOf('b'));
    expect(starts.indexOf('b')).toBeLessThan(starts.indexOf('a'));
    expect(starts.sort()).toEqual(['a', 'b', 'c', 'd']);
    // Each plugin is initialised before it is started, and before its dependants are initialised.
    expect(driver.calls.indexOf('init:c')).toBeLessThan(driver.calls.indexOf('init:b'));
    expect(driver.calls.indexOf('start:c')).toBeLessThan(driver.calls.indexOf('init:b'));
    expect(registry.listByState('Running').length).toBe(4);
  });

  it('stopAll stops dependants before their dependencies (reverse order)', async () => {
    const { registry, driver, lifecycle } = setup(manifests(), 'Loaded');
    await lifecycle.startAll(1000);
    driver.calls.length = 0;
    await lifecycle.stopAll(1000);
    const stops = driver.calls.map((c) => c.slice(5));
    expect(stops.indexOf('a')).toBeLessThan(stops.indexOf('b'));
    expect(stops.indexOf('b')).toBeLessThan(stops.indexOf('c'));
    expect(registry.listByState('Stopped').length).toBe(4);
  });

  it('stopAll skips plugins that are not Running and carries on past a failing stop', async () => {
    const { registry, driver, lifecycle } = setup(manifests(), 'Loaded');
    await lifecycle.startAll(1000);
    lifecycle.transition('d', 'Failed', { code: 'KSA_ERR_PLUGIN_CRASH', message: 'x', retryable: true });
    driver.failOn.set('stop:b', new Error('stop failed'));
    driver.calls.length = 0;
    await lifecycle.stopAll(1000);
    expect(driver.calls).not.toContain('stop:d');
    expect(driver.calls).toContain('stop:c');
    expect(registry.getState('b')).toBe('Failed');
    expect(registry.getState('c')).toBe('Stopped');
  });

  it('startAll with a dependency cycle is KSA_ERR_DEPENDENCY_CYCLE and starts nothing', async () => {
    const { driver, lifecycle } = setup([manifest('x', ['y']), manifest('y', ['x'])], 'Loaded');
    await expect(lifecycle.startAll(1000)).rejects.toMatchObject({ code: 'KSA_ERR_DEPENDENCY_CYCLE' });
    expect(driver.calls).toEqual([]);
  });
});
