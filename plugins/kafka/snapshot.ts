// The Kafka snapshot: plain JSON gathered by collect.ts, read by the pure checks.

export interface BrokerState {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  /** A TCP connection + ApiVersions (+ SASL) succeeded from here. */
  reachable: boolean;
  /** Why it is not reachable (driver message, secrets redacted). */
  error: string | null;
  connectMs: number | null;
  /** API name -> supported version range; null when unreachable. */
  apiVersions: Record<string, { min: number; max: number }> | null;
}

/** A bootstrap server as the user gave it (host:port) and whether it accepted a connection. */
export interface BootstrapServerState {
  address: string;
  reachable: boolean;
  /** Why not (ksa error code and message, secrets redacted). */
  error: string | null;
}

export interface PartitionState {
  partition: number;
  /** -1 = no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** Kafka error code from Metadata (0 = none; 5 = LEADER_NOT_AVAILABLE ...). */
  errorCode: number;
}

export interface TopicState {
  name: string;
  internal: boolean;
  errorCode: number;
  partitions: PartitionState[];
  /** From DescribeConfigs; null when it could not be read. */
  minInsyncReplicas: number | null;
}

export interface PartitionOffsets {
  logStart: number | null;
  highWatermark: number | null;
  /** Why the offsets are missing (leader unreachable, error code). */
  error: string | null;
}

export interface GroupPartition {
  topic: string;
  partition: number;
  /** null = the group never committed this partition. */
  committed: number | null;
  logStart: number | null;
  highWatermark: number | null;
  /** highWatermark - committed; null when either is unknown, and for a partition never committed (never 0 for it). */
  lag: number | null;
  /** One value per sample (oldest first) when sampling; the last equals `committed`. */
  committedWindow?: Array<number | null>;
  highWatermarkWindow?: Array<number | null>;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** topic -> partitions assigned (consumer protocol only). */
  assignment: Record<string, number[]> | null;
}

export interface GroupState {
  id: string;
  coordinator: number | null;
  /** Why the group could not be read (coordinator not found/unreachable, error code). */
  error: string | null;
  /** From DescribeGroups; null when not supported or not read. */
  state: string | null;
  protocolType: string | null;
  members: GroupMember[] | null;
  /** Partitions of the topics the group has committed offsets for (plus assigned ones). */
  partitions: GroupPartition[];
}

export type Support = 'ok' | 'unsupported' | 'error';

export interface KafkaSnapshotData {
  clusterId: string | null;
  controllerId: number | null;
  /** The bootstrap endpoint that answered Metadata. */
  bootstrap: string;
  /** Every bootstrap server given, reachable or not (absent in snapshots from before it was recorded). */
  bootstrapServers?: BootstrapServerState[];
  /** --topic globs (empty = all topics). */
  topicFilter: string[];
  brokers: BrokerState[];
  topics: TopicState[];
  /** min.insync.replicas source: DescribeConfigs result, with the reason when not ok. */
  configs: { status: Support; reason: string | null };
  /** topic -> partition -> offsets (consumer category only). */
  offsets: Record<string, Record<string, PartitionOffsets>>;
  groups: GroupState[];
  groupsSource: 'option' | 'list-groups';
  /** Brokers whose ListGroups failed: the groups they coordinate are missing. */
  listGroupsErrors: string[];
  describeGroups: { status: Support; reason: string | null };
  /** Burrow sampling: sample times (ms since epoch) and the requested count. */
  sampling: { requested: number; intervalMs: number; times: number[] } | null;
  /** Kafka API name -> requests sent during collect. */
  requests: Record<string, number>;
}
