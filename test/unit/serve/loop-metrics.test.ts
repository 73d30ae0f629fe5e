// The watch loop as metric families: target labels (with ksa.yaml's labels:, renamed on a clash),
// one series per firing finding id and severity whatever the number of nodes (bounded
// cardinality), plugin metrics as sanitized gauges and their strings as info labels, and /probe's
// single-target view without the watcher-wide families.
import { describe, expect, it } from 'vitest';
import { loopMetricFamilies, targetLabels, type LoopSnapshot } from '../../../src/serve/loop-metrics.js';
import { pluginMetricName } from '../../../src/serve/plugin-metric-name.js';
import type { TargetView } from '../../../src/watch/watcher.js';
import type { FindingRecord, TargetRecord } from '../../../src/watch/target-record.js';
import type { DiagnosticResult } from '../../../src/core/types.js';

function result(name: string, status: DiagnosticResult['status'], metrics: DiagnosticResult['metrics']): DiagnosticResult {
  return { schemaVersion: 1, plugin: { id: 'redis-diagnostics', version: '1' }, target: { type: 'redis', name, endpoints: [] }, status, startedAt: '2026-12-04T00:00:00.000Z', durationMs: 1500, categories: [], findings: [], metrics, errors: [] };
}

function finding(id: string, node: string, state: FindingRecord['state'], severity: 'warning' | 'critical'): [string, FindingRecord] {
  return [`${id}@${node}`, { state, since: 0, episode: 'e', plugin: 'redis-diagnostics', finding: { id, node, category: 'memory', title: 't', severity, evidence: {}, suggestion: 's' } }];
}

const view = (name: string, labels: Record<string, string>, r?: DiagnosticResult): TargetView => ({ name, plugin: 'redis-diagnostics', type: 'redis', periodMs: 1000, labels, cycles: 7, ...(r ? { last: { at: 1_000_000, result: r } } : {}) });

const nodes = Array.from({ length: 50 }, (_, i) => finding('redis.memory.usage', `10.0.0.${i}:6379`, 'firing', 'critical'));
const records = new Map<string, TargetRecord>([
  ['cache', { target: 'cache', plugin: 'redis-diagnostics', state: 'ok', since: 0, last: { at: 0, status: 'critical', durationMs: 1 }, findings: Object.fromEntries([...nodes, finding('redis.clients.blocked', 'n1', 'pending', 'warning'), finding('redis.old', 'n1', 'resolved', 'warning')]) }],
]);
const snapshot: LoopSnapshot = {
  version: '9.9.9',
  targets: [
    view('cache', { team: 'pay', target: 'clash', 'bad-name': 'x' }, result('cache', 'critical', { used_memory: 100, usedMemoryRss: 200, role: 'master', bad: Number.NaN, 'target_up': 5 })),
    view('later', {}),
  ],
  records,
  health: { plugins: [{ plugin: 'redis-diagnostics', windowMs: 60_000, cycles: 3, latencyMs: { p50: 10, p90: 20, p95: 25, p99: 30, max: 40 }, errorRate: 0.5, hostRestarts: 2 }], scheduler: { jobs: 2, running: 0, queue: 0, maxQueue: 1, cycles: 9, skipped: 1, overran: 0, lagMs: { count: 3, p50: 1, p90: 2, p95: 3, p99: 4, max: 5 } } },
  plugins: [{ id: 'redis-diagnostics', state: 'Running', enabled: true }, { id: 'x-diagnostics', state: 'Failed', enabled: false }],
  notifyQueue: { pager: 3, 'team-slack': 0 },
};

const byName = (only?: string) => new Map(loopMetricFamilies(snapshot, only).map((f) => [f.name, f]));

describe('loop metrics', () => {
  it('target labels: target, plugin, type, then labels: of ksa.yaml; one clashing with ksa\'s own becomes label_<name>', () => {
    expect(targetLabels(snapshot.targets[0]!)).toEqual({ target: 'cache', plugin: 'redis-diagnostics', type: 'redis', team: 'pay', label_target: 'clash' });
  });

  it('one ksa_finding_firing series per finding id and severity: 50 firing nodes are one series; pending apart; resolved none', () => {
    const f = byName();
    expect(f.get('ksa_finding_firing')!.samples).toEqual([{ labels: { target: 'cache', plugin: 'redis-diagnostics', type: 'redis', team: 'pay', label_target: 'clash', finding: 'redis.memory.usage', severity: 'critical' }, value: 1 }]);
    expect(f.get('ksa_finding_pending')!.samples.map((s) => s.labels.finding)).toEqual(['redis.clients.blocked']);
    expect(f.get('ksa_target_findings_firing')!.samples.filter((s) => s.labels.target === 'cache').map((s) => [s.labels.severity, s.value])).toEqual([['warning', 0], ['critical', 50]]);
  });

  it('status and state are state sets (1 for the current); a target before its first cycle has no up/status series', () => {
    const f = byName();
    expect(f.get('ksa_target_status')!.samples.map((s) => [s.labels.status, s.value])).toEqual([['healthy', 0], ['warning', 0], ['critical', 1], ['unknown', 0]]);
    expect(f.get('ksa_target_up')!.samples.map((s) => s.labels.target)).toEqual(['cache']);
    expect(f.get('ksa_target_state')!.samples.filter((s) => s.value === 1).map((s) => s.labels.state)).toEqual(['ok']);
    expect(f.get('ksa_diagnosis_duration_seconds')!.samples[0]!.value).toBe(1.5);
  });

  it("plugin metrics: ksa_<type>_<snake key> gauges; strings are labels of ksa_target_info; NaN and names in ksa's own families dropped", () => {
    const f = byName();
    expect(f.get('ksa_redis_used_memory')!.samples[0]!.value).toBe(100);
    expect(f.get('ksa_redis_used_memory_rss')!.samples[0]!.value).toBe(200);
    expect(f.has('ksa_redis_bad')).toBe(false);
    expect(f.get('ksa_redis_target_up')!.samples[0]!.value).toBe(5); // prefixed by the type: no clash with ksa_target_up
    expect(f.get('ksa_target_info')!.samples[0]!.labels.role).toBe('master');
    expect(pluginMetricName('connectedClients.total-x')).toEqual({ part: 'connected_clients_total_x', scale: 1 });
  });

  it.each([
    ['connect_avg_ms', 'connect_avg_seconds', 1e-3],
    ['replicationLagMs', 'replication_lag_seconds', 1e-3],
    ['ops_per_sec', 'ops_per_second', 1],
    ['uptime_seconds', 'uptime_seconds', 1],
    ['buffer_kb', 'buffer_bytes', 1024],
    ['wait_us', 'wait_seconds', 1e-6],
    ['used_memory', 'used_memory', 1],
    ['messages', 'messages', 1],
  ])('plugin metric %s -> %s (x %d): base units, as promtool wants them', (key, part, scale) => {
    expect(pluginMetricName(key)).toEqual({ part, scale });
  });

  it('watcher-wide families: lag and latency as summaries in seconds, error ratio, restarts, plugin up/enabled', () => {
    const f = byName();
    expect(f.get('ksa_schedule_lag_seconds')).toMatchObject({ type: 'summary', samples: [{ labels: { quantile: '0.5' }, value: 0.001 }, { labels: { quantile: '0.9' }, value: 0.002 }, { labels: { quantile: '0.99' }, value: 0.004 }] });
    expect(f.get('ksa_plugin_cycle_error_ratio')!.samples[0]!.value).toBe(0.5);
    expect(f.get('ksa_plugin_host_restarts_total')).toMatchObject({ type: 'counter', samples: [{ value: 2 }] });
    expect(f.get('ksa_plugin_up')!.samples.map((s) => s.value)).toEqual([1, 0]);
    expect(f.get('ksa_plugin_enabled')!.samples.map((s) => s.value)).toEqual([1, 0]);
    expect(f.get('ksa_build_info')!.samples[0]!.labels.version).toBe('9.9.9');
    expect(f.get('ksa_notifier_queue_depth')!.samples).toEqual([{ labels: { receiver: 'pager' }, value: 3 }, { labels: { receiver: 'team-slack' }, value: 0 }]);
  });

  it('only one target (/probe): its families, nothing of the others nor of the watcher', () => {
    const f = byName('later');
    expect(f.has('ksa_build_info')).toBe(false);
    expect(f.has('ksa_schedule_lag_seconds')).toBe(false);
    for (const family of f.values()) for (const s of family.samples) expect(s.labels.target).toBe('later');
  });
});
