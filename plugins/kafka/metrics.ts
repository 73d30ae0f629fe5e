// Numbers for dashboards and `ksa diagnose --json` consumers; names are stable.
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
    'consumer_lag_total': data.groups.reduce((s, g) => s + g.partitions.reduce((a, p) => a + (p.lag ?? 0), 0), 0),
    'requests_total': Object.values(data.requests).reduce((a, b) => a + b, 0),
  };
  if (data.controllerId !== null) metrics.controller_id = data.controllerId;
  if (data.clusterId) metrics.cluster_id = data.clusterId;
  for (const g of data.groups) metrics[`consumer_lag{group="${g.id}"}`] = g.partitions.reduce((a, p) => a + (p.lag ?? 0), 0);
  return metrics;
}
