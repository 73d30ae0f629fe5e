// Nagios output on fixture reports built by the real gate (buildReport): status words from the
// effective status, perfdata per the monitoring-plugins guidelines (grammar, ranges, UOM), a label
// set that does not depend on what was found, and long output that says why a finding does not
// fail the gate. Output is read back with test/support/nagios-output.ts (guideline grammar).
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/cli/report.js';
import { renderNagios } from '../../../src/render/nagios.js';
import { formatNumber, range, worstPerId } from '../../../src/render/nagios/perfdata.js';
import { toUom, uomOfMetricName } from '../../../src/render/nagios/uom.js';
import { judgeValue } from '../../../src/sdk/thresholds.js';
import { parseNagios, rangeAlerts } from '../../support/nagios-output.js';
import type { DiagnosticResult, Finding, Measurement, Status } from '../../../src/core/types.js';

const usage = (value: number, node = '10.0.0.1:6379'): Measurement =>
  ({ id: 'redis.memory.usage', value, unit: '%', warning: 90, critical: 95, direction: 'above', node });

function result(name: string, opts: { status?: Status; findings?: Finding[]; measurements?: Measurement[]; metrics?: DiagnosticResult['metrics']; errors?: DiagnosticResult['errors'] } = {}): DiagnosticResult {
  return {
    schemaVersion: 1,
    plugin: { id: 'redis-diagnostics', version: '1.0.0' },
    target: { type: 'redis', name, endpoints: ['10.0.0.1:6379'] },
    status: opts.status ?? 'healthy',
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 42,
    categories: [{ name: 'memory', status: opts.status ?? 'healthy', durationMs: 1, checks: ['redis.memory.usage'] }],
    findings: opts.findings ?? [],
    metrics: opts.metrics ?? { used_memory: 1024, redis_version: '7.2.0', uptime_seconds: 60 },
    measurements: opts.measurements ?? [usage(50)],
    errors: opts.errors ?? [],
  };
}

function finding(id: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return { id, category: id.split('.')[1]!, severity, title: `${id} title`, detail: '', suggestion: '', evidence: {}, node: '10.0.0.1:6379', ...extra };
}

const warningResult = () => result('cache', { status: 'warning', findings: [finding('redis.memory.usage', 'warning', { observed: { value: 92, unit: '%' } })], measurements: [usage(92)] });
const labels = (stdout: string) => parseNagios(stdout).perf.map((p) => p.label);

describe('status word = effective status', () => {
  it('--fail-on critical with only a warning: KSA OK, the warning listed as below --fail-on', () => {
    const out = parseNagios(renderNagios(buildReport([warningResult()], 'critical')));
    expect(out.status).toBe('OK');
    expect(out.text).toBe('KSA OK - cache (redis): 0 critical, 0 warning (1 below --fail-on)');
    expect(out.long).toEqual(['- warning redis.memory.usage [10.0.0.1:6379]: redis.memory.usage title (below --fail-on)']);
  });

  it('all findings baselined: KSA OK, marked (baselined); a new one with a baseline is marked (new)', () => {
    const known = warningResult();
    known.findings[0]!.baselined = true;
    const ok = parseNagios(renderNagios(buildReport([known], 'warning', { file: 'b.json', suppressed: 1 })));
    expect(ok.status).toBe('OK');
    expect(ok.text).toBe('KSA OK - cache (redis): 0 critical, 0 warning (1 baselined)');
    expect(ok.long[0]).toMatch(/\(baselined\)$/);
    const fresh = parseNagios(renderNagios(buildReport([warningResult()], 'warning', { file: 'b.json', suppressed: 0 })));
    expect(fresh.status).toBe('WARNING');
    expect(fresh.text).toBe('KSA WARNING - cache (redis): 0 critical, 1 warning; redis.memory.usage title');
    expect(fresh.long[0]).toMatch(/\(new\)$/);
  });

  it('an OK line carries no info-level title, and info findings are not listed', () => {
    const r = result('cache', { findings: [finding('redis.persistence.disabled', 'info')] });
    const out = parseNagios(renderNagios(buildReport([r], 'warning')));
    expect(out.text).toBe('KSA OK - cache (redis): 0 critical, 0 warning');
    expect(out.long).toEqual([]);
  });

  it('UNKNOWN keeps the reason on the first line', () => {
    const r = result('cache', { status: 'unknown', measurements: [], metrics: {}, errors: [{ code: 'KSA_ERR_CONNECT', message: '10.0.0.1:6379: connect ECONNREFUSED', retryable: true }] });
    const out = parseNagios(renderNagios(buildReport([r], 'critical')));
    expect(out.text).toBe('KSA UNKNOWN - cache (redis): could not diagnose: KSA_ERR_CONNECT 10.0.0.1:6379: connect ECONNREFUSED');
    expect(out.perf.map((p) => p.label)).toEqual(['duration']);
  });

  it('fleet: CRITICAL > UNKNOWN > WARNING > OK, counts by effective status, critical and unknown named', () => {
    const crit = result('db', { status: 'critical', findings: [finding('redis.memory.usage', 'critical')], measurements: [usage(99)] });
    const down = result('gone', { status: 'unknown', measurements: [], metrics: {}, errors: [{ code: 'KSA_ERR_CONNECT', message: 'refused', retryable: true }] });
    const out = parseNagios(renderNagios(buildReport([result('ok'), crit, down, warningResult()], 'warning')));
    expect(out.text).toBe('KSA CRITICAL - 4 targets: 1 critical, 1 unknown, 1 warning, 1 ok (db, gone, cache)');
    expect(out.long.filter((l) => l.startsWith('KSA '))).toEqual([
      'KSA OK - ok (redis): 0 critical, 0 warning',
      'KSA CRITICAL - db (redis): 1 critical, 0 warning; redis.memory.usage title',
      'KSA UNKNOWN - gone (redis): could not diagnose: KSA_ERR_CONNECT refused',
      'KSA WARNING - cache (redis): 0 critical, 1 warning; redis.memory.usage title',
    ]);
    expect(out.perf.filter((p) => p.label.startsWith('db:')).map((p) => p.label)).toEqual(['db:duration', 'db:redis.memory.usage', 'db:used_memory', 'db:uptime_seconds']);
  });

  it('fleet under --fail-on critical with only warnings: KSA OK and no target line says WARNING', () => {
    const stdout = renderNagios(buildReport([result('ok'), warningResult()], 'critical'));
    expect(parseNagios(stdout).text).toBe('KSA OK - 2 targets: 0 critical, 0 unknown, 0 warning, 2 ok');
    expect(stdout).not.toMatch(/KSA (WARNING|CRITICAL|UNKNOWN)/);
    expect(stdout).toContain('  - warning redis.memory.usage [10.0.0.1:6379]: redis.memory.usage title (below --fail-on)');
  });
});

describe('perfdata labels', () => {
  it('the same label set for a healthy and a firing result of the same plugin, without node or endpoint', () => {
    const healthy = labels(renderNagios(buildReport([result('cache')], 'warning')));
    const firing = labels(renderNagios(buildReport([warningResult()], 'warning')));
    expect(firing).toEqual(healthy);
    expect(healthy).toEqual(['duration', 'redis.memory.usage', 'used_memory', 'uptime_seconds']);
    expect(healthy.join(' ')).not.toMatch(/10\.0\.0\.1|6379|@/);
  });

  it('one value per id across nodes: the worst for its direction', () => {
    const lag = (value: number, node: string): Measurement => ({ id: 'x.repl.buffer', value, unit: 'bytes', warning: 10, critical: null, direction: 'below', node });
    expect(worstPerId([usage(10, 'a'), usage(80, 'b'), usage(30, 'c')]).map((m) => m.value)).toEqual([80]);
    expect(worstPerId([lag(50, 'a'), lag(5, 'b'), lag(30, 'c')]).map((m) => m.value)).toEqual([5]);
    const out = parseNagios(renderNagios(buildReport([result('cache', { measurements: [usage(10, 'a'), usage(80, 'b')] })], 'warning')));
    expect(out.perf.find((p) => p.label === 'redis.memory.usage')).toMatchObject({ value: 80, uom: '%', warn: '90', crit: '95' });
  });

  it("string metrics are not perfdata; ' = and | are removed from labels", () => {
    const r = result('it\'s=a|b', { metrics: { 'consumer_lag{group="total"}': 7, version: '8.0' } });
    const out = parseNagios(renderNagios(buildReport([r, result('other')], 'warning')));
    const mine = out.perf.filter((p) => p.label.startsWith('itsab:')).map((p) => p.label);
    expect(mine).toEqual(['itsab:duration', 'itsab:redis.memory.usage', 'itsab:consumer_lag{group"total"}']);
    expect(out.perf.find((p) => p.label === 'itsab:consumer_lag{group"total"}')?.uom).toBe('');
  });
});

describe('thresholds as guideline ranges', () => {
  it('above N -> N, below N -> N:, negative above -> ~:N, null -> empty', () => {
    expect(range(90, 'above')).toBe('90');
    expect(range(0, 'above')).toBe('0');
    expect(range(20, 'below')).toBe('20:');
    expect(range(-5, 'above')).toBe('~:-5');
    expect(range(-5, 'below')).toBe('-5:');
    expect(range(null, 'above')).toBe('');
    expect(range(2, 'above', 3600)).toBe('7200');
  });

  // Boundaries: ksa's comparisons are strict (equal is fine), as are Nagios ranges (ends are inside).
  it.each([
    ['above', 90, [0, 89.99, 90, 90.01, 1000]],
    ['above', 0, [0, 0.01, 5]],
    ['above', -5, [-10, -5, -4.99, 0, 3]],
    ['below', 20, [-1, 0, 19.99, 20, 20.01, 500]],
    ['below', -5, [-10, -5.01, -5, 0]],
  ] as const)('%s %d: Nagios alerts exactly where ksa does', (direction, limit, values) => {
    const spec = { id: 'x.y.z', warning: limit, critical: null, direction, unit: '', source: '' };
    for (const v of values) expect(rangeAlerts(range(limit, direction), v), `value ${v}`).toBe(judgeValue(spec, v) !== null);
  });

  it('thresholds are converted with their value (hours -> s)', () => {
    const age: Measurement = { id: 'redis.persistence.rdb-age', value: 50, unit: 'h', warning: 48, critical: null, direction: 'above' };
    const out = parseNagios(renderNagios(buildReport([result('cache', { measurements: [age] })], 'warning')));
    expect(out.perf.find((p) => p.label === 'redis.persistence.rdb-age')).toMatchObject({ value: 180000, uom: 's', warn: '172800', crit: '' });
  });
});

describe('UOM from the guideline set only', () => {
  it.each([
    ['%', '%', 1], ['% of backlog', '%', 1], ['% above mean', '%', 1], ['s', 's', 1], ['s ago', 's', 1], ['ms', 'ms', 1], ['us', 'us', 1],
    ['h', 's', 3600], ['bytes', 'B', 1], ['KB', 'B', 1024], ['GB', 'B', 1024 ** 3],
    ['ratio', '', 1], ['keys', '', 1], ['errors', '', 1], ['ops/s', '', 1], ['per minute', '', 1], ['', '', 1],
  ] as const)('check unit %j -> %j x%d', (unit, uom, factor) => {
    expect(toUom(unit)).toEqual({ uom, factor });
  });

  it.each([
    ['consumer_lag_total', 'c'], ['requests_total', 'c'], ['uptime_seconds', 's'], ['replication_lag_seconds_max', 's'],
    ['statement_latency_p95_ms', 'ms'], ['hit_rate_pct', '%'], ['performance.cache_hit_pct', '%'], ['wal_bytes', 'B'],
    ['used_memory', ''], ['questions_per_second', ''], ['total_commands_processed', ''], ['maintenance.xid_age_max', ''], ['consumer_lag{group="x_total"}', ''],
  ] as const)('metric %s -> %j', (name, uom) => {
    expect(uomOfMetricName(name).uom).toBe(uom);
  });

  it('every item of a varied report matches the guideline grammar (the reader throws otherwise)', () => {
    const ms: Measurement[] = [
      { id: 'a.b.ratio', value: 0.123456789, unit: 'ratio', warning: 0.5, critical: null, direction: 'above' },
      { id: 'a.b.neg', value: -3.5, unit: 's', warning: -1, critical: -2, direction: 'above' },
      { id: 'a.b.low', value: 2, unit: 'replicas', warning: 2, critical: 1, direction: 'below' },
      { id: 'a.b.big', value: 3e21, unit: 'bytes', warning: null, critical: null, direction: 'above' },
    ];
    const out = parseNagios(renderNagios(buildReport([result('cache', { measurements: ms, metrics: { tiny: 1e-9, n: 12 } })], 'warning')));
    expect(out.perf.map((p) => [p.label, p.value, p.uom, p.warn, p.crit])).toEqual([
      ['duration', 42, 'ms', '', ''],
      ['a.b.ratio', 0.123457, '', '0.5', ''],
      ['a.b.neg', -3.5, 's', '~:-1', '~:-2'],
      ['a.b.low', 2, '', '2:', '1:'],
      ['a.b.big', 3e21, 'B', '', ''],
      ['tiny', 0, '', '', ''],
      ['n', 12, '', '', ''],
    ]);
    expect(formatNumber(-0.0000001)).toBe('0');
    expect(formatNumber(3e21)).toBe('3000000000000000000000');
  });
});
