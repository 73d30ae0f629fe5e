// cluster: cluster_state per node, slots unassigned/failing, nodes flagged fail/pfail by any
// node's view, and masters without replicas. Findings carry the node; the report rolls up to the worst.
import { defineCheck } from '../../../src/sdk/index.js';
import type { CheckContext, Finding } from '../../../src/sdk/index.js';
import { stateRule } from '../state-rules.js';
import { skipOnce } from '../node-view.js';
import type { ClusterNodeEntry, NodeSnapshot, RedisSnapshot } from '../snapshot.js';

export const CLUSTER_SLOTS = 16384;

type ClusterNode = NodeSnapshot & { cluster: NonNullable<NodeSnapshot['cluster']> };

function clusterNodes(data: RedisSnapshot, ctx: CheckContext): ClusterNode[] {
  const nodes = data.nodes.filter((n): n is ClusterNode => n.reachable && n.cluster !== null);
  if (nodes.length > 0) return nodes;
  const disabled = data.nodes.find((n) => n.reachable && n.info.cluster_enabled === '0');
  // --mode cluster on a non-cluster node: the category does not apply (not a failed look).
  if (disabled) ctx.notApplicable(`${disabled.address} has cluster_enabled:0: not a Redis Cluster node (leave out --mode cluster)`);
  else skipOnce(ctx, 'no reachable cluster node answered CLUSTER INFO/NODES: allow +cluster|info +cluster|nodes');
  return nodes;
}

const num = (info: Record<string, string>, key: string) => Number(info[key] ?? 0);

const state = defineCheck<RedisSnapshot>({
  id: 'redis.cluster.state',
  category: 'cluster',
  run(data, ctx) {
    return clusterNodes(data, ctx).map((node) => {
      const s = node.cluster.info.cluster_state ?? 'unknown';
      if (s === 'ok') return null;
      return ctx.finding({
        id: 'redis.cluster.state', threshold: stateRule('redis.cluster.state'), severity: 'critical', node: node.address, observed: { value: s },
        evidence: { cluster_state: s, cluster_slots_ok: num(node.cluster.info, 'cluster_slots_ok'), cluster_known_nodes: num(node.cluster.info, 'cluster_known_nodes') },
        title: 'Cluster state fail',
        detail: `${node.address} reports cluster_state:${s}: it refuses queries (cluster-require-full-coverage).`,
        suggestion: 'Bring failed masters back or fail over to their replicas (CLUSTER FAILOVER on a replica); assign uncovered slots with redis-cli --cluster fix.',
      });
    });
  },
});

const slots = defineCheck<RedisSnapshot>({
  id: 'redis.cluster.slots',
  category: 'cluster',
  run(data, ctx) {
    const nodes = clusterNodes(data, ctx);
    // The most pessimistic view is the one to report; the other nodes may not have noticed yet.
    const worst = (key: string) => nodes.reduce<ClusterNode | undefined>((w, n) => (!w || num(n.cluster.info, key) > num(w.cluster.info, key) ? n : w), undefined);
    const findings: Array<Finding | null> = [];
    const leastAssigned = nodes.reduce<ClusterNode | undefined>((w, n) => (!w || num(n.cluster.info, 'cluster_slots_assigned') < num(w.cluster.info, 'cluster_slots_assigned') ? n : w), undefined);
    if (leastAssigned) {
      const assigned = num(leastAssigned.cluster.info, 'cluster_slots_assigned');
      if (assigned < CLUSTER_SLOTS) {
        findings.push(ctx.finding({
          id: 'redis.cluster.slots.unassigned', severity: 'critical', node: leastAssigned.address,
          observed: { value: CLUSTER_SLOTS - assigned, unit: 'slots' }, threshold: stateRule('redis.cluster.slots.unassigned'),
          evidence: { cluster_slots_assigned: assigned },
          title: 'Hash slots not assigned', detail: `${CLUSTER_SLOTS - assigned} of ${CLUSTER_SLOTS} slots have no master.`,
          suggestion: 'Assign them: redis-cli --cluster fix <node> (keys in those slots are unreachable until then).',
        }));
      }
    }
    for (const [key, severity, title] of [['cluster_slots_fail', 'critical', 'Slots served by failed masters'], ['cluster_slots_pfail', 'warning', 'Slots served by possibly failing masters']] as const) {
      const node = worst(key);
      const count = node ? num(node.cluster.info, key) : 0;
      if (!node || count === 0) continue;
      findings.push(ctx.finding({
        id: `redis.cluster.slots.${key === 'cluster_slots_fail' ? 'fail' : 'pfail'}`, severity, node: node.address,
        observed: { value: count, unit: 'slots' }, threshold: stateRule(key === 'cluster_slots_fail' ? 'redis.cluster.slots.fail' : 'redis.cluster.slots.pfail'),
        evidence: { [key]: count, cluster_slots_ok: num(node.cluster.info, 'cluster_slots_ok') },
        title, detail: `${node.address} sees ${count} slots on masters flagged ${key === 'cluster_slots_fail' ? 'fail' : 'pfail'}.`,
        suggestion: 'Restart the failing master, or promote its replica (CLUSTER FAILOVER FORCE on the replica) if it does not come back.',
      }));
    }
    return findings;
  },
});

const nodeFlags = defineCheck<RedisSnapshot>({
  id: 'redis.cluster.nodes',
  category: 'cluster',
  run(data, ctx) {
    const flagged = new Map<string, { entry: ClusterNodeEntry; reporters: string[]; fail: boolean }>();
    for (const node of clusterNodes(data, ctx)) {
      for (const e of node.cluster.nodes) {
        const fail = e.flags.includes('fail');
        if (!fail && !e.flags.includes('fail?')) continue;
        const cur = flagged.get(e.id) ?? { entry: e, reporters: [], fail: false };
        cur.reporters.push(node.address);
        cur.fail ||= fail;
        flagged.set(e.id, cur);
      }
    }
    return [...flagged.values()].map(({ entry, reporters, fail }) => ctx.finding({
      id: 'redis.cluster.nodes', threshold: stateRule('redis.cluster.nodes'), severity: fail ? 'critical' : 'warning', node: entry.address,
      observed: { value: fail ? 'fail' : 'pfail' },
      evidence: { nodeId: entry.id, flags: entry.flags.join(','), role: entry.masterId ? 'replica' : 'master', slots: entry.slots, reportedBy: reporters },
      title: fail ? 'Cluster node failed' : 'Cluster node possibly failing',
      detail: `${entry.address} (${entry.masterId ? 'replica' : `master with ${entry.slots} slots`}) is flagged ${fail ? 'fail by the cluster' : 'pfail (not reachable from some nodes)'}.`,
      suggestion: 'Restart the node or fix the network to it; a failed master without a replica leaves its slots down. Remove a dead node with redis-cli --cluster del-node.',
    }));
  },
});

const replicas = defineCheck<RedisSnapshot>({
  id: 'redis.cluster.replicas',
  category: 'cluster',
  run(data, ctx) {
    const view = clusterNodes(data, ctx)[0];
    if (!view) return [];
    const masters = view.cluster.nodes.filter((e) => e.flags.includes('master') && e.slots > 0);
    const alone = masters.filter((m) => !view.cluster.nodes.some((e) => e.masterId === m.id && !e.flags.includes('fail')));
    if (alone.length === 0) return [];
    return [ctx.finding({
      id: 'redis.cluster.replicas', threshold: stateRule('redis.cluster.replicas'), severity: 'info', observed: { value: alone.length, unit: 'masters' },
      evidence: { mastersWithoutReplica: alone.map((m) => ({ address: m.address, slots: m.slots })), masters: masters.length },
      title: 'Masters without a replica',
      detail: `${alone.length} of ${masters.length} masters have no working replica: if one fails, its slots are down until it returns.`,
      suggestion: 'Add a replica per master (redis-cli --cluster add-node --cluster-slave) for automatic failover.',
    })];
  },
});

export const clusterChecks = [state, slots, nodeFlags, replicas];
