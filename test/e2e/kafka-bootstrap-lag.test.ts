// `ksa diagnose kafka` through the real CLI (built dist/) against a throwaway librdkafka mock
// cluster: a bootstrap list whose first server is dead names the target after the whole list,
// reports the dead server as a finding and evaluates every category through the others; a group's
// lag on partitions it never committed is reported as unknown (counted apart, messages from the
// log start labelled as such), never as 0. Needs `npm run build`.
import { afterEach, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import type { Report } from '../../src/core/types.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import { commitOffsets, produce, startMockCluster, type MockCluster } from '../integration/kafka/mock-cluster.js';

const ksa = (args: readonly string[]): Promise<KsaRun> => spawnKsa(args, {}, /^KSA_/);
const report = (run: KsaRun): Report => ReportSchema.parse(JSON.parse(run.stdout));

const mocks: MockCluster[] = [];
afterEach(async () => { await Promise.all(mocks.splice(0).map((m) => m.stop())); });
async function mock(topics: string[]): Promise<MockCluster> {
  const m = await startMockCluster(3, topics);
  mocks.push(m);
  return m;
}

describe('ksa diagnose kafka with a dead first bootstrap server', () => {
  it('names the target after the whole list, reports the dead server, evaluates every category through the others', async () => {
    const m = await mock(['orders:3:3']);
    await produce(m.bootstrap, 'orders', [5, 5, 5]);
    await commitOffsets(m.bootstrap, 'billing', { orders: { 0: 5, 1: 5, 2: 5 } });
    const list = ['127.0.0.1:1', ...m.bootstrap].join(',');
    // --group: the mock has no ListGroups.
    const run = await ksa(['diagnose', 'kafka', list, '--group', 'billing', '--json', '--timeout', '10s']);
    const r = report(run).results[0]!;
    expect(r.target.name).toBe(list);
    const [dead] = r.findings.filter((f) => f.id === 'kafka.broker.bootstrap-unreachable');
    expect(dead).toMatchObject({ severity: 'warning', observed: { value: 1 }, evidence: { reachable: m.bootstrap } });
    expect(dead?.title).toContain('127.0.0.1:1');
    expect((dead?.evidence as { unreachable: Array<{ address: string; error: string; advertisedBroker: boolean }> }).unreachable)
      .toEqual([{ address: '127.0.0.1:1', error: expect.stringMatching(/KSA_ERR_CONNECT.*127\.0\.0\.1:1.*ECONNREFUSED/), advertisedBroker: false }]);
    // Every category evaluated through the reachable servers (the mock lacks DescribeGroups and DescribeConfigs: partial skips).
    expect(r.errors).toEqual([]);
    const status = Object.fromEntries(r.categories.map((c) => [c.name, c]));
    expect(status.broker).toMatchObject({ status: 'warning' });
    expect(status.topic?.status).not.toBe('unknown');
    expect(status.consumer?.skipped).toMatch(/^DescribeGroups not supported/);
    expect(r.measurements?.find((x) => x.id === 'kafka.consumer.lag' && x.node === 'group:billing')).toMatchObject({ value: 0 });
    expect(r.measurements?.find((x) => x.id === 'kafka.topic.offline-partitions')).toBeDefined();
    expect(r.metrics).toMatchObject({ brokers_reachable: 3, bootstrap_servers: 4, bootstrap_servers_reachable: 3, 'consumer_lag{group="billing"}': 0 });
    expect(run.code).not.toBe(3);
  }, 30_000);

  it('every bootstrap server answering: no finding, the measurement is 0', async () => {
    const m = await mock(['orders:1:3']);
    const run = await ksa(['diagnose', 'kafka', ...m.bootstrap, '--json', '--category', 'broker']);
    const r = report(run).results[0]!;
    expect(r.target.name).toBe(m.bootstrap.join(','));
    expect(r.findings.filter((f) => f.id === 'kafka.broker.bootstrap-unreachable')).toEqual([]);
    expect(r.measurements?.find((x) => x.id === 'kafka.broker.bootstrap-unreachable')).toMatchObject({ value: 0 });
  }, 30_000);
});

describe('ksa diagnose kafka: lag of never-committed partitions', () => {
  it('150 unconsumed messages on partitions the group never committed: lag unknown, never 0', async () => {
    const m = await mock(['orders:3:3']);
    await produce(m.bootstrap, 'orders', [10, 75, 75]);
    // Partition 0 consumed to its end; partitions 1 and 2 (150 messages) never committed.
    await commitOffsets(m.bootstrap, 'partial', { orders: { 0: 10 } });
    const run = await ksa(['diagnose', 'kafka', ...m.bootstrap, '--group', 'partial', '--category', 'consumer', '--json']);
    const r = report(run).results[0]!;
    // No "consumer_lag" reading at all for the group (it read 0), the known and unknown parts apart.
    expect(r.metrics['consumer_lag{group="partial"}']).toBeUndefined();
    expect(r.metrics.consumer_lag_total).toBeUndefined();
    expect(r.metrics).toMatchObject({
      'consumer_lag_committed{group="partial"}': 0,
      'consumer_partitions_uncommitted{group="partial"}': 2,
      'consumer_messages_uncommitted{group="partial"}': 150,
      consumer_groups_lag_unknown: 1,
    });
    // Nor a judged lag of 0: the lag check does not claim the group is caught up.
    expect(r.measurements?.filter((x) => x.id === 'kafka.consumer.lag' && x.node === 'group:partial')).toEqual([]);
    const [never] = r.findings.filter((f) => f.id === 'kafka.consumer.never-committed');
    expect(never).toMatchObject({ severity: 'warning', node: 'group:partial', observed: { value: 2 }, evidence: { lag: 'unknown', messagesFromLogStart: 150 } });
    expect(never?.detail).toMatch(/lag is unknown, not 0/);
    expect(run.code).toBe(1);
  }, 30_000);

  it('lag on committed partitions next to never-committed ones is a lower bound, said so', async () => {
    const m = await mock(['orders:3:3']);
    await produce(m.bootstrap, 'orders', [40, 75, 75]);
    await commitOffsets(m.bootstrap, 'behind', { orders: { 0: 10 } });
    const run = await ksa(['diagnose', 'kafka', ...m.bootstrap, '--group', 'behind', '--category', 'consumer', '--threshold', 'kafka.consumer.lag=20,', '--json']);
    const r = report(run).results[0]!;
    const [lag] = r.findings.filter((f) => f.id === 'kafka.consumer.lag');
    expect(lag).toMatchObject({ observed: { value: 30 }, evidence: { totalLag: 30, lagIsLowerBound: true, partitionsUncommitted: 2 } });
    expect(lag?.title).toMatch(/at least 30 messages behind \(2 partitions never committed: lag unknown\)/);
    expect(r.metrics['consumer_lag{group="behind"}']).toBeUndefined();
    expect(r.metrics['consumer_lag_committed{group="behind"}']).toBe(30);
  }, 30_000);
});
