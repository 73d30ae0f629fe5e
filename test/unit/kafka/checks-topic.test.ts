// topic checks: recorded ISR shrink + DescribeConfigs, and every threshold boundary.
import { describe, expect, it } from 'vitest';
import type { DescribeConfigsResponse, MetadataResponse } from '../../../plugins/kafka/kafka-wire.js';
import { minIsrFromDescribeConfigs, topicsFromMetadata } from '../../../plugins/kafka/responses.js';
import { analyze, balancedTopic, broker, data, partition, recorded, topic, withId } from './build.js';

describe('recorded Metadata (ISR shrink) + DescribeConfigs (min.insync.replicas)', () => {
  const md = recordedSnapshot();
  const r = analyze(md, ['topic']);
  it('flags the ISR shrink as under-replicated (warning) with the out-of-sync replicas', () => {
    const [f, ...rest] = withId(r, 'kafka.topic.under-replicated');
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ severity: 'warning', node: 'topic:orders', observed: { value: 2, unit: 'partitions' } });
    expect(f?.evidence.partitions).toEqual([
      { partition: 1, replicas: [2, 3, 1], isr: [2, 1], outOfSync: [3] },
      { partition: 2, replicas: [3, 1, 2], isr: [3], outOfSync: [1, 2] },
    ]);
  });
  it('flags orders[2] below min.insync.replicas 2 as critical', () => {
    const [f] = withId(r, 'kafka.topic.under-min-isr');
    expect(f).toMatchObject({ severity: 'critical', node: 'topic:orders', observed: { value: 1 } });
    expect(f?.evidence).toMatchObject({ minInsyncReplicas: 2, partitions: [{ partition: 2, isr: [3] }] });
    expect(f?.threshold?.source).toMatch(/under-min-isr/);
  });
  it('flags audit: min.insync.replicas 3 above RF 1, offline partition, RF 1; not the internal topic', () => {
    expect(withId(r, 'kafka.topic.under-min-isr.unsatisfiable').map((f) => f.node)).toEqual(['topic:audit']);
    expect(withId(r, 'kafka.topic.offline-partitions').map((f) => [f.node, f.evidence.partitions])).toEqual([['topic:audit', [{ partition: 0, leader: -1, reason: 'no leader' }]]]);
    expect(withId(r, 'kafka.topic.replication-factor-one').map((f) => f.node)).toEqual(['topic:audit']);
    expect(r.status).toBe('critical');
  });
  it('reports min ISR as skipped (not healthy) when DescribeConfigs is unsupported', () => {
    const d = { ...md, configs: { status: 'unsupported' as const, reason: 'DescribeConfigs not supported by this server: min.insync.replicas not read' } };
    const res = analyze(d, ['topic']);
    expect(withId(res, 'kafka.topic.under-min-isr')).toHaveLength(0);
    expect(res.categories[0]?.skipped).toMatch(/DescribeConfigs not supported/);
  });
});

function recordedSnapshot() {
  const md = recorded<MetadataResponse>('metadata-isr-shrink');
  const topics = topicsFromMetadata(md, () => true);
  const minIsr = minIsrFromDescribeConfigs(recorded<DescribeConfigsResponse>('describe-configs'));
  for (const t of topics) t.minInsyncReplicas = minIsr.get(t.name) ?? null;
  return data({ brokers: md.brokers.map((b) => broker(b.nodeId)), topics, controllerId: md.controllerId ?? null });
}

// Each row: the value at the threshold (no finding) and just past it (finding of that severity).
describe('threshold boundaries', () => {
  const three = [broker(1), broker(2), broker(3)];
  const cases: Array<[string, string, ReturnType<typeof data>, string | null]> = [
    ['offline: all led', 'kafka.topic.offline-partitions', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3])])] }), null],
    ['offline: no leader', 'kafka.topic.offline-partitions', data({ topics: [topic('t', [partition(0, -1, [1, 2, 3], [])])] }), 'critical'],
    ['offline: leader unreachable', 'kafka.topic.offline-partitions', data({ brokers: [broker(1), broker(2, { reachable: false }), broker(3)], topics: [topic('t', [partition(0, 2, [2, 1, 3])])] }), 'critical'],
    ['offline: leader not advertised', 'kafka.topic.offline-partitions', data({ topics: [topic('t', [partition(0, 7, [7, 1, 2])])] }), 'critical'],
    ['under-replicated: ISR = replicas', 'kafka.topic.under-replicated', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3], [1, 2, 3])])] }), null],
    ['under-replicated: ISR = replicas - 1', 'kafka.topic.under-replicated', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3], [1, 2])])] }), 'warning'],
    ['under-min-isr: ISR = min', 'kafka.topic.under-min-isr', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3], [1, 2])], { minInsyncReplicas: 2 })] }), null],
    ['under-min-isr: ISR = min - 1', 'kafka.topic.under-min-isr', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3], [1])], { minInsyncReplicas: 2 })] }), 'critical'],
    ['unsatisfiable: min = RF', 'kafka.topic.under-min-isr.unsatisfiable', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3])], { minInsyncReplicas: 3 })] }), null],
    ['unsatisfiable: min = RF + 1', 'kafka.topic.under-min-isr.unsatisfiable', data({ topics: [topic('t', [partition(0, 1, [1, 2, 3])], { minInsyncReplicas: 4 })] }), 'critical'],
    ['RF 2', 'kafka.topic.replication-factor-one', data({ topics: [topic('t', [partition(0, 1, [1, 2])])] }), null],
    ['RF 1', 'kafka.topic.replication-factor-one', data({ topics: [topic('t', [partition(0, 1, [1])])] }), 'warning'],
    ['RF 1 internal', 'kafka.topic.replication-factor-one', data({ topics: [topic('__x', [partition(0, 1, [1])], { internal: true })] }), null],
    ['RF = brokers', 'kafka.topic.replication-factor-exceeds-brokers', data({ brokers: three, topics: [topic('t', [partition(0, 1, [1, 2, 3])])] }), null],
    ['RF = brokers + 1', 'kafka.topic.replication-factor-exceeds-brokers', data({ brokers: three, topics: [topic('t', [partition(0, 1, [1, 2, 3, 4])])] }), 'critical'],
    ['partitions = brokers', 'kafka.topic.partition-count', data({ topics: [balancedTopic('t', 3, 3, 3)] }), null],
    ['partitions = brokers - 1', 'kafka.topic.partition-count', data({ topics: [balancedTopic('t', 2, 3, 3)] }), 'info'],
    ['leaders 3/3/3', 'kafka.topic.leader-skew', data({ topics: [balancedTopic('t', 9, 3, 3)] }), null],
    ['leaders 4/3/2 (within ceil(mean x 1.1))', 'kafka.topic.leader-skew', data({ topics: [topic('t', [1, 1, 1, 1, 2, 2, 2, 3, 3].map((l, i) => partition(i, l, [l])))] }), null],
    ['leaders 5/2/2', 'kafka.topic.leader-skew', data({ topics: [topic('t', [1, 1, 1, 1, 1, 2, 2, 3, 3].map((l, i) => partition(i, l, [l])))] }), 'warning'],
    ['preferred: 1 of 10 elsewhere (10%)', 'kafka.topic.preferred-leader', data({ topics: [topic('t', Array.from({ length: 10 }, (_, i) => partition(i, i === 0 ? 2 : 1, [1, 2, 3])))] }), null],
    ['preferred: 2 of 10 elsewhere (20%)', 'kafka.topic.preferred-leader', data({ topics: [topic('t', Array.from({ length: 10 }, (_, i) => partition(i, i < 2 ? 2 : 1, [1, 2, 3])))] }), 'warning'],
  ];
  it.each(cases)('%s', (_name, id, d, severity) => {
    const found = withId(analyze(d, ['topic']), id);
    expect(found.map((f) => f.severity)).toEqual(severity === null ? [] : [severity]);
  });

  it('leader skew reports the busiest broker and the percentage above the mean', () => {
    const [f] = withId(analyze(data({ topics: [topic('t', [1, 1, 1, 1, 1, 2, 2, 3, 3].map((l, i) => partition(i, l, [l])))] }), ['topic']), 'kafka.topic.leader-skew');
    expect(f).toMatchObject({ observed: { value: 66.67, unit: '% above mean' }, evidence: { leadersPerBroker: { 1: 5, 2: 2, 3: 2 } } });
  });

  it('topics Metadata could not describe are named as skipped, with the fix', () => {
    const d = data({ topics: [topic('secret', [], { errorCode: 29 }), balancedTopic('t', 3, 3, 3)] });
    expect(analyze(d, ['topic']).categories[0]?.skipped).toMatch(/secret \(TOPIC_AUTHORIZATION_FAILED\).*grant the diagnosis user DESCRIBE/);
  });

  it('a threshold override applies (under-replicated warning at 1 partition)', () => {
    const d = data({ topics: [topic('t', [partition(0, 1, [1, 2, 3], [1, 2])])] });
    expect(withId(analyze(d, ['topic'], { 'kafka.topic.under-replicated': { warning: 1 } }), 'kafka.topic.under-replicated')).toHaveLength(0);
  });
});
