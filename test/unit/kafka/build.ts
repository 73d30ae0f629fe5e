// Small builders for Kafka snapshots in unit tests, and the analyze entry point.
import { readFileSync } from 'node:fs';
import { analyzeSnapshot, type DiagnosticResult, type Finding, type Snapshot } from '../../../src/sdk/index.js';
import plugin from '../../../plugins/kafka/index.js';
import type { BrokerState, GroupPartition, GroupState, KafkaSnapshotData, PartitionState, TopicState } from '../../../plugins/kafka/snapshot.js';
import { repoRoot } from '../../support/services.js';

/** A recorded kafkajs response from test/fixtures/kafka/. */
export function recorded<T>(name: string): T {
  return (JSON.parse(readFileSync(`${repoRoot}/test/fixtures/kafka/${name}.json`, 'utf8')) as { response: T }).response;
}

const ALL_APIS = Object.fromEntries(['ListOffsets', 'Metadata', 'OffsetFetch', 'FindCoordinator', 'DescribeGroups', 'ListGroups', 'ApiVersions', 'DescribeConfigs']
  .map((a) => [a, { min: 0, max: 5 }]));

export function broker(id: number, over: Partial<BrokerState> = {}): BrokerState {
  return { id, host: '127.0.0.1', port: 9090 + id, rack: null, reachable: true, error: null, connectMs: 1, apiVersions: { ...ALL_APIS }, ...over };
}

export function partition(p: number, leader: number, replicas: number[], isr: number[] = replicas): PartitionState {
  return { partition: p, leader, replicas, isr, offlineReplicas: [], errorCode: 0 };
}

export function topic(name: string, partitions: PartitionState[], over: Partial<TopicState> = {}): TopicState {
  return { name, internal: false, errorCode: 0, partitions, minInsyncReplicas: null, ...over };
}

/** n partitions led round-robin by brokers 1..b with replication factor rf. */
export function balancedTopic(name: string, n: number, b: number, rf: number): TopicState {
  return topic(name, Array.from({ length: n }, (_, i) => {
    const replicas = Array.from({ length: rf }, (_, k) => ((i + k) % b) + 1);
    return partition(i, replicas[0]!, replicas);
  }));
}

export function gp(topicName: string, p: number, committed: number | null, hw: number | null, logStart = 0, over: Partial<GroupPartition> = {}): GroupPartition {
  return { topic: topicName, partition: p, committed, highWatermark: hw, logStart, lag: committed !== null && hw !== null ? Math.max(0, hw - committed) : null, ...over };
}

export function group(id: string, partitions: GroupPartition[], over: Partial<GroupState> = {}): GroupState {
  return { id, coordinator: 1, error: null, state: null, protocolType: null, members: null, partitions, ...over };
}

export function data(over: Partial<KafkaSnapshotData> = {}): KafkaSnapshotData {
  return {
    clusterId: 'c', controllerId: 1, bootstrap: '127.0.0.1:9091', topicFilter: [],
    brokers: [broker(1), broker(2), broker(3)],
    topics: [], configs: { status: 'ok', reason: null }, offsets: {}, groups: [], groupsSource: 'option', listGroupsErrors: [],
    describeGroups: { status: 'ok', reason: null }, sampling: null, requests: {},
    ...over,
  };
}

export function analyze(d: KafkaSnapshotData, categories = ['broker', 'topic', 'consumer'], thresholds: Record<string, { warning?: number | null; critical?: number | null }> = {}, skipped: Record<string, string> = {}): DiagnosticResult {
  const snapshot: Snapshot<KafkaSnapshotData> = {
    plugin: 'kafka-diagnostics', collectedAt: new Date(0).toISOString(), target: { type: 'kafka', name: 't', endpoints: ['127.0.0.1:9091'] },
    categories, skipped, data: d,
  };
  return analyzeSnapshot(plugin.parts, snapshot, { thresholds });
}

/** Findings with this id (exact), in order. */
export const withId = (r: DiagnosticResult, id: string): Finding[] => r.findings.filter((f) => f.id === id);
