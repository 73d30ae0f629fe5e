// Thresholds: strict comparisons (equal is fine), both directions, overrides (null disables a level).
import { describe, expect, it } from 'vitest';
import { applyOverride, defineThreshold, judgeValue, thresholdOf, thresholdsIn, type ThresholdSpec } from '../../../src/sdk/thresholds.js';
import { createCheckContext } from '../../../src/sdk/checks.js';

const ABOVE = defineThreshold({ id: 't.mem.usage', warning: 80, critical: 90, direction: 'above', unit: '%', source: 'test default' });
const BELOW = defineThreshold({ id: 't.disk.free', warning: 20, critical: 10, direction: 'below', unit: '%', source: 'test default' });

describe('judgeValue', () => {
  it.each([
    { spec: ABOVE, value: 0, want: null },
    { spec: ABOVE, value: 79.99, want: null },
    { spec: ABOVE, value: 80, want: null },
    { spec: ABOVE, value: 80.01, want: 'warning' },
    { spec: ABOVE, value: 90, want: 'warning' },
    { spec: ABOVE, value: 90.0001, want: 'critical' },
    { spec: ABOVE, value: 1e9, want: 'critical' },
    { spec: BELOW, value: 50, want: null },
    { spec: BELOW, value: 20, want: null },
    { spec: BELOW, value: 19.9, want: 'warning' },
    { spec: BELOW, value: 10, want: 'warning' },
    { spec: BELOW, value: 9.9, want: 'critical' },
    { spec: BELOW, value: -5, want: 'critical' },
  ])('$spec.direction w=$spec.warning c=$spec.critical, value $value -> $want', ({ spec, value, want }) => {
    expect(judgeValue(spec, value)).toBe(want);
  });

  it.each([
    { name: 'warning disabled', spec: { ...ABOVE, warning: null }, cases: [[85, null], [95, 'critical']] },
    { name: 'critical disabled', spec: { ...ABOVE, critical: null }, cases: [[85, 'warning'], [1e6, 'warning']] },
    { name: 'both disabled', spec: { ...ABOVE, warning: null, critical: null }, cases: [[1e6, null]] },
    { name: 'below, critical disabled', spec: { ...BELOW, critical: null }, cases: [[5, 'warning'], [25, null]] },
  ] as Array<{ name: string; spec: ThresholdSpec; cases: Array<[number, string | null]> }>)('$name', ({ spec, cases }) => {
    for (const [value, want] of cases) expect(judgeValue(spec, value)).toBe(want);
  });

  it('NaN never breaches (and so never invents a finding)', () => {
    expect(judgeValue(ABOVE, Number.NaN)).toBeNull();
    expect(judgeValue(BELOW, Number.NaN)).toBeNull();
  });
});

describe('applyOverride', () => {
  it.each([
    { name: 'no override', override: undefined, want: { warning: 80, critical: 90 }, overridden: false },
    { name: 'warning only', override: { warning: 70 }, want: { warning: 70, critical: 90 }, overridden: true },
    { name: 'critical only', override: { critical: 95 }, want: { warning: 80, critical: 95 }, overridden: true },
    { name: 'null disables warning', override: { warning: null }, want: { warning: null, critical: 90 }, overridden: true },
    { name: 'both null', override: { warning: null, critical: null }, want: { warning: null, critical: null }, overridden: true },
  ])('$name', ({ override, want, overridden }) => {
    const spec = applyOverride(ABOVE, override);
    expect({ warning: spec.warning, critical: spec.critical }).toEqual(want);
    expect(spec.direction).toBe('above');
    expect(spec.id).toBe(ABOVE.id);
    if (overridden) expect(spec.source).toMatch(/^override .*test default/);
    else expect(spec).toBe(ABOVE);
  });

  it('does not mutate the frozen default', () => {
    applyOverride(ABOVE, { warning: 1 });
    expect(ABOVE.warning).toBe(80);
    expect(Object.isFrozen(ABOVE)).toBe(true);
  });
});

describe('check context: judge applies overrides by finding id and records the threshold', () => {
  it('an override by id changes the verdict and the reported threshold', () => {
    const ctx = createCheckContext('mem', { 't.mem.usage': { warning: 50, critical: null } }, () => undefined);
    const f = ctx.judge(ABOVE, 95.456, { title: 'Memory', detail: 'd', suggestion: 's' });
    expect(f).toMatchObject({
      id: 't.mem.usage', category: 'mem', severity: 'warning', observed: { value: 95.46, unit: '%' },
      threshold: { warning: 50, critical: null, direction: 'above' },
    });
    expect(f?.threshold?.source).toContain('override');
  });

  it('no override: default threshold and source', () => {
    const ctx = createCheckContext('mem', {}, () => undefined);
    expect(ctx.judge(ABOVE, 80, { title: 'x', detail: 'x', suggestion: 'x' })).toBeNull();
    expect(ctx.judge(ABOVE, 91, { title: 'x', detail: 'x', suggestion: 'x' })?.threshold).toEqual(thresholdOf(ABOVE));
  });

  it('an override for another id has no effect', () => {
    const ctx = createCheckContext('mem', { 't.other': { warning: 1 } }, () => undefined);
    expect(ctx.judge(ABOVE, 50, { title: 'x', detail: 'x', suggestion: 'x' })).toBeNull();
  });
});

describe('thresholdsIn', () => {
  const z = defineThreshold({ id: 't.z.last', warning: 1, critical: null, direction: 'above', unit: 'x', source: 's' });
  const a = defineThreshold({ id: 't.a.first', warning: 1, critical: null, direction: 'above', unit: 'x', source: 's' });

  it('picks the specs defineThreshold made, by id within a module, modules in the given order', () => {
    const memory = { zSpec: z, aSpec: a, memoryChecks: [], HELPER: 5 };
    const disk = { BELOW };
    expect(thresholdsIn(memory, disk).map((t) => t.id)).toEqual(['t.a.first', 't.z.last', 't.disk.free']);
  });

  it('ignores look-alike objects that did not come from defineThreshold, and lists a spec exported twice once', () => {
    const lookAlike: ThresholdSpec = { id: 't.fake.x', warning: 1, critical: 2, direction: 'above', unit: '%', source: 'copied' };
    expect(thresholdsIn({ lookAlike, ABOVE, again: ABOVE }, { ABOVE }).map((t) => t.id)).toEqual(['t.mem.usage']);
  });
});
