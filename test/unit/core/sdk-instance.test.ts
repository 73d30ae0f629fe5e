// The instance defineMiddlewarePlugin builds: lifecycle hooks run on it with the state init made,
// sessions of one instance serve several targets at once, stop and reload close open sessions.
import { describe, expect, it } from 'vitest';
import { defineCheck, defineMiddlewarePlugin, type MiddlewarePluginParts } from '../../../src/sdk/index.js';
import type { MiddlewareTarget, PluginContext } from '../../../src/core/types.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ctx = (deadline = Date.now() + 1000): PluginContext => ({ pluginId: 't-diagnostics', signal: new AbortController().signal, logger: silent, config: {}, deadline, operations: [], allowWrite: false });
const target = (name: string): MiddlewareTarget => ({ type: 't', name, endpoints: [`${name}:1`], auth: {}, options: {} });
const opts = { categories: [], thresholds: {}, timeoutMs: 1000, allowWrite: false };

interface State { log: string[]; generation: number }

function parts(): MiddlewarePluginParts<{ name: string; state: State }, { name: string; generation: number }, State> {
  return {
    info: { id: 't-diagnostics', version: '1.0.0', middleware: 't' },
    categories: ['alpha'],
    init: (c, config) => ({ log: [`init ${c.deadline} ${JSON.stringify(config.config)}`], generation: 1 }),
    async start(c, state) { state.log.push(`start ${c.deadline}`); },
    async stop(c, state) { state.log.push(`stop ${c.deadline}`); },
    async connect(_c, t, state) { state.log.push(`connect ${t.name}`); return { name: t.name, state }; },
    async disconnect(_c, conn) { conn.state.log.push(`disconnect ${conn.name}`); },
    async collect(_c, conn) { return { data: { name: conn.name, generation: conn.state.generation } }; },
    checks: [defineCheck({ id: 't.alpha.x', category: 'alpha', run: () => null })],
    actions: { touch: { mutating: true, run: async (_c, conn) => ({ ok: true, detail: `touched ${conn.name}` }) } },
  };
}

describe('the plugin instance', () => {
  it('hooks get the state init made and their own context; sessions of one instance serve two targets at once; stop closes them first', async () => {
    const p = parts();
    let state: State | undefined;
    const plugin = defineMiddlewarePlugin({ ...p, init: (c, config) => (state = p.init!(c, config) as State) }).create();
    await plugin.init(ctx(111), { enabled: true, config: { a: 1 } });
    await plugin.start(ctx(222));
    const [a, b] = await Promise.all([plugin.openSession(ctx(), target('a')), plugin.openSession(ctx(), target('b'))]);
    const [sa, sb] = await Promise.all([a.collect(ctx(), opts), b.collect(ctx(), opts)]);
    expect([sa.data.name, sb.data.name, sa.target.name, sb.target.name]).toEqual(['a', 'b', 'a', 'b']);
    await expect(a.execute(ctx(), 'touch', {})).resolves.toMatchObject({ ok: true, detail: 'touched a' });
    await a.close(ctx());
    await plugin.stop(ctx(333));
    expect(state!.log).toEqual(['init 111 {"a":1}', 'start 222', 'connect a', 'connect b', 'disconnect a', 'disconnect b', 'stop 333']);
  });

  it('reload without a reload hook is stop then init on the same instance (sessions closed); with one, the hook\'s state replaces the old', async () => {
    const p = parts();
    const states: State[] = [];
    const plugin = defineMiddlewarePlugin({ ...p, init: (c, config) => { const s = p.init!(c, config) as State; states.push(s); return s; } }).create();
    await plugin.init(ctx(1), { enabled: true, config: {} });
    await plugin.openSession(ctx(), target('a'));
    await plugin.reload(ctx(2), { enabled: true, config: { b: 2 } });
    expect(states[0]!.log).toEqual(['init 1 {}', 'connect a', 'disconnect a', 'stop 2']);
    expect(states[1]!.log).toEqual(['init 2 {"b":2}']);

    const hooked = defineMiddlewarePlugin({ ...p, reload: async (c, _config, old) => ({ log: [...old.log, `reload ${c.deadline}`], generation: old.generation + 1 }) }).create();
    await hooked.init(ctx(1), { enabled: true, config: {} });
    await hooked.reload(ctx(5), { enabled: true, config: {} });
    const s = await hooked.openSession(ctx(), target('c'));
    expect((await s.collect(ctx(), opts)).data).toEqual({ name: 'c', generation: 2 });
  });

  it('an action the code does not define is a plugin defect (manifest and code disagree), not a refusal', async () => {
    const plugin = defineMiddlewarePlugin(parts()).create();
    await plugin.init(ctx(), { enabled: true, config: {} });
    const s = await plugin.openSession(ctx(), target('a'));
    await expect(s.execute(ctx(), 'nope', {})).rejects.toMatchObject({ code: 'KSA_ERR_PLUGIN_INVALID' });
  });
});
