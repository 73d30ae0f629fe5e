// Pure conversions from decoded kafkajs responses to snapshot pieces. Kept apart from the I/O so
// recorded responses (test/fixtures/kafka/) exercise exactly the code a live run uses.
import {
  API_KEYS, kafkaApiKeys, decodeMemberAssignment, errorName, type ApiVersionsMap, type DescribeConfigsResponse,
  type DescribeGroupsResponse, type ListGroupsResponse, type ListOffsetsResponse, type MetadataResponse, type OffsetFetchResponse,
} from './kafka-wire.js';
import type { GroupMember, PartitionOffsets, TopicState } from './snapshot.js';
import { compareText } from '../../src/sdk/index.js';

let nameOfKey: Map<number, string> | undefined;
/** API key -> name; built on first use (kafkajs's table is loaded only by a live run). */
function apiName(key: number): string | undefined {
  nameOfKey ??= new Map<number, string>([
    ...Object.entries(kafkaApiKeys()).map(([name, k]) => [k, name] as const),
    ...Object.entries(API_KEYS).map(([name, k]) => [k, name] as const), // ours win: FindCoordinator, not GroupCoordinator
  ]);
  return nameOfKey.get(key);
}

/** ApiVersions -> {Metadata: {min, max}, ...}; keys unknown to kafkajs keep their number. */
export function namedApiVersions(versions: ApiVersionsMap): Record<string, { min: number; max: number }> {
  const out: Record<string, { min: number; max: number }> = {};
  for (const [key, v] of Object.entries(versions)) out[apiName(Number(key)) ?? `api-${key}`] = { min: v.minVersion, max: v.maxVersion };
  return out;
}

export function topicsFromMetadata(md: MetadataResponse, include: (topic: string) => boolean): TopicState[] {
  return md.topicMetadata
    .filter((t) => include(t.topic))
    .map((t) => ({
      name: t.topic,
      internal: t.isInternal ?? t.topic.startsWith('__'),
      errorCode: t.topicErrorCode,
      minInsyncReplicas: null,
      partitions: t.partitionMetadata
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas ?? [], errorCode: p.partitionErrorCode }))
        .sort((a, b) => a.partition - b.partition),
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

/** topic -> min.insync.replicas (null when that resource returned an error or no value). */
export function minIsrFromDescribeConfigs(res: DescribeConfigsResponse): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const r of res.resources) {
    const entry = r.errorCode === 0 ? r.configEntries.find((e) => e.configName === 'min.insync.replicas') : undefined;
    const value = entry?.configValue == null ? NaN : Number(entry.configValue);
    out.set(r.resourceName, Number.isInteger(value) ? value : null);
  }
  return out;
}

const offsetOf = (p: { offset?: string; offsets?: string[] }): number | null => {
  const raw = p.offset ?? p.offsets?.[0]; // ListOffsets v0 answers an array
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
};

/** Merges the earliest (-2) and latest (-1) ListOffsets answers of one broker into topic -> partition -> offsets. */
export function offsetsFromListOffsets(
  earliest: ListOffsetsResponse,
  latest: ListOffsetsResponse,
  into: Record<string, Record<string, PartitionOffsets>>,
): void {
  const slot = (topic: string, partition: number): PartitionOffsets => {
    const t = (into[topic] ??= {});
    return (t[String(partition)] ??= { logStart: null, highWatermark: null, error: null });
  };
  for (const [res, field] of [[earliest, 'logStart'], [latest, 'highWatermark']] as const) {
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const s = slot(t.topic, p.partition);
        if (p.errorCode !== 0) s.error = errorName(p.errorCode);
        else s[field] = offsetOf(p);
      }
    }
  }
}

export interface CommittedOffsets {
  /** Top-level error (v2+), e.g. COORDINATOR_LOAD_IN_PROGRESS. */
  error: string | null;
  /** "topic\u0000partition" -> committed offset, null = never committed. */
  committed: Map<string, number | null>;
  /** Partitions that answered with an error code. */
  partitionErrors: Array<{ topic: string; partition: number; error: string }>;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export function committedFromOffsetFetch(res: OffsetFetchResponse): CommittedOffsets {
  const committed = new Map<string, number | null>();
  const partitionErrors: CommittedOffsets['partitionErrors'] = [];
  for (const t of res.responses) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) partitionErrors.push({ topic: t.topic, partition: p.partition, error: errorName(p.errorCode) });
      else committed.set(partitionKey(t.topic, p.partition), offsetOf(p));
    }
  }
  return { error: res.errorCode ? errorName(res.errorCode) : null, committed, partitionErrors };
}

/** Consumer groups from every broker's ListGroups (Connect workers and others use other protocols). */
export function groupIdsFromListGroups(responses: readonly ListGroupsResponse[]): string[] {
  const ids = new Set<string>();
  for (const r of responses) {
    for (const g of r.groups) if (g.protocolType === 'consumer' || g.protocolType === '') ids.add(g.groupId);
  }
  return [...ids].sort();
}

export interface GroupDescription {
  error: string | null;
  state: string;
  protocolType: string;
  members: GroupMember[];
}

export function groupsFromDescribeGroups(res: DescribeGroupsResponse): Map<string, GroupDescription> {
  const out = new Map<string, GroupDescription>();
  for (const g of res.groups) {
    out.set(g.groupId, {
      error: g.errorCode === 0 ? null : errorName(g.errorCode),
      state: g.state,
      protocolType: g.protocolType,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: g.protocolType === 'consumer' ? assignmentOf(m.memberAssignment) : null,
      })),
    });
  }
  return out;
}

/** Live responses carry a Buffer; recorded (JSON) ones carry {type: 'Buffer', data: [...]}. */
function assignmentOf(raw: unknown): Record<string, number[]> | null {
  const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray((raw as { data?: unknown } | null)?.data) ? Buffer.from((raw as { data: number[] }).data) : null;
  return bytes && bytes.length > 0 ? decodeMemberAssignment(bytes) : null;
}
