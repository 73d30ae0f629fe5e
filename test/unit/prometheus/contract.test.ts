// The contract kit on the prometheus plugin: manifest vs code (every pack rule a declared check,
// every pack threshold an override key), the guard in the path (GET of the API paths only),
// ctx.signal honoured, and snapshot cases for every rule at and just past its limits, empty
// answers, NaN, refused queries and declared checks.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testPlugin, type CheckCase } from '../../../src/testing/index.js';
import prometheusPlugin from '../../../plugins/prometheus/index.js';
import { matchersOf } from '../../../plugins/prometheus/pack-rule.js';
import { PACKS } from '../../../plugins/prometheus/packs.js';
import type { DeclaredQuery } from '../../../plugins/prometheus/declared-queries.js';
import type { PrometheusSnapshot, RuleResult } from '../../../plugins/prometheus/snapshot.js';

const categoryOf = (id: string) => id.split('.')[1]!;
function rule(id: string, values: Array<number | null>, extra: Partial<RuleResult> = {}): RuleResult {
  return {
    id, category: categoryOf(id), query: `q(${id})`, range: null,
    series: values.map((value, i) => ({ labels: { instance: `i${i}` }, value })), seriesTotal: values.length, error: null, declared: null, ...extra,
  };
}
function declared(c: DeclaredQuery, values: Array<number | null>): RuleResult {
  return { ...rule(`prometheus.query.${c.id}`, values), category: 'query', declared: c };
}
const snap = (...results: RuleResult[]): PrometheusSnapshot => ({ server: { url: 'http://p:9090', version: '2.42.0' }, packs: [...new Set(results.map((r) => r.category).filter((c) => c !== 'query'))], evaluatedAtMs: 0, results });
const fires = (id: string, severity: 'warning' | 'critical', observed?: number) => ({ id, severity, ...(observed === undefined ? {} : { observed }) });

/** [rule, value at its limit (no finding), value past it, severity past it]. */
const boundaries: Array<[string, number, number, 'warning' | 'critical']> = [
  ['prometheus.kafka.under-replicated', 0, 1, 'warning'],
  ['prometheus.kafka.consumer-lag', 10_000, 10_001, 'warning'],
  ['prometheus.kafka-jmx.under-replicated', 0, 1, 'warning'],
  ['prometheus.kafka-jmx.offline-partitions', 0, 1, 'critical'],
  ['prometheus.kafka-jmx.under-min-isr', 0, 1, 'critical'],
  ['prometheus.kafka-jmx.isr-shrinks', 0, 0.01, 'warning'],
  ['prometheus.kafka-jmx.produce-latency', 500, 500.5, 'warning'],
  ['prometheus.kafka-jmx.produce-latency', 2000, 2000.5, 'critical'],
  ['prometheus.redis.memory', 90, 90.01, 'warning'],
  ['prometheus.redis.memory', 95, 95.01, 'critical'],
  ['prometheus.redis.clients', 90, 91, 'warning'],
  ['prometheus.redis.clients', 95, 96, 'critical'],
  ['prometheus.redis.rejected-connections', 0, 1, 'warning'],
  ['prometheus.postgres.connections', 80, 81, 'warning'],
  ['prometheus.postgres.connections', 90, 91, 'critical'],
  ['prometheus.postgres.deadlocks', 5, 5.5, 'warning'],
  ['prometheus.mysql.connections', 85, 86, 'warning'],
  ['prometheus.mysql.connections', 95, 96, 'critical'],
  ['prometheus.mysql.slow-queries', 0, 0.2, 'warning'],
  ['prometheus.mysql.innodb-log-waits', 10, 11, 'warning'],
];

const cases: CheckCase[] = [
  ...boundaries.flatMap(([id, at, past, severity]): CheckCase[] => [
    // At a critical limit that has a warning below it, the value is still a warning.
    boundaries.some(([other, , , sev]) => other === id && sev === 'warning') && severity === 'critical'
      ? { name: `${id} at ${at}: warning, not critical`, data: snap(rule(id, [at])), categories: [categoryOf(id)], expect: { findings: [fires(id, 'warning', at)] } }
      : { name: `${id} at ${at}: fine`, data: snap(rule(id, [at])), categories: [categoryOf(id)], expect: { findings: [] } },
    { name: `${id} at ${past}: ${severity}`, data: snap(rule(id, [past])), categories: [categoryOf(id)], expect: { findings: [fires(id, severity, past)] } },
  ]),
  ...['prometheus.redis.up', 'prometheus.postgres.up', 'prometheus.mysql.up'].flatMap((id): CheckCase[] => [
    { name: `${id} = 1: fine`, data: snap(rule(id, [1])), categories: [categoryOf(id)], expect: { findings: [] } },
    { name: `${id} = 0: critical, per instance`, data: snap(rule(id, [1, 0])), categories: [categoryOf(id)], expect: { findings: [fires(id, 'critical', 0)] } },
  ]),
  { name: 'one active controller: fine', data: snap(rule('prometheus.kafka-jmx.active-controller', [1])), categories: ['kafka-jmx'], expect: { findings: [] } },
  { name: 'no active controller: critical', data: snap(rule('prometheus.kafka-jmx.active-controller', [0])), categories: ['kafka-jmx'], expect: { findings: [fires('prometheus.kafka-jmx.active-controller', 'critical', 0)] } },
  { name: 'two active controllers: critical', data: snap(rule('prometheus.kafka-jmx.active-controller', [2])), categories: ['kafka-jmx'], expect: { findings: [fires('prometheus.kafka-jmx.active-controller', 'critical', 2)] } },
  { name: 'an override moves the limit: lag 5,000 over a warning of 1,000', data: snap(rule('prometheus.kafka.consumer-lag', [5000])), categories: ['kafka'], thresholds: { 'prometheus.kafka.consumer-lag': { warning: 1000 } }, expect: { findings: [fires('prometheus.kafka.consumer-lag', 'warning', 5000)] } },
  { name: 'an empty answer is unknown with the reason, never healthy', data: snap(rule('prometheus.redis.memory', [])), categories: ['redis'], expect: { status: 'unknown', findings: [], skipped: ['redis'] } },
  { name: 'a NaN series is skipped, the others judged', data: snap(rule('prometheus.redis.memory', [null, 99])), categories: ['redis'], expect: { findings: [fires('prometheus.redis.memory', 'critical', 99)], skipped: ['redis'] } },
  { name: 'a refused query is unknown with the server\'s words', data: snap(rule('prometheus.redis.clients', [], { error: { code: 'KSA_ERR_PROTOCOL', message: 'Prometheus refused the query (bad_data: parse error)' } })), categories: ['redis'], expect: { status: 'unknown', findings: [], skipped: ['redis'] } },
  { name: 'declared check past its critical', data: snap(declared({ id: 'brokers', query: 'count(up)', critical: 3, direction: 'below', unit: 'brokers' }, [2])), categories: ['query'], expect: { findings: [fires('prometheus.query.brokers', 'critical', 2)] } },
  { name: 'declared check at its limit: fine', data: snap(declared({ id: 'brokers', query: 'count(up)', critical: 3, direction: 'below' }, [3])), categories: ['query'], expect: { status: 'healthy', findings: [] } },
  { name: 'declared check without limits: skipped with the fix', data: snap(declared({ id: 'nolimit', query: 'up' }, [1])), categories: ['query'], expect: { status: 'unknown', findings: [], skipped: ['query'] } },
  { name: 'no declared check: query not applicable', data: snap(rule('prometheus.redis.up', [1])), expect: { status: 'healthy', findings: [] } },
];

testPlugin({
  module: prometheusPlugin,
  manifestPath: fileURLToPath(new URL('../../../manifests/prometheus-diagnostics.yaml', import.meta.url)),
  cases,
}, { describe, it });

describe('prometheus rule packs', () => {
  it('the selector goes into every metric of every pack query, beside the rule\'s own matchers', () => {
    const m = matchersOf('cluster="prod"');
    for (const r of Object.values(PACKS).flat()) {
      const q = r.query(m);
      const selectors = [...q.matchAll(/[a-z_]+\{([^}]*)\}/g)];
      expect(selectors.length, r.id).toBeGreaterThan(0);
      for (const s of selectors) expect(s[1], `${r.id}: ${q}`).toContain('cluster="prod"');
    }
    expect(PACKS['kafka-jmx'].find((r) => r.id.endsWith('produce-latency'))!.query(m)).toContain('{request="Produce",quantile="0.99",cluster="prod"}');
    expect(PACKS.redis[0]!.query(matchersOf(undefined))).toBe('redis_up{}');
  });
});
