// The exposition writer: label values and HELP escaped per format, counters named as each format
// wants them, OpenMetrics' UNIT and EOF, and the Accept header negotiation Prometheus relies on.
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, negotiateFormat, writeExposition, type MetricFamily } from '../../../src/serve/exposition.js';

const families: MetricFamily[] = [
  { name: 'ksa_cycles_total', type: 'counter', help: 'cycles', samples: [{ labels: { target: 'a' }, value: 3 }] },
  { name: 'ksa_duration_seconds', type: 'gauge', help: 'a "quoted" \\ help\nsecond line', unit: 'seconds', samples: [{ labels: {}, value: 0.25 }] },
  { name: 'ksa_empty', type: 'gauge', help: 'no samples', samples: [] },
  { name: 'ksa_special', type: 'gauge', help: 'x', samples: [{ labels: {}, value: Number.NaN }, { labels: { a: 'b' }, value: Infinity }, { labels: { a: 'c' }, value: -Infinity }] },
];

describe('exposition', () => {
  it('escapes backslash, double quote and newline in label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const text = writeExposition([{ name: 'm', type: 'gauge', help: 'h', samples: [{ labels: { v: 'x"}\n{y' }, value: 1 }] }], 'text');
    expect(text).toContain('m{v="x\\"}\\n{y"} 1');
    expect(text.split('\n').filter((l) => l.startsWith('m{'))).toHaveLength(1);
  });

  it('text 0.0.4: counters keep _total in HELP/TYPE, HELP escapes \\ and newline only, no EOF, empty families left out', () => {
    const text = writeExposition(families, 'text');
    expect(text).toContain('# TYPE ksa_cycles_total counter\nksa_cycles_total{target="a"} 3\n');
    expect(text).toContain('# HELP ksa_duration_seconds a "quoted" \\\\ help\\nsecond line\n');
    expect(text).not.toContain('# UNIT');
    expect(text).not.toContain('# EOF');
    expect(text).not.toContain('ksa_empty');
    expect(text).toContain('ksa_special NaN\nksa_special{a="b"} +Inf\nksa_special{a="c"} -Inf\n');
  });

  it('OpenMetrics 1.0: counter family without _total, samples with it; UNIT for a name ending in its unit; HELP escapes quotes; ends with # EOF', () => {
    const om = writeExposition(families, 'openmetrics');
    expect(om).toContain('# TYPE ksa_cycles counter\nksa_cycles_total{target="a"} 3\n');
    expect(om).toContain('# UNIT ksa_duration_seconds seconds\n');
    expect(om).toContain('# HELP ksa_duration_seconds a \\"quoted\\" \\\\ help\\nsecond line\n');
    expect(om.endsWith('# EOF\n')).toBe(true);
  });

  it.each([
    [undefined, 'text'],
    ['text/plain', 'text'],
    ['*/*', 'text'],
    // What Prometheus 2.42 sends.
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0', 'openmetrics'],
    ['text/plain;q=1, application/openmetrics-text;q=0.5', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['garbage;;;q=abc', 'text'],
  ] as const)('Accept %j -> %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});
