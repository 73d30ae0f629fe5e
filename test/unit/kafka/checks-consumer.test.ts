// consumer checks: lag, data loss, never committed, group state (recorded DescribeGroups), Burrow.
import { describe, expect, it } from 'vitest';
import type { DescribeGroupsResponse } from '../../../plugins/kafka/kafka-wire.js';
import { groupsFromDescribeGroups } from '../../../plugins/kafka/responses.js';
import { analyze, data, gp, group, recorded, withId } from './build.js';

const one = (g: ReturnType<typeof group>) => data({ groups: [g] });

describe('threshold boundaries', () => {
  const cases: Array<[string, string, ReturnType<typeof data>, string[]]> = [
    ['lag sum 10,000', 'kafka.consumer.lag', one(group('g', [gp('t', 0, 0, 6_000), gp('t', 1, 0, 4_000)])), []],
    ['lag sum 10,001', 'kafka.consumer.lag', one(group('g', [gp('t', 0, 0, 6_000), gp('t', 1, 0, 4_001)])), ['warning']],
    ['committed = log start', 'kafka.consumer.offset-out-of-range', one(group('g', [gp('t', 0, 100, 200, 100)])), []],
    ['committed = log start - 1', 'kafka.consumer.offset-out-of-range', one(group('g', [gp('t', 0, 99, 200, 100)])), ['critical']],
    ['all partitions committed', 'kafka.consumer.never-committed', one(group('g', [gp('t', 0, 5, 5), gp('t', 1, 0, 0)])), []],
    ['uncommitted but empty partition', 'kafka.consumer.never-committed', one(group('g', [gp('t', 0, 5, 5), gp('t', 1, null, 0)])), []],
    ['uncommitted partition with messages', 'kafka.consumer.never-committed', one(group('g', [gp('t', 0, 5, 5), gp('t', 1, null, 1)])), ['warning']],
    ['coordinator unreachable', 'kafka.consumer.group-error', one(group('g', [], { error: 'coordinator broker 2 unreachable', coordinator: 2 })), ['critical']],
    ['other group error', 'kafka.consumer.group-error', one(group('g', [], { error: 'OffsetFetch: GROUP_AUTHORIZATION_FAILED' })), ['warning']],
  ];
  it.each(cases)('%s', (_name, id, d, severities) => {
    expect(withId(analyze(d, ['consumer']), id).map((f) => f.severity)).toEqual(severities);
  });

  it('never-committed partitions holding messages: lag unknown, never 0 (no lag reading, metrics apart)', () => {
    const d = one(group('g', [gp('t', 0, 10, 10), gp('t', 1, null, 75), gp('t', 2, null, 80, 5)]));
    const r = analyze(d, ['consumer'], { 'kafka.consumer.lag': { warning: 0 } });
    expect(withId(r, 'kafka.consumer.lag')).toEqual([]);
    expect(r.measurements?.filter((m) => m.id === 'kafka.consumer.lag')).toEqual([]);
    expect(withId(r, 'kafka.consumer.never-committed')[0]).toMatchObject({ observed: { value: 2 }, evidence: { lag: 'unknown', messagesFromLogStart: 150 } });
    expect(r.metrics['consumer_lag{group="g"}']).toBeUndefined();
    expect(r.metrics).toMatchObject({ 'consumer_lag_committed{group="g"}': 0, 'consumer_partitions_uncommitted{group="g"}': 2, 'consumer_messages_uncommitted{group="g"}': 150, consumer_groups_lag_unknown: 1 });
    expect(r.metrics.consumer_lag_total).toBeUndefined();
  });

  it('a never-committed empty partition does not make the lag unknown', () => {
    const r = analyze(one(group('g', [gp('t', 0, 4, 10), gp('t', 1, null, 0)])), ['consumer']);
    expect(r.metrics).toMatchObject({ 'consumer_lag{group="g"}': 6, consumer_lag_total: 6, 'consumer_partitions_uncommitted{group="g"}': 0 });
  });

  it('reports exact per-partition lag, totals per topic, and data lost', () => {
    const d = one(group('g', [gp('a', 0, 3, 10), gp('a', 1, 20, 20), gp('b', 0, 7, 30), gp('b', 1, 2, 50, 12)]));
    const r = analyze(d, ['consumer'], { 'kafka.consumer.lag': { warning: 0 } });
    const [lag] = withId(r, 'kafka.consumer.lag');
    expect(lag?.evidence).toMatchObject({ totalLag: 78, lagByTopic: { a: 7, b: 71 } });
    expect((lag?.evidence.partitions as Array<{ topic: string; partition: number; lag: number }>).map((p) => `${p.topic}/${p.partition}=${p.lag}`)).toEqual(['b/1=48', 'b/0=23', 'a/0=7', 'a/1=0']);
    const [lost] = withId(r, 'kafka.consumer.offset-out-of-range');
    expect(lost?.evidence).toMatchObject({ messagesLost: 10, partitions: [{ topic: 'b', partition: 1, committed: 2, logStart: 12 }] });
  });
});

describe('group state from recorded DescribeGroups', () => {
  const described = groupsFromDescribeGroups(recorded<DescribeGroupsResponse>('describe-groups'));
  const stateOf = (id: string, lag: number) => {
    const d = described.get(id)!;
    return group(id, [gp('orders', 0, 0, lag)], { state: d.state, members: d.members, protocolType: d.protocolType });
  };
  const cases: Array<[string, number, string[]]> = [
    ['orders-service', 50, []],
    ['billing', 0, []],
    ['billing', 1, ['warning']],
    ['reports', 0, ['warning']],
    ['retired', 0, ['critical']],
  ];
  it.each(cases)('%s with lag %i', (id, lag, severities) => {
    expect(withId(analyze(one(stateOf(id, lag)), ['consumer']), 'kafka.consumer.group-state').map((f) => f.severity)).toEqual(severities);
  });
  it('lists members with their assignment', () => {
    const d = one(stateOf('reports', 0));
    expect(withId(analyze(d, ['consumer']), 'kafka.consumer.group-state')[0]?.evidence.members).toEqual([{ clientId: 'reports-1', host: '/10.0.0.13', assignment: { audit: [0, 1] } }]);
  });
  it('is skipped with the reason when DescribeGroups is unsupported', () => {
    const d = data({ groups: [group('g', [gp('t', 0, 1, 2)])], describeGroups: { status: 'unsupported', reason: 'DescribeGroups not supported by this server (broker 1): group state and members not checked' } });
    expect(analyze(d, ['consumer']).categories[0]?.skipped).toMatch(/DescribeGroups not supported/);
  });
  it('a broker whose ListGroups failed is named as a gap', () => {
    const d = data({ groupsSource: 'list-groups', listGroupsErrors: ['broker 127.0.0.1:9092: KafkaJSRequestTimeoutError: timed out'] });
    expect(analyze(d, ['consumer']).categories[0]?.skipped).toMatch(/ListGroups failed on broker 127.0.0.1:9092.*pass --group/);
  });
  it('a category skipped at collect (no ListGroups) is unknown, never healthy', () => {
    const r = analyze(data(), ['consumer'], {}, { consumer: 'ListGroups not supported by this server (broker 1): pass --group <id> for each consumer group to check' });
    expect(r.categories[0]).toMatchObject({ status: 'unknown', skipped: expect.stringMatching(/pass --group/) });
    expect(r.status).toBe('unknown');
  });
});

describe('Burrow over samples', () => {
  const sampled = (committed: number[], hw: number[], over = {}) => data({
    sampling: { requested: 5, intervalMs: 1000, times: [0, 1000, 2000, 3000, 4000] },
    groups: [group('g', [gp('t', 0, committed.at(-1)!, hw.at(-1)!, 0, { committedWindow: committed, highWatermarkWindow: hw })], over)],
  });
  it.each([
    ['stopped consumer', [5, 5, 5, 5, 5], [10, 20, 30, 40, 50], {}, 'STOPPED', 'critical'],
    ['stalled consumer (members alive)', [5, 5, 5, 5, 5], [10, 20, 30, 40, 50], { members: [{ memberId: 'm', clientId: 'c', clientHost: 'h', assignment: null }] }, 'STALLED', 'critical'],
    ['falling behind', [0, 1, 2, 3, 4], [10, 12, 14, 16, 18], {}, 'WARN', 'warning'],
    ['lag constant (never decreases, Burrow WARN)', [0, 10, 20, 30, 40], [10, 20, 30, 40, 50], {}, 'WARN', 'warning'],
    ['offset reset backwards', [5, 8, 3, 9, 12], [20, 21, 22, 23, 24], {}, 'REWIND', 'critical'],
  ])('%s -> %s', (_n, c, h, over, status, severity) => {
    const [f] = withId(analyze(sampled(c, h, over), ['consumer']), 'kafka.consumer.burrow');
    expect(f).toMatchObject({ observed: { value: status }, severity });
  });
  it('keeping up (lag goes down at times): no Burrow finding, an info trend', () => {
    const r = analyze(sampled([0, 12, 20, 33, 40], [10, 20, 30, 40, 50]), ['consumer']);
    expect(withId(r, 'kafka.consumer.burrow')).toHaveLength(0);
    expect(withId(r, 'kafka.consumer.trend')[0]).toMatchObject({ severity: 'info', evidence: { lagGrowthPerSecond: 0, consumedPerSecond: 10 } });
  });
  it('fewer than 2 samples in time: skipped with the fix', () => {
    const d = { ...sampled([5, 5, 5, 5, 5], [10, 20, 30, 40, 50]), sampling: { requested: 5, intervalMs: 1000, times: [0] } };
    expect(analyze(d, ['consumer']).categories[0]?.skipped).toMatch(/raise --timeout/);
  });
});
