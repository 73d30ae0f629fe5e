// Not-applicable categories (issue 12 item 8): a category that does not apply to the deployment
// (Sentinel checks on a standalone node) is `notApplicable: true`, status healthy, reason in
// `skipped`; it never makes a result unknown, and a failed look (skip) or a finding says more.
import { describe, expect, it } from 'vitest';
import { analyzeSnapshot, defineMiddlewarePlugin, type MiddlewarePluginParts } from '../../../src/sdk/define-plugin.js';
import { defineCheck } from '../../../src/sdk/checks.js';
import { DiagnosticResultSchema, SnapshotSchema } from '../../../src/core/schemas.js';
import type { PluginContext, Snapshot } from '../../../src/core/types.js';

interface Data { mode: 'single' | 'group' | 'hidden'; members: number }

const parts: MiddlewarePluginParts<unknown, Data> = {
  info: { id: 'na-diagnostics', version: '1.0.0', middleware: 'na' },
  categories: ['core', 'group'],
  connect: async () => ({}),
  collect: async () => ({ data: { mode: 'single', members: 0 }, notApplicable: { group: 'not a group deployment' } }),
  checks: [
    defineCheck<Data>({ id: 'na.core.ok', category: 'core', run: () => null }),
    defineCheck<Data>({
      id: 'na.group.members', category: 'group',
      run: (d, ctx) => {
        if (d.mode === 'single') ctx.notApplicable('single node: no group');
        if (d.mode === 'hidden') ctx.skip('group view refused: grant GROUP');
        if (d.mode === 'hidden') ctx.notApplicable('single node: no group');
        return d.members === 1 ? ctx.finding({ id: 'na.group.members', severity: 'warning', title: 'One member', detail: 'one', suggestion: 'add members' }) : null;
      },
    }),
  ],
};

const snapshot = (data: Data, extra: Partial<Snapshot<Data>> = {}): Snapshot<Data> => ({
  plugin: 'na-diagnostics', collectedAt: new Date(0).toISOString(), target: { type: 'na', name: 'n', endpoints: ['h:1'] },
  categories: ['core', 'group'], skipped: {}, data, ...extra,
});
const analyze = (s: Snapshot<Data>) => DiagnosticResultSchema.parse(analyzeSnapshot(parts, s, { thresholds: {} }));
const group = (s: Snapshot<Data>) => analyze(s).categories.find((c) => c.name === 'group')!;

describe('not-applicable categories', () => {
  it('ctx.notApplicable: healthy, notApplicable, the reason in skipped, checks listed', () => {
    expect(group(snapshot({ mode: 'single', members: 0 }))).toMatchObject({ status: 'healthy', notApplicable: true, skipped: 'single node: no group', checks: ['na.group.members'] });
  });

  it('from collect (snapshot.notApplicable): the checks do not run', () => {
    const cat = group(snapshot({ mode: 'group', members: 1 }, { notApplicable: { group: 'not a group deployment' } }));
    expect(cat).toMatchObject({ status: 'healthy', notApplicable: true, skipped: 'not a group deployment' });
  });

  it('a collect skip wins over not applicable: a failed look is unknown', () => {
    const cat = group(snapshot({ mode: 'group', members: 0 }, { skipped: { group: 'refused' }, notApplicable: { group: 'n/a' } }));
    expect(cat).toMatchObject({ status: 'unknown', skipped: 'refused' });
    expect(cat.notApplicable).toBeUndefined();
  });

  it('a check skip wins over a check notApplicable', () => {
    const cat = group(snapshot({ mode: 'hidden', members: 0 }));
    expect(cat).toMatchObject({ status: 'unknown', skipped: 'group view refused: grant GROUP' });
    expect(cat.notApplicable).toBeUndefined();
  });

  it('a finding wins over notApplicable', () => {
    const cat = group(snapshot({ mode: 'single', members: 1 }));
    expect(cat).toMatchObject({ status: 'warning' });
    expect(cat.notApplicable).toBeUndefined();
    expect(cat.skipped).toBeUndefined();
  });

  it('n/a never makes a result unknown, not even when every category is n/a', () => {
    expect(analyze(snapshot({ mode: 'single', members: 0 })).status).toBe('healthy');
    const r = analyze(snapshot({ mode: 'single', members: 0 }, { categories: ['group'] }));
    expect(r.status).toBe('healthy');
    expect(r.categories).toHaveLength(1);
  });

  it('n/a never makes a result healthy either: the only category that applies could not be looked at -> unknown', () => {
    const r = analyze(snapshot({ mode: 'single', members: 0 }, { skipped: { core: 'core view refused: grant CORE' } }));
    expect(r.categories.map((c) => [c.name, c.status, c.notApplicable ?? false])).toEqual([['core', 'unknown', false], ['group', 'healthy', true]]);
    expect(r.status).toBe('unknown');
  });

  it('a failed category still makes an all-failed result unknown (unchanged)', () => {
    expect(analyze(snapshot({ mode: 'hidden', members: 0 }, { categories: ['group'] })).status).toBe('unknown');
  });

  it("the plugin's collect output reaches the snapshot (so `ksa analyze` agrees), only for requested categories", async () => {
    const plugin = defineMiddlewarePlugin(parts).create();
    const ctx = { signal: new AbortController().signal } as unknown as PluginContext;
    await plugin.connect(ctx, { type: 'na', name: 'n', endpoints: ['h:1'], auth: {}, options: {} });
    const snap = SnapshotSchema.parse(await plugin.collect(ctx, { categories: [], thresholds: {}, timeoutMs: 1000, allowWrite: false }));
    expect(snap.notApplicable).toEqual({ group: 'not a group deployment' });
    expect(snap.skipped).toEqual({});
    expect(plugin.analyze(snap as Snapshot, { categories: [], thresholds: {}, timeoutMs: 1000, allowWrite: false }).categories.find((c) => c.name === 'group')).toMatchObject({ notApplicable: true });
    const coreOnly = await plugin.collect(ctx, { categories: ['core'], thresholds: {}, timeoutMs: 1000, allowWrite: false });
    expect(coreOnly.notApplicable).toBeUndefined();
  });

  it('a snapshot without the field (older files) parses and behaves as before', () => {
    const parsed = SnapshotSchema.parse({ plugin: 'p', collectedAt: 'x', target: { type: 't', name: 'n', endpoints: [] }, categories: [], data: {} });
    expect(parsed.notApplicable).toBeUndefined();
  });
});
