// analyzeSnapshot: categories, skipped categories never healthy, finding ids owned by their check.
import { describe, expect, it } from 'vitest';
import { analyzeSnapshot, defineMiddlewarePlugin, isMiddlewarePluginModule, unknownResult, type MiddlewarePluginParts } from '../../../src/sdk/define-plugin.js';
import { defineCheck } from '../../../src/sdk/checks.js';
import { defineThreshold } from '../../../src/sdk/thresholds.js';
import { DiagnosticResultSchema } from '../../../src/core/schemas.js';
import type { Snapshot } from '../../../src/core/types.js';

interface Data { level: number; state: string; bogus?: boolean }

const LEVEL = defineThreshold({ id: 't.alpha.level', warning: 70, critical: 90, direction: 'above', unit: '%', source: 'test' });

function parts(extraChecks: MiddlewarePluginParts<unknown, Data>['checks'] = []): MiddlewarePluginParts<unknown, Data> {
  return {
    info: { id: 't-diagnostics', version: '2.0.0', middleware: 't' },
    categories: ['alpha', 'beta'],
    connect: async () => ({}),
    collect: async () => ({ data: { level: 0, state: 'ok' } }),
    checks: [
      defineCheck<Data>({ id: 't.alpha.level', category: 'alpha', run: (d, ctx) => ctx.judge(LEVEL, d.level, { title: 'Level', detail: `level ${d.level}`, suggestion: 'lower it' }) }),
      defineCheck<Data>({
        id: 't.beta.state', category: 'beta',
        run: (d, ctx) => {
          if (d.state === 'unknowable') { ctx.skip('state not visible: grant MONITOR'); return null; }
          return d.state === 'down' ? ctx.finding({ id: 't.beta.state.down', severity: 'critical', title: 'Down', detail: 'down', suggestion: 'start it' }) : null;
        },
      }),
      ...extraChecks,
    ],
    metrics: (d) => ({ level: d.level, state: d.state }),
  };
}

function snapshot(data: Data, categories = ['alpha', 'beta'], skipped: Record<string, string> = {}): Snapshot<Data> {
  return { plugin: 't-diagnostics', collectedAt: new Date(0).toISOString(), target: { type: 't', name: 'n', endpoints: ['h:1'] }, categories, skipped, data };
}

const analyze = (s: Snapshot<Data>, thresholds = {}) => DiagnosticResultSchema.parse(analyzeSnapshot(parts(), s, { thresholds }));

describe('analyzeSnapshot', () => {
  it.each([
    { name: 'all fine', data: { level: 10, state: 'ok' }, status: 'healthy', cats: { alpha: 'healthy', beta: 'healthy' }, ids: [] },
    { name: 'level at the warning limit (equal is fine)', data: { level: 70, state: 'ok' }, status: 'healthy', cats: { alpha: 'healthy', beta: 'healthy' }, ids: [] },
    { name: 'warning', data: { level: 75, state: 'ok' }, status: 'warning', cats: { alpha: 'warning', beta: 'healthy' }, ids: ['t.alpha.level'] },
    { name: 'critical in another category', data: { level: 75, state: 'down' }, status: 'critical', cats: { alpha: 'warning', beta: 'critical' }, ids: ['t.beta.state.down', 't.alpha.level'] },
  ])('$name -> $status', ({ data, status, cats, ids }) => {
    const r = analyze(snapshot(data));
    expect(r.status).toBe(status);
    expect(Object.fromEntries(r.categories.map((c) => [c.name, c.status]))).toEqual(cats);
    expect(r.findings.map((f) => f.id)).toEqual(ids); // sorted by severity, worst first
    expect(r.metrics).toEqual({ level: data.level, state: data.state });
    expect(r.plugin).toEqual({ id: 't-diagnostics', version: '2.0.0' });
    expect(r.errors).toEqual([]);
  });

  it('a category skipped by collect is unknown, not healthy, and carries the reason', () => {
    const r = analyze(snapshot({ level: 10, state: 'ok' }, ['alpha', 'beta'], { beta: 'no privilege: GRANT PROCESS' }));
    const beta = r.categories.find((c) => c.name === 'beta');
    expect(beta).toMatchObject({ status: 'unknown', skipped: 'no privilege: GRANT PROCESS' });
    expect(r.categories.find((c) => c.name === 'alpha')?.status).toBe('healthy');
    // Other categories were evaluated: the result itself stands on them.
    expect(r.status).toBe('healthy');
  });

  it('a category skipped by a check (ctx.skip) is unknown, not healthy', () => {
    const r = analyze(snapshot({ level: 10, state: 'unknowable' }));
    expect(r.categories.find((c) => c.name === 'beta')).toMatchObject({ status: 'unknown', skipped: expect.stringContaining('grant MONITOR') });
  });

  it('all categories skipped -> the result is unknown', () => {
    const r = analyze(snapshot({ level: 10, state: 'ok' }, ['alpha', 'beta'], { alpha: 'x', beta: 'y' }));
    expect(r.status).toBe('unknown');
    expect(r.categories.every((c) => c.status === 'unknown')).toBe(true);
  });

  it('only requested categories are evaluated', () => {
    const r = analyze(snapshot({ level: 95, state: 'down' }, ['beta']));
    expect(r.categories.map((c) => c.name)).toEqual(['beta']);
    expect(r.findings.map((f) => f.id)).toEqual(['t.beta.state.down']);
  });

  it('threshold overrides apply by finding id', () => {
    expect(analyze(snapshot({ level: 75, state: 'ok' }), { 't.alpha.level': { warning: 80 } }).status).toBe('healthy');
    expect(analyze(snapshot({ level: 75, state: 'ok' }), { 't.alpha.level': { critical: 74 } }).status).toBe('critical');
  });

  it.each([
    { name: 'an unrelated id', id: 'other.alpha.x' },
    { name: 'a prefix that is not a dotted child', id: 't.alpha.levelx' },
  ])('a check emitting $name -> KSA_ERR_PLUGIN_INVALID', ({ id }) => {
    const bad = defineCheck<Data>({
      id: 't.alpha.level', category: 'alpha',
      run: (_d, ctx) => ctx.finding({ id, severity: 'warning', title: 'x', detail: 'x', suggestion: 'x' }),
    });
    const p = { ...parts(), checks: [bad] };
    expect(() => analyzeSnapshot(p, snapshot({ level: 1, state: 'ok' }), { thresholds: {} }))
      .toThrowError(expect.objectContaining({ code: 'KSA_ERR_PLUGIN_INVALID', message: expect.stringContaining(id) }));
  });
});

describe('defineMiddlewarePlugin', () => {
  it('produces a module the host recognises', () => {
    const mod = defineMiddlewarePlugin(parts());
    expect(isMiddlewarePluginModule(mod)).toBe(true);
    expect(mod.apiVersion).toBe(1);
    expect(isMiddlewarePluginModule({ default: mod })).toBe(false);
    expect(isMiddlewarePluginModule(null)).toBe(false);
  });

  it('refuses a check whose category is not declared', () => {
    const stray = defineCheck<Data>({ id: 't.gamma.x', category: 'gamma', run: () => null });
    expect(() => defineMiddlewarePlugin(parts([stray]))).toThrow(/gamma/);
  });

  it('accepts thresholds owned by a check (its id or <id>.<suffix>) and refuses one that belongs to no check', () => {
    const suffixed = defineThreshold({ id: 't.alpha.level.max', warning: 1, critical: null, direction: 'above', unit: '%', source: 'test' });
    expect(defineMiddlewarePlugin({ ...parts(), thresholds: [LEVEL, suffixed] }).parts.thresholds).toEqual([LEVEL, suffixed]);
    const stray = defineThreshold({ id: 't.alpha.lev', warning: 1, critical: null, direction: 'above', unit: '%', source: 'test' });
    expect(() => defineMiddlewarePlugin({ ...parts(), thresholds: [stray] })).toThrow(/threshold t\.alpha\.lev belongs to no check/);
  });

  it('diagnose = connect + collect + analyze; collect before connect is an error', async () => {
    const plugin = defineMiddlewarePlugin(parts()).create();
    const ctx = { pluginId: 't-diagnostics', signal: new AbortController().signal, logger: { error() {}, warn() {}, info() {}, debug() {} }, config: {}, deadline: Date.now() + 1000, operations: [], allowWrite: false };
    const opts = { categories: [], thresholds: {}, timeoutMs: 1000, allowWrite: false };
    await expect(plugin.collect(ctx, opts)).rejects.toMatchObject({ code: 'KSA_ERR_INTERNAL' });
    await plugin.connect(ctx, { type: 't', name: 'n', endpoints: ['redis://u:pw@h:1'], auth: {}, options: {} });
    const r = await plugin.diagnose(ctx, opts);
    expect(r.status).toBe('healthy');
    expect(r.target.endpoints).toEqual(['redis://u:***@h:1']);
  });

  it('a failing connect becomes KSA_ERR_CONNECT with the driver code', async () => {
    const p = { ...parts(), connect: async () => { throw Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:1'), { code: 'ECONNREFUSED' }); } };
    const plugin = defineMiddlewarePlugin(p).create();
    const ctx = { pluginId: 't', signal: new AbortController().signal, logger: { error() {}, warn() {}, info() {}, debug() {} }, config: {}, deadline: Date.now() + 1000, operations: [], allowWrite: false };
    await expect(plugin.connect(ctx, { type: 't', name: 'n', endpoints: ['h:1'], auth: {}, options: {} })).rejects.toMatchObject({ code: 'KSA_ERR_CONNECT', message: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('unknownResult', () => {
  it('is a valid result with status unknown, the error, every category not evaluated, endpoints redacted', () => {
    const r = DiagnosticResultSchema.parse(unknownResult(
      { id: 'p', version: '1.0.0' },
      { type: 'redis', name: 'prod', endpoints: ['redis://u:pw@h:1'] },
      { code: 'KSA_ERR_TIMEOUT', message: 'late: raise --timeout', retryable: true },
      Date.now() - 5,
      ['memory', 'replication'],
    ));
    expect(r.status).toBe('unknown');
    expect(r.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
    expect(r.categories.map((c) => [c.name, c.status])).toEqual([['memory', 'unknown'], ['replication', 'unknown']]);
    expect(r.categories[0]?.skipped).toContain('KSA_ERR_TIMEOUT');
    expect(r.target.endpoints).toEqual(['redis://u:***@h:1']);
    expect(r.findings).toEqual([]);
  });
});
