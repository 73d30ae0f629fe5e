// Group discovery and group state end to end: fronts (secure-front.ts) answer ListGroups and
// DescribeGroups, which the mock lacks; coordinators, commits and offsets are the mock's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../../plugins/kafka/index.js';
import type { KafkaSnapshotData } from '../../../plugins/kafka/snapshot.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { commitOffsets, produce, startMockCluster, type MockCluster } from './mock-cluster.js';
import { startSecureFronts, type SecureFronts } from './secure-front.js';

let mock: MockCluster;
let fronts: SecureFronts;

beforeAll(async () => {
  mock = await startMockCluster(3, ['orders:2:3']);
  await produce(mock.bootstrap, 'orders', [20, 20]);
  await commitOffsets(mock.bootstrap, 'svc', { orders: { 0: 10, 1: 10 } });
  await commitOffsets(mock.bootstrap, 'batch', { orders: { 0: 20, 1: 20 } });
  fronts = await startSecureFronts(mock.bootstrap, {
    groups: [
      { id: 'svc', state: 'Stable', members: { 'svc-a': { orders: [0] }, 'svc-b': { orders: [1] } } },
      { id: 'batch', state: 'Empty', members: {} },
      { id: 'reports', state: 'PreparingRebalance', members: { 'rep-a': { orders: [0, 1] } } },
    ],
  });
});
afterAll(async () => {
  await fronts?.close();
  await mock?.stop();
});

const diagnose = (options: Record<string, unknown> = {}) =>
  runPlugin(plugin, 'kafka-diagnostics', { type: 'kafka', name: 'groups', endpoints: fronts.bootstrap, options }, { categories: ['consumer'] });

describe('kafka consumer groups discovered with ListGroups, described with DescribeGroups', () => {
  it('lists every group from every broker, one DescribeGroups per coordinator, states and members', async () => {
    const { result, snapshot } = await diagnose();
    const data = snapshot.data as unknown as KafkaSnapshotData;
    expect(data.groupsSource).toBe('list-groups');
    expect(data.groups.map((g) => [g.id, g.state, g.members?.length])).toEqual([['batch', 'Empty', 0], ['reports', 'PreparingRebalance', 1], ['svc', 'Stable', 2]]);
    expect(data.groups.find((g) => g.id === 'svc')?.members?.map((m) => m.assignment)).toEqual([{ orders: [0] }, { orders: [1] }]);
    const coordinators = new Set(data.groups.map((g) => g.coordinator));
    expect(data.requests).toMatchObject({ ListGroups: 3, FindCoordinator: 3, OffsetFetch: 3, DescribeGroups: coordinators.size });
    expect(result.categories[0]).toMatchObject({ name: 'consumer', status: 'warning' });
    expect(result.categories[0]?.skipped).toBeUndefined();
    const states = result.findings.filter((f) => f.id === 'kafka.consumer.group-state');
    expect(states.map((f) => [f.node, f.severity, f.observed?.value])).toEqual([['group:reports', 'warning', 'PreparingRebalance']]);
    // "reports" has no commits but is assigned orders: its partitions are tracked as never committed.
    expect(result.findings.filter((f) => f.id === 'kafka.consumer.never-committed').map((f) => [f.node, f.observed?.value])).toEqual([['group:reports', 2]]);
    expect(data.groups.find((g) => g.id === 'svc')?.partitions.map((p) => p.lag)).toEqual([10, 10]);
  });

  it('a group with live members whose offsets do not move while messages arrive is STALLED', async () => {
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        await produce(mock.bootstrap, 'orders', [2, 2]);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const { result } = await diagnose({ group: ['svc'], samples: 3, intervalMs: 300 });
      const [burrow] = result.findings.filter((f) => f.id === 'kafka.consumer.burrow');
      expect(burrow).toMatchObject({ node: 'group:svc', severity: 'critical', observed: { value: 'STALLED' }, evidence: { membersActive: true } });
    } finally {
      stop = true;
      await traffic;
    }
  });
});
