// Snapshot fixtures for the Redis check tests: a recorded healthy standalone snapshot, cloned and
// edited per case.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import redisPlugin from '../../../plugins/redis/index.js';
import { analyzeSnapshot } from '../../../src/sdk/index.js';
import { DiagnosticResultSchema } from '../../../src/core/schemas.js';
import type { DiagnosticResult, Snapshot, ThresholdOverride } from '../../../src/core/types.js';
import type { NodeSnapshot, RedisSnapshot, SentinelMaster, SentinelView } from '../../../plugins/redis/snapshot.js';

const recorded = readFileSync(fileURLToPath(new URL('../../fixtures/redis/standalone-healthy.json', import.meta.url)), 'utf8');
export const MB = 1024 * 1024;

export function healthySnapshot(): Snapshot<RedisSnapshot> {
  return JSON.parse(recorded) as Snapshot<RedisSnapshot>;
}

export function node0(s: Snapshot<RedisSnapshot>): NodeSnapshot {
  return s.data.nodes[0]!;
}

export function analyze(s: Snapshot<RedisSnapshot>, thresholds: Record<string, ThresholdOverride> = {}): DiagnosticResult {
  return DiagnosticResultSchema.parse(analyzeSnapshot(redisPlugin.parts, s, { thresholds }));
}

/** A Sentinel-mode snapshot: the recorded node as master, `count` Sentinels agreeing on it. */
export function sentinelSnapshot(master: Partial<SentinelMaster> = {}, count = 3): Snapshot<RedisSnapshot> {
  const s = healthySnapshot();
  s.data.mode = 'sentinel';
  s.data.masterName = 'mymaster';
  s.notApplicable = { cluster: 'Sentinel deployment' };
  const m: SentinelMaster = {
    name: 'mymaster', address: '127.0.0.1:6379', flags: ['master'], quorum: 2, numSlaves: 1, numOtherSentinels: 2,
    ckquorum: { ok: true, message: 'OK 3 usable Sentinels. Quorum and failover authorization can be reached' },
    replicas: [{ address: '127.0.0.1:6380', flags: ['slave'] }],
    sentinels: [{ address: '127.0.0.1:26380', flags: ['sentinel'] }, { address: '127.0.0.1:26381', flags: ['sentinel'] }],
    ...master,
  };
  s.data.sentinels = Array.from({ length: count }, (_, i): SentinelView => ({ address: `127.0.0.1:${26379 + i}`, reachable: true, masters: [structuredClone(m)] }));
  return s;
}

/** A cluster snapshot of three masters, each node seeing the same CLUSTER NODES. */
export function clusterSnapshot(): Snapshot<RedisSnapshot> {
  const s = healthySnapshot();
  s.data.mode = 'cluster';
  s.notApplicable = { sentinel: 'not a Sentinel deployment' };
  const ids = ['a1', 'b2', 'c3'];
  const ranges = [5461, 5462, 5461];
  const entries = ids.map((id, i) => ({ id, address: `127.0.0.1:${7000 + i}`, flags: ['master'], masterId: null, linkState: 'connected', slots: ranges[i]! }));
  s.data.nodes = ids.map((id, i) => {
    const n = structuredClone(node0(healthySnapshot()));
    n.address = `127.0.0.1:${7000 + i}`;
    n.info.cluster_enabled = '1';
    n.cluster = {
      info: { cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_slots_ok: '16384', cluster_slots_pfail: '0', cluster_slots_fail: '0', cluster_known_nodes: '3' },
      nodes: entries.map((e) => ({ ...e, flags: e.id === id ? ['myself', 'master'] : ['master'] })),
    };
    return n;
  });
  return s;
}

export const ids = (r: DiagnosticResult) => r.findings.map((f) => `${f.id}:${f.severity}`);
