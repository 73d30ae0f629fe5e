// consumer category end to end against a throwaway librdkafka mock cluster per test: exact lag,
// Burrow verdicts over samples, the ListGroups skip, and round trips that do not grow with partitions.
import { afterEach, describe, expect, it } from 'vitest';
import plugin from '../../../plugins/kafka/index.js';
import type { KafkaSnapshotData } from '../../../plugins/kafka/snapshot.js';
import { loadBuiltinManifest, makeContext, runPlugin } from '../../support/plugin-harness.js';
import { commitOffsets, produce, startMockCluster, type MockCluster } from './mock-cluster.js';

const mocks: MockCluster[] = [];
afterEach(async () => { await Promise.all(mocks.splice(0).map((m) => m.stop())); });

async function mock(topics: string[]): Promise<MockCluster> {
  const m = await startMockCluster(3, topics);
  mocks.push(m);
  return m;
}

const diagnose = (m: MockCluster, options: Record<string, unknown>, thresholds = {}) =>
  runPlugin(plugin, 'kafka-diagnostics', { type: 'kafka', name: 'mock', endpoints: m.bootstrap, options }, { categories: ['consumer'], thresholds });
const dataOf = (s: { data: unknown }) => s.data as KafkaSnapshotData;

describe('kafka consumer lag (librdkafka mock)', () => {
  it('shows the exact per-partition lag of a group whose commits trail the produced messages', async () => {
    const m = await mock(['orders:4:3', 'other:2:3']);
    await produce(m.bootstrap, 'orders', [101, 50, 7, 0]);
    await commitOffsets(m.bootstrap, 'billing', { orders: { 0: 30, 1: 50, 2: 2 } });
    const { result, snapshot } = await diagnose(m, { group: ['billing'] }, { 'kafka.consumer.lag': { warning: 0 } });
    const [g] = dataOf(snapshot).groups;
    expect(g?.partitions.map((p) => [p.topic, p.partition, p.committed, p.highWatermark, p.logStart, p.lag])).toEqual([
      ['orders', 0, 30, 101, 0, 71],
      ['orders', 1, 50, 50, 0, 0],
      ['orders', 2, 2, 7, 0, 5],
      ['orders', 3, null, 0, 0, null], // never committed, but empty: no finding
    ]);
    const [lag] = result.findings.filter((f) => f.id === 'kafka.consumer.lag');
    expect(lag).toMatchObject({ node: 'group:billing', observed: { value: 76, unit: 'messages' }, evidence: { totalLag: 76, lagByTopic: { orders: 76 } } });
    expect(result.findings.filter((f) => f.id === 'kafka.consumer.never-committed')).toHaveLength(0);
    expect(result.metrics['consumer_lag{group="billing"}']).toBe(76);
    // The mock has no DescribeGroups: group state is reported as skipped, the rest is evaluated.
    expect(result.categories[0]?.skipped).toMatch(/DescribeGroups not supported by this server/);
  });

  it('the read-only group-offsets action describes one group like kafka-consumer-groups.sh', async () => {
    const m = await mock(['orders:2:3']);
    await produce(m.bootstrap, 'orders', [9, 4]);
    await commitOffsets(m.bootstrap, 'ops', { orders: { 0: 5, 1: 4 } });
    const manifest = loadBuiltinManifest('kafka-diagnostics');
    expect(manifest.actions).toEqual([expect.objectContaining({ name: 'group-offsets', mutating: false })]);
    const ctx = makeContext(manifest);
    const p = plugin.create();
    await p.connect(ctx, { type: 'kafka', name: 'x', endpoints: m.bootstrap, auth: {}, options: {} });
    try {
      const out = await p.execute(ctx, 'group-offsets', { group: 'ops' });
      expect(out).toMatchObject({ ok: true, data: { group: 'ops', totalLag: 4, partitions: [{ partition: 0, committed: 5, highWatermark: 9, lag: 4 }, { partition: 1, lag: 0 }] } });
      await expect(p.execute(ctx, 'group-offsets', {})).rejects.toMatchObject({ code: 'KSA_ERR_BAD_INPUT' });
    } finally {
      await p.disconnect(ctx);
    }
  });

  it('without --group, an unsupported ListGroups skips the category with the fix', async () => {
    const m = await mock(['orders:2:3']);
    const { result } = await diagnose(m, {});
    expect(result.categories[0]).toMatchObject({ status: 'unknown', skipped: expect.stringMatching(/ListGroups not supported by this server.*pass --group/) });
  });

  it('a broker without OffsetFetch (ApiVersions) skips the category instead of failing', async () => {
    const m = await mock(['orders:2:3']);
    await m.control('apiversion 9 -1 -1');
    const { result, snapshot } = await diagnose(m, { group: ['g'] });
    expect(result.categories[0]).toMatchObject({ status: 'unknown', skipped: expect.stringMatching(/^OffsetFetch not supported by this server/) });
    expect(dataOf(snapshot).brokers[0]?.apiVersions?.OffsetFetch).toBeUndefined(); // the mock leaves it out of ApiVersions
  });

  it('round trips grow with brokers and groups, not with partitions', async () => {
    const small = await mock(['a:2:3']);
    const big = await mock(Array.from({ length: 4 }, (_, i) => `t${i}:50:3`)); // the mock creates topics slowly (~0.2 s each)
    const groups = ['g1', 'g2', 'g3'];
    const a = dataOf((await diagnose(small, { group: groups })).snapshot).requests;
    const b = dataOf((await diagnose(big, { group: groups })).snapshot).requests;
    // 1 Metadata, 3 ApiVersions, 2 ListOffsets per leader broker, 1 FindCoordinator + 1 OffsetFetch per group.
    const { ListOffsets: la, ...restA } = a;
    const { ListOffsets: lb, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(restB).toEqual({ Metadata: 1, ApiVersions: 3, FindCoordinator: 3, OffsetFetch: 3 });
    expect(la).toBeLessThanOrEqual(6);
    expect(lb).toBe(6); // 200 partitions over 3 leaders: still 2 requests per broker
  });
});

describe('kafka consumer sampling (Burrow)', () => {
  it('a group that stops committing while messages arrive is STOPPED; one that keeps up is not', async () => {
    const m = await mock(['orders:2:3']);
    await produce(m.bootstrap, 'orders', [20, 20]);
    await commitOffsets(m.bootstrap, 'stuck', { orders: { 0: 10, 1: 10 } });
    await commitOffsets(m.bootstrap, 'live', { orders: { 0: 20, 1: 20 } });
    let produced = 20;
    let stop = false;
    // Background traffic: 5 messages per partition every 100 ms; "live" commits everything each time.
    const traffic = (async () => {
      while (!stop) {
        await produce(m.bootstrap, 'orders', [5, 5]);
        produced += 5;
        await commitOffsets(m.bootstrap, 'live', { orders: { 0: produced, 1: produced } });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const { result, snapshot } = await diagnose(m, { group: ['stuck', 'live'], samples: 4, intervalMs: 400 });
      expect(dataOf(snapshot).sampling?.times).toHaveLength(4);
      const burrow = result.findings.filter((f) => f.id === 'kafka.consumer.burrow');
      expect(burrow.map((f) => [f.node, f.observed?.value, f.severity])).toEqual([['group:stuck', 'STOPPED', 'critical']]);
      const [trend] = result.findings.filter((f) => f.id === 'kafka.consumer.trend' && f.node === 'group:stuck');
      expect(trend?.evidence).toMatchObject({ consumedPerSecond: 0, etaSeconds: null });
      expect((trend?.evidence.lagGrowthPerSecond as number)).toBeGreaterThan(0);
    } finally {
      stop = true;
      await traffic;
    }
  });
});
