// Numbers for dashboards and `ksa diagnose --json` consumers; names are stable.
import { committedLag, messagesFromLogStart, uncommittedWithMessages } from './lag.js';
import type { KafkaSnapshotData } from './snapshot.js';

export function kafkaMetrics(data: KafkaSnapshotData): Record<string, number | string> {
  const partitions = data.topics.flatMap((t) => t.partitions);
  const reachable = new Set(data.brokers.filter((b) => b.reachable).map((b) => b.id));
  const metrics: Record<string, number | string> = {
    'brokers': data.brokers.length,
    'brokers_reachable': reachable.size,
    'topics': data.topics.length,
    'partitions': partitions.length,
    'partitions_offline': partitions.filter((p) => p.leader < 0 || !reachable.has(p.leader)).length,
    'partitions_under_replicated': partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length).length,
    'groups': data.groups.length,
    'requests_total': Object.values(data.requests).reduce((a, b) => a + b, 0),
  };
  if (data.bootstrapServers) {
    metrics.bootstrap_servers = data.bootstrapServers.length;
    metrics.bootstrap_servers_reachable = data.bootstrapServers.filter((b) => b.reachable).length;
  }
  if (data.controllerId !== null) metrics.controller_id = data.controllerId;
  if (data.clusterId) metrics.cluster_id = data.clusterId;
  // consumer_lag is left out where it is unknown (partitions never committed hold messages), never
  // 0; consumer_lag_committed is the known part, consumer_partitions_uncommitted counts the rest and
  // consumer_messages_uncommitted is what they hold from the log start (the lag with earliest).
  let total = 0;
  let unknownGroups = 0;
  for (const g of data.groups) {
    const known = committedLag(g.partitions);
    const uncommitted = uncommittedWithMessages(g);
    total += known;
    metrics[`consumer_lag_committed{group="${g.id}"}`] = known;
    metrics[`consumer_partitions_uncommitted{group="${g.id}"}`] = uncommitted.length;
    if (uncommitted.length === 0) metrics[`consumer_lag{group="${g.id}"}`] = known;
    else {
      unknownGroups++;
      metrics[`consumer_messages_uncommitted{group="${g.id}"}`] = uncommitted.reduce((s, p) => s + messagesFromLogStart(p), 0);
    }
  }
  metrics.consumer_lag_committed_total = total;
  if (unknownGroups === 0) metrics.consumer_lag_total = total;
  metrics.consumer_groups_lag_unknown = unknownGroups;
  return metrics;
}
