// topic: partitions without a reachable leader, ISR shrink, under min.insync.replicas, replication
// factor, partition count and leadership balance. One finding per topic (node `topic:<name>`) for
// per-topic problems; cluster-wide balance findings have no node.
import { defineCheck, defineStateRule, defineThreshold, roundToHundredths, type CheckContext, type Finding } from '../../../src/sdk/index.js';
import { errorName } from '../error-names.js';
import type { KafkaSnapshotData, PartitionState, TopicState } from '../snapshot.js';

const EVIDENCE_LIMIT = 50;

export const OFFLINE = defineThreshold({
  id: 'kafka.topic.offline-partitions', warning: null, critical: 0, direction: 'above', unit: 'partitions',
  source: 'kafka-topics.sh --describe --unavailable-partitions: a partition without a leader can be neither written nor read (critical); unclean election is the data-losing way out https://kafka.apache.org/documentation/#topicconfigs_unclean.leader.election.enable',
});
export const UNDER_REPLICATED = defineThreshold({
  id: 'kafka.topic.under-replicated', warning: 0, critical: null, direction: 'above', unit: 'partitions',
  source: 'kafka-topics.sh --describe --under-replicated-partitions (ISR < replicas) https://kafka.apache.org/documentation/#brokerconfigs_replica.lag.time.max.ms',
});
/** min.insync.replicas above the replication factor: no write with acks=all can ever succeed. */
const UNSATISFIABLE = defineStateRule({ id: 'kafka.topic.under-min-isr.unsatisfiable', source: 'Kafka docs, min.insync.replicas: acks=all producers get NotEnoughReplicas when it exceeds the replicas of a partition (critical) https://kafka.apache.org/documentation/#topicconfigs_min.insync.replicas' });

export const UNDER_MIN_ISR = defineThreshold({
  id: 'kafka.topic.under-min-isr', warning: null, critical: 0, direction: 'above', unit: 'partitions',
  source: 'kafka-topics.sh --describe --under-min-isr-partitions; Prometheus alert rules: under min.insync.replicas is critical https://kafka.apache.org/documentation/#topicconfigs_min.insync.replicas',
});
export const RF_ONE = defineThreshold({
  id: 'kafka.topic.replication-factor-one', warning: 2, critical: null, direction: 'below', unit: 'replicas',
  source: 'Kafka docs (replication): a replication factor of 1 loses the partition with its broker; 3 is the recommended default https://kafka.apache.org/documentation/#replication',
});
export const RF_EXCEEDS = defineThreshold({
  id: 'kafka.topic.replication-factor-exceeds-brokers', warning: null, critical: 0, direction: 'above', unit: 'replicas',
  source: 'Kafka: a replica needs a distinct broker; replication.factor > brokers can never be fully in sync https://kafka.apache.org/documentation/#brokerconfigs_default.replication.factor',
});
export const PARTITIONS_PER_BROKER = defineThreshold({
  id: 'kafka.topic.partition-count', warning: 1, critical: null, direction: 'below', unit: 'partitions/broker',
  source: 'Kafka docs (partitions are the unit of parallelism): fewer partitions than brokers leaves brokers idle for the topic https://kafka.apache.org/documentation/#brokerconfigs_num.partitions',
});
export const LEADER_SKEW = defineThreshold({
  id: 'kafka.topic.leader-skew', warning: 10, critical: null, direction: 'above', unit: '% above mean',
  source: 'Cruise Control leader.replica.count.balance.threshold = 1.10 (leaders per broker <= 110% of the mean) https://github.com/linkedin/cruise-control/wiki/Configurations',
});
export const PREFERRED_LEADER = defineThreshold({
  id: 'kafka.topic.preferred-leader', warning: 10, critical: null, direction: 'above', unit: '%',
  source: 'Kafka broker config leader.imbalance.per.broker.percentage = 10 (auto preferred-leader election trigger) https://kafka.apache.org/documentation/#brokerconfigs_leader.imbalance.per.broker.percentage',
});

/** Why a partition has no usable leader, or null when it has one. */
export function offlineReason(p: PartitionState, reachable: ReadonlySet<number>, known: ReadonlySet<number>): string | null {
  if (p.leader < 0) return 'no leader';
  if (!known.has(p.leader)) return `leader ${p.leader} is not an advertised broker`;
  if (!reachable.has(p.leader)) return `leader broker ${p.leader} unreachable`;
  return null;
}

const topicFinding = (ctx: CheckContext, spec: Parameters<CheckContext['judge']>[0], t: TopicState, value: number, draft: { title: string; detail: string; suggestion: string; evidence: Record<string, unknown> }) =>
  ctx.judge(spec, value, { ...draft, node: `topic:${t.name}`, evidence: { topic: t.name, ...draft.evidence } });

const offline = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.offline-partitions',
  category: 'topic',
  run(data, ctx) {
    const unreadable = data.topics.filter((t) => t.errorCode !== 0);
    if (unreadable.length > 0) {
      ctx.skip(`Metadata returned errors for ${unreadable.slice(0, 10).map((t) => `${t.name} (${errorName(t.errorCode)})`).join(', ')}: not checked (TOPIC_AUTHORIZATION_FAILED: grant the diagnosis user DESCRIBE on these topics)`);
    }
    const reachable = new Set(data.brokers.filter((b) => b.reachable).map((b) => b.id));
    const known = new Set(data.brokers.map((b) => b.id));
    return data.topics.map((t) => {
      const bad = t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, reason: offlineReason(p, reachable, known) })).filter((p) => p.reason !== null);
      return topicFinding(ctx, OFFLINE, t, bad.length, {
        title: `${bad.length} of ${t.partitions.length} partitions of ${t.name} have no reachable leader`,
        detail: `Producers and consumers of these partitions fail: ${[...new Set(bad.map((b) => b.reason))].join('; ')}.`,
        suggestion: 'Bring the leader brokers back or let the controller elect new leaders (kafka-leader-election.sh --election-type preferred|unclean); check unclean.leader.election.enable only as a last resort.',
        evidence: { partitions: bad.slice(0, EVIDENCE_LIMIT) },
      });
    });
  },
});

const underReplicated = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.under-replicated',
  category: 'topic',
  run(data, ctx) {
    return data.topics.map((t) => {
      // As kafka-topics.sh: a partition without a leader is unavailable, not under-replicated.
      const bad = t.partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length);
      return topicFinding(ctx, UNDER_REPLICATED, t, bad.length, {
        title: `${bad.length} partitions of ${t.name} are under-replicated`,
        detail: 'Their in-sync replica set (ISR) is smaller than the replica set: a follower is down or lagging, so one more failure may lose data or availability.',
        suggestion: 'Find the missing replicas (evidence), check those brokers are up and not overloaded (replica.lag.time.max.ms, disk, network).',
        evidence: { partitions: bad.slice(0, EVIDENCE_LIMIT).map((p) => ({ partition: p.partition, replicas: p.replicas, isr: p.isr, outOfSync: p.replicas.filter((r) => !p.isr.includes(r)) })) },
      });
    });
  },
});

const underMinIsr = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.under-min-isr',
  category: 'topic',
  run(data, ctx) {
    if (data.configs.status !== 'ok') {
      if (data.topics.length > 0) ctx.skip(data.configs.reason ?? 'min.insync.replicas unknown');
      return null;
    }
    const out: Array<Finding | null> = [];
    for (const t of data.topics) {
      const minIsr = t.minInsyncReplicas;
      if (minIsr === null) continue;
      const rf = Math.max(0, ...t.partitions.map((p) => p.replicas.length));
      if (minIsr > rf && rf > 0) {
        out.push(ctx.finding({
          id: 'kafka.topic.under-min-isr.unsatisfiable', severity: 'critical', observed: { value: minIsr, unit: 'replicas' }, threshold: UNSATISFIABLE,
          title: `${t.name}: min.insync.replicas ${minIsr} is above its replication factor ${rf}`,
          detail: 'Producers with acks=all can never write to this topic.',
          suggestion: `Lower min.insync.replicas to at most ${Math.max(1, rf - 1)} (kafka-configs.sh --alter --entity-type topics --entity-name ${t.name} --add-config min.insync.replicas=N) or raise the replication factor.`,
          evidence: { topic: t.name, minInsyncReplicas: minIsr, replicationFactor: rf },
          node: `topic:${t.name}`,
        }));
        continue;
      }
      const bad = t.partitions.filter((p) => p.leader >= 0 && p.isr.length < minIsr);
      out.push(topicFinding(ctx, UNDER_MIN_ISR, t, bad.length, {
        title: `${bad.length} partitions of ${t.name} are below min.insync.replicas (${minIsr})`,
        detail: 'Producers using acks=all get NotEnoughReplicas errors on these partitions: writes are unavailable.',
        suggestion: 'Restore the out-of-sync replicas (see evidence) so the ISR reaches min.insync.replicas again.',
        evidence: { minInsyncReplicas: minIsr, partitions: bad.slice(0, EVIDENCE_LIMIT).map((p) => ({ partition: p.partition, isr: p.isr, replicas: p.replicas })) },
      }));
    }
    return out;
  },
});

const rfOne = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.replication-factor-one',
  category: 'topic',
  run(data, ctx) {
    return data.topics.filter((t) => !t.internal && t.partitions.length > 0).map((t) => {
      const rf = Math.min(...t.partitions.map((p) => p.replicas.length));
      return topicFinding(ctx, RF_ONE, t, rf, {
        title: `${t.name} has replication factor 1`,
        detail: `Every partition of ${t.name} lives on one broker only${data.brokers.length === 1 ? ' (the cluster has a single broker)' : ''}: losing that broker loses the data.`,
        suggestion: `Raise the replication factor to 3 with kafka-reassign-partitions.sh (a reassignment JSON listing 3 replicas per partition of ${t.name}).`,
        evidence: { replicationFactor: rf, partitions: t.partitions.length, brokers: data.brokers.length },
      });
    });
  },
});

const rfExceeds = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.replication-factor-exceeds-brokers',
  category: 'topic',
  run(data, ctx) {
    return data.topics.map((t) => {
      const rf = Math.max(0, ...t.partitions.map((p) => p.replicas.length));
      return topicFinding(ctx, RF_EXCEEDS, t, rf - data.brokers.length, {
        title: `${t.name} has replication factor ${rf} but the cluster has ${data.brokers.length} brokers`,
        detail: 'Some replicas are assigned to brokers that do not exist, so these partitions are permanently under-replicated.',
        suggestion: `Add brokers or reassign ${t.name} to at most ${data.brokers.length} replicas (kafka-reassign-partitions.sh).`,
        evidence: { replicationFactor: rf, brokers: data.brokers.map((b) => b.id) },
      });
    });
  },
});

const partitionCount = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.partition-count',
  category: 'topic',
  run(data, ctx) {
    if (data.brokers.length < 2) return null;
    return data.topics.filter((t) => !t.internal).map((t) => {
      const f = topicFinding(ctx, PARTITIONS_PER_BROKER, t, t.partitions.length / data.brokers.length, {
        title: `${t.name} has ${t.partitions.length} partitions for ${data.brokers.length} brokers`,
        detail: 'Fewer partitions than brokers: the topic cannot spread its load (leaders) over every broker, and consumer parallelism is capped at the partition count.',
        suggestion: `Consider kafka-topics.sh --alter --topic ${t.name} --partitions ${data.brokers.length} (keyed topics change their key-to-partition mapping).`,
        evidence: { partitions: t.partitions.length, brokers: data.brokers.length },
      });
      return f && { ...f, severity: 'info' as const }; // advice: a small topic may be fine as it is
    });
  },
});

const leaderSkew = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.leader-skew',
  category: 'topic',
  run(data, ctx) {
    const leaders = new Map<number, number>(data.brokers.filter((b) => b.reachable).map((b) => [b.id, 0]));
    for (const t of data.topics) for (const p of t.partitions) if (leaders.has(p.leader)) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    const counts = [...leaders.values()];
    const total = counts.reduce((a, b) => a + b, 0);
    if (leaders.size < 2 || total === 0) return null;
    const mean = total / leaders.size;
    const max = Math.max(...counts);
    // Integer slack: 7 leaders on 3 brokers cannot split evenly, so allow up to ceil(mean * 1.10).
    if (max <= Math.ceil(mean * (1 + ctx.threshold(LEADER_SKEW).warning! / 100))) return null;
    const busiest = [...leaders].filter(([, n]) => n === max).map(([id]) => id);
    return ctx.judge(LEADER_SKEW, (max / mean - 1) * 100, {
      title: `Partition leadership is skewed: broker ${busiest.join(', ')} leads ${max} of ${total} partitions`,
      detail: `The mean is ${Math.round(mean * 10) / 10} leaders per reachable broker; the busiest broker serves a disproportionate share of produce and fetch traffic.`,
      suggestion: 'Run a preferred leader election (kafka-leader-election.sh --election-type preferred --all-topic-partitions) and, if replicas themselves are unbalanced, a reassignment (Cruise Control or kafka-reassign-partitions.sh).',
      evidence: { leadersPerBroker: Object.fromEntries(leaders), mean: roundToHundredths(mean) },
    });
  },
});

const preferredLeader = defineCheck<KafkaSnapshotData>({
  id: 'kafka.topic.preferred-leader',
  category: 'topic',
  run(data, ctx) {
    // Per broker, as Kafka's controller computes it: partitions whose preferred (first) replica is
    // that broker but which another broker leads.
    const preferred = new Map<number, { total: number; elsewhere: number }>();
    for (const t of data.topics) {
      for (const p of t.partitions) {
        const first = p.replicas[0];
        if (first === undefined || p.leader < 0) continue;
        const s = preferred.get(first) ?? { total: 0, elsewhere: 0 };
        s.total++;
        if (p.leader !== first) s.elsewhere++;
        preferred.set(first, s);
      }
    }
    return [...preferred].sort(([a], [b]) => a - b).map(([broker, s]) => ctx.judge(PREFERRED_LEADER, (s.elsewhere / s.total) * 100, {
      title: `Broker ${broker} leads only ${s.total - s.elsewhere} of the ${s.total} partitions it is preferred leader for`,
      detail: `${s.elsewhere} partitions are led by a non-preferred replica, so leadership no longer matches the balanced assignment.`,
      suggestion: 'Run kafka-leader-election.sh --election-type preferred --all-topic-partitions (or enable auto.leader.rebalance.enable).',
      evidence: { brokerId: broker, preferredPartitions: s.total, ledElsewhere: s.elsewhere },
      node: `broker:${broker}`,
    }));
  },
});

export const topicChecks = [offline, underReplicated, underMinIsr, rfOne, rfExceeds, partitionCount, leaderSkew, preferredLeader];
