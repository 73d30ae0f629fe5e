// consumer: per group lag (totals per group and topic, per partition in evidence), committed
// offsets lost to retention, partitions never committed, group state, and Burrow's verdict with the
// lag trend when offsets were sampled. One finding per group (node `group:<id>`).
import { defineCheck, defineStateRule, defineThreshold, type Finding, type Severity } from '../../../src/sdk/index.js';
import { BURROW_RANK, evaluatePartition, groupTrend, type BurrowStatus, type PartitionWindow } from '../burrow.js';
import { messagesFromLogStart, uncommittedWithMessages } from '../lag.js';
import type { GroupPartition, GroupState, KafkaSnapshotData } from '../snapshot.js';

const EVIDENCE_LIMIT = 50;

export const GROUP_LAG = defineThreshold({
  id: 'kafka.consumer.lag', warning: 10_000, critical: null, direction: 'above', unit: 'messages',
  source: 'awesome-prometheus-alerts kafka: consumer group lag sum > 10,000 is a warning https://samber.github.io/awesome-prometheus-alerts/rules/message-brokers/kafka/#rule-3-3-1-2',
});
export const OUT_OF_RANGE = defineThreshold({
  id: 'kafka.consumer.offset-out-of-range', warning: null, critical: 0, direction: 'above', unit: 'partitions',
  source: 'committed offset below the log-start offset = messages deleted by retention before they were consumed https://kafka.apache.org/documentation/#topicconfigs_retention.ms',
});
export const NEVER_COMMITTED = defineThreshold({
  id: 'kafka.consumer.never-committed', warning: 0, critical: null, direction: 'above', unit: 'partitions',
  source: 'kafka-consumer-groups.sh --describe shows CURRENT-OFFSET "-": the consumer falls back to auto.offset.reset https://kafka.apache.org/documentation/#consumerconfigs_auto.offset.reset',
});

const BURROW_SEVERITY: Record<BurrowStatus, Severity | null> = { OK: null, WARN: 'warning', REWIND: 'critical', STALLED: 'critical', STOPPED: 'critical' };
const BURROW_RULE = defineStateRule({ id: 'kafka.consumer.burrow', source: 'Burrow consumer evaluation rules (linkedin/Burrow evaluator): group status = worst partition status https://github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules' });

/** Group states from DescribeGroups; null = healthy. Empty is judged with its lag. */
const STATE_SEVERITY: Record<string, Severity | null> = {
  Stable: null, Empty: null, PreparingRebalance: 'warning', CompletingRebalance: 'warning', Dead: 'critical',
};

const node = (g: GroupState) => `group:${g.id}`;
const totalLag = (ps: readonly GroupPartition[]) => ps.reduce((s, p) => s + (p.lag ?? 0), 0);

const groupError = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.group-error',
  category: 'consumer',
  run(data, ctx) {
    if (data.listGroupsErrors.length > 0) {
      ctx.skip(`ListGroups failed on ${data.listGroupsErrors.join('; ')}: groups coordinated there are not checked (pass --group to name them)`);
    }
    return data.groups.filter((g) => g.error !== null).map((g) => {
      const coordinatorDown = /unreachable|FindCoordinator|COORDINATOR_NOT_AVAILABLE|NOT_COORDINATOR/.test(g.error ?? '');
      return ctx.finding({
        id: 'kafka.consumer.group-error', severity: coordinatorDown ? 'critical' : 'warning', observed: { value: g.error },
        title: `Consumer group ${g.id} could not be read`,
        detail: `${g.error}. ${coordinatorDown ? 'Its members cannot commit offsets or rebalance while the coordinator is unavailable.' : 'Lag for this group is unknown.'}`,
        suggestion: coordinatorDown
          ? `Check the coordinator broker${g.coordinator === null ? '' : ` ${g.coordinator}`} and the __consumer_offsets partitions it leads.`
          : 'Retry; if it persists, check the coordinator broker logs.',
        evidence: { group: g.id, coordinator: g.coordinator, error: g.error },
        node: node(g),
      });
    });
  },
});

const lag = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.lag',
  category: 'consumer',
  run(data, ctx) {
    return data.groups.filter((g) => g.error === null).map((g) => {
      const total = totalLag(g.partitions);
      const byTopic: Record<string, number> = {};
      for (const p of g.partitions) if (p.lag !== null) byTopic[p.topic] = (byTopic[p.topic] ?? 0) + p.lag;
      const unknown = g.partitions.filter((p) => p.committed !== null && p.lag === null);
      // Never-committed partitions holding messages: their lag is unknown (kafka.consumer.never-committed
      // reports them), so the sum is a lower bound and a sum of 0 is no reading at all, never "0 behind".
      const uncommitted = uncommittedWithMessages(g);
      if (uncommitted.length > 0 && total === 0) return null;
      const known = g.partitions.length - unknown.length - uncommitted.length;
      return ctx.judge(GROUP_LAG, total, {
        title: uncommitted.length > 0 ? `Consumer group ${g.id} is at least ${total} messages behind (${uncommitted.length} partitions never committed: lag unknown)` : `Consumer group ${g.id} is ${total} messages behind`,
        detail: `Lag summed over ${known} partitions of ${Object.keys(byTopic).length} topics${unknown.length ? `; ${unknown.length} partitions have unknown lag (leader unavailable)` : ''}${uncommitted.length ? `; ${uncommitted.length} partitions were never committed, so their lag is unknown (not counted)` : ''}.`,
        suggestion: 'Scale the consumers (up to one per partition), speed up processing, or check for a stuck consumer (run with --samples 5 --interval 10s for a trend).',
        evidence: {
          group: g.id, totalLag: total, lagIsLowerBound: uncommitted.length > 0 || unknown.length > 0, partitionsUncommitted: uncommitted.length, lagByTopic: byTopic,
          partitions: [...g.partitions].sort((a, b) => (b.lag ?? -1) - (a.lag ?? -1)).slice(0, EVIDENCE_LIMIT)
            .map((p) => ({ topic: p.topic, partition: p.partition, committed: p.committed, highWatermark: p.highWatermark, logStart: p.logStart, lag: p.lag })),
        },
        node: node(g),
      });
    });
  },
});

const outOfRange = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.offset-out-of-range',
  category: 'consumer',
  run(data, ctx) {
    return data.groups.map((g) => {
      const lost = g.partitions.filter((p) => p.committed !== null && p.logStart !== null && p.committed < p.logStart);
      const messages = lost.reduce((s, p) => s + ((p.logStart ?? 0) - (p.committed ?? 0)), 0);
      return ctx.judge(OUT_OF_RANGE, lost.length, {
        title: `Consumer group ${g.id} committed offsets below the log start on ${lost.length} partitions`,
        detail: `At least ${messages} messages were deleted by retention before this group consumed them; on restart it resets per auto.offset.reset.`,
        suggestion: 'Raise retention.ms / retention.bytes on these topics or make the consumer faster; decide whether the lost range must be replayed from a source of truth.',
        evidence: { group: g.id, messagesLost: messages, partitions: lost.slice(0, EVIDENCE_LIMIT).map((p) => ({ topic: p.topic, partition: p.partition, committed: p.committed, logStart: p.logStart })) },
        node: node(g),
      });
    });
  },
});

const neverCommitted = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.never-committed',
  category: 'consumer',
  run(data, ctx) {
    return data.groups.map((g) => {
      // Only partitions that hold messages: an empty partition has nothing to commit yet.
      const gaps = uncommittedWithMessages(g);
      const fromLogStart = gaps.reduce((s, p) => s + messagesFromLogStart(p), 0);
      return ctx.judge(NEVER_COMMITTED, gaps.length, {
        title: `Consumer group ${g.id} never committed ${gaps.length} partitions of its topics (lag unknown)`,
        detail: `These partitions hold messages but have no committed offset: no member consumes them, or their consumer never commits. Their lag is unknown, not 0: a consumer starts per auto.offset.reset, from the log start (${fromLogStart} messages) with earliest, or skipping them with latest.`,
        suggestion: 'Check the group assignment (kafka-consumer-groups.sh --describe --group) and that every partition is assigned and committing.',
        evidence: {
          group: g.id, lag: 'unknown', messagesFromLogStart: fromLogStart,
          partitions: gaps.slice(0, EVIDENCE_LIMIT).map((p) => ({ topic: p.topic, partition: p.partition, committed: null, lag: null, highWatermark: p.highWatermark, logStart: p.logStart, messagesFromLogStart: messagesFromLogStart(p) })),
        },
        node: node(g),
      });
    });
  },
});

const groupStateCheck = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.group-state',
  category: 'consumer',
  run(data, ctx) {
    if (data.describeGroups.status !== 'ok') {
      if (data.groups.length > 0) ctx.skip(data.describeGroups.reason ?? 'DescribeGroups unavailable');
      return null;
    }
    const out: Finding[] = [];
    for (const g of data.groups.filter((x) => x.state !== null)) {
      const state = g.state ?? '';
      const members = g.members?.length ?? 0;
      const lagging = totalLag(g.partitions);
      const known = Object.hasOwn(STATE_SEVERITY, state) ? STATE_SEVERITY[state] ?? null : 'warning'; // an unknown state is worth a look
      const severity = state === 'Empty' ? (lagging > 0 ? 'warning' : null) : known;
      if (severity === null) continue;
      out.push(ctx.finding({
        id: 'kafka.consumer.group-state', severity, observed: { value: state },
        title: state === 'Empty' ? `Consumer group ${g.id} has no members but ${lagging} messages of lag` : `Consumer group ${g.id} is ${state}`,
        detail: state === 'Empty'
          ? 'No consumer is running for this group, so its lag only grows.'
          : state === 'Dead' ? 'The group has no members and its metadata is being removed.' : `The group is rebalancing (${members} members); consumption pauses until it is Stable. Persistent rebalancing points at members exceeding max.poll.interval.ms or session.timeout.ms.`,
        suggestion: state === 'Empty' ? 'Start the consumers of this group, or delete the group if it is retired (kafka-consumer-groups.sh --delete).' : 'Check consumer logs for rebalance loops (max.poll.interval.ms, session.timeout.ms, slow processing).',
        evidence: { group: g.id, state, protocolType: g.protocolType, members: (g.members ?? []).map((m) => ({ clientId: m.clientId, host: m.clientHost, assignment: m.assignment })) },
        node: node(g),
      }));
    }
    return out;
  },
});

const windowsOf = (data: KafkaSnapshotData, g: GroupState): Array<{ p: GroupPartition; w: PartitionWindow }> =>
  g.partitions.filter((p) => p.committedWindow && p.highWatermarkWindow)
    .map((p) => ({ p, w: { times: data.sampling?.times ?? [], committed: p.committedWindow ?? [], highWatermark: p.highWatermarkWindow ?? [] } }));

const burrow = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.burrow',
  category: 'consumer',
  run(data, ctx) {
    const s = data.sampling;
    if (s === null) return null;
    if (s.times.length < 2) {
      ctx.skip(`Burrow evaluation needs at least 2 samples; ${s.times.length} of ${s.requested} fit before the deadline: raise --timeout above --samples x --interval`);
      return null;
    }
    const out: Finding[] = [];
    for (const g of data.groups.filter((x) => x.error === null)) {
      const active = g.members === null ? null : g.members.length > 0;
      const verdicts = windowsOf(data, g).map(({ p, w }) => ({ p, v: evaluatePartition(w, active) })).filter((x) => x.v !== null);
      if (verdicts.length === 0) continue;
      const worst = verdicts.reduce((a, b) => (BURROW_RANK[b.v!.status] > BURROW_RANK[a.v!.status] ? b : a));
      const status = worst.v!.status;
      const severity = BURROW_SEVERITY[status];
      if (severity === null) continue;
      const bad = verdicts.filter((x) => x.v!.status !== 'OK');
      out.push(ctx.finding({
        id: 'kafka.consumer.burrow', severity, observed: { value: status },
        threshold: BURROW_RULE,
        title: `Consumer group ${g.id} is ${status} (Burrow, ${s.times.length} samples)`,
        detail: `${bad.length} of ${verdicts.length} partitions are not OK; worst: ${worst.p.topic}[${worst.p.partition}] ${worst.v!.rule}.`,
        suggestion: status === 'STOPPED' || status === 'STALLED'
          ? 'The consumer is not making progress: check that its processes run, are not blocked on a poison message, and commit offsets.'
          : status === 'REWIND' ? 'Something reset this group\'s offsets backwards (a manual reset or a consumer seeking): confirm it was intended.' : 'The consumer falls behind producers: add consumers or speed up processing.',
        evidence: {
          group: g.id, membersActive: active, sampleTimes: s.times,
          partitions: bad.slice(0, EVIDENCE_LIMIT).map((x) => ({ topic: x.p.topic, partition: x.p.partition, status: x.v!.status, rule: x.v!.rule, committed: x.p.committedWindow, lag: x.v!.lags })),
        },
        node: node(g),
      }));
    }
    return out;
  },
});

const trend = defineCheck<KafkaSnapshotData>({
  id: 'kafka.consumer.trend',
  category: 'consumer',
  run(data, ctx) {
    if (data.sampling === null || data.sampling.times.length < 2) return null;
    return data.groups.filter((g) => g.error === null).map((g) => {
      const t = groupTrend(windowsOf(data, g).map((x) => x.w));
      if (!t) return null;
      const eta = t.etaSeconds === null ? 'not catching up at the current rates' : `catches up in ~${Math.round(t.etaSeconds)} s`;
      return ctx.finding({
        id: 'kafka.consumer.trend', severity: 'info', observed: { value: t.lagGrowthPerSecond, unit: 'messages/s' },
        title: `Consumer group ${g.id}: lag ${t.lagGrowthPerSecond >= 0 ? '+' : ''}${t.lagGrowthPerSecond}/s, ${eta}`,
        detail: `Over ${t.windowSeconds} s (${data.sampling!.times.length} of ${data.sampling!.requested} samples${data.sampling!.times.length < data.sampling!.requested ? '; the rest did not fit in --timeout' : ''}) lag went ${t.lagFirst} -> ${t.lagLast}; consumed ${t.consumedPerSecond}/s, produced ${t.producedPerSecond}/s.`,
        suggestion: t.etaSeconds === null && t.lagLast > 0 ? 'Consumption is slower than production: add consumers or speed up processing.' : 'No action needed for the trend itself.',
        evidence: { group: g.id, ...t, samplesTaken: data.sampling!.times.length, samplesRequested: data.sampling!.requested },
        node: node(g),
      });
    });
  },
});

export const consumerChecks = [groupError, lag, outOfRange, neverCommitted, groupStateCheck, burrow, trend];
