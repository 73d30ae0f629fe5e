// The plain-JSON snapshot `collect` gathers and the checks read. Raw server answers are parsed
// into these shapes at collect time, so checks never see driver objects.

export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

/**
 * The name of ksa's connections (CLIENT SETNAME, as redis_exporter does): it touches no data and
 * lives only as long as the connection, and it lets the slow-log check leave out entries that
 * ksa's own earlier or concurrent runs caused, which would otherwise fail a CI gate by themselves.
 */
export const KSA_CLIENT_NAME = 'ksa';

/** One SLOWLOG GET entry; the command is redacted to its name (and subcommand) plus `?` per argument. */
export interface SlowlogEntry {
  id: number;
  /** Unix seconds when the command ran. */
  timestamp: number;
  durationUs: number;
  command: string;
  clientAddr: string;
  clientName: string;
}

/** The CLIENT LIST fields the checks use (no `user`, no arguments). */
export interface ClientEntry {
  /** Source IP without the port. */
  host: string;
  name: string;
  idleSec: number;
  ageSec: number;
  flags: string;
  /** Output buffer memory, bytes. */
  omem: number;
  /** Total memory of the client (buffers included), bytes. */
  totMem: number;
  cmd: string;
}

/** LATENCY LATEST: one line per event the latency monitor recorded. */
export interface LatencyEvent {
  event: string;
  timestamp: number;
  latestMs: number;
  maxMs: number;
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeEntry {
  id: string;
  /** host:port of the client port. */
  address: string;
  flags: string[];
  masterId: string | null;
  linkState: string;
  /** Number of hash slots this node serves. */
  slots: number;
}

export interface ClusterView {
  info: Record<string, string>;
  nodes: ClusterNodeEntry[];
}

/** Whether `default` (the user every unauthenticated client gets) may run a dangerous command. */
export type CommandExposure = 'allowed' | 'denied' | 'renamed';

export interface SecurityView {
  /** A password was sent with AUTH. */
  authUsed: boolean;
  /** A password was sent but the server answered that none is configured. */
  passwordUnneeded: boolean;
  /** Flags of ACL user `default` (`on`, `nopass`, ...); null when ACL GETUSER is refused or unsupported. */
  defaultUserFlags: string[] | null;
  /** Dangerous command -> exposure for user `default`; null when not determinable. */
  dangerousCommands: Record<string, CommandExposure> | null;
}

/** Everything gathered from one data node in its single pipelined round trip. */
export interface NodeSnapshot {
  /** host:port as connected to. */
  address: string;
  reachable: boolean;
  /** Why the node could not be read (redacted), when unreachable. */
  error?: string;
  /** INFO all, flattened: `used_memory` -> `"1163752"`. Empty when unreachable. */
  info: Record<string, string>;
  /** CONFIG GET of the keys the checks need; null when CONFIG GET is refused. */
  config: Record<string, string> | null;
  slowlog: { length: number; entries: SlowlogEntry[] } | null;
  clients: ClientEntry[] | null;
  latency: LatencyEvent[] | null;
  /** Null when cluster support is disabled on this node. */
  cluster: ClusterView | null;
  security: SecurityView;
  /** Operation -> server error for each command the server refused (ACL, rename-command, old version). */
  refused: Record<string, string>;
}

export interface SentinelPeer {
  address: string;
  flags: string[];
}

/** One master as a Sentinel sees it (SENTINEL MASTERS / REPLICAS / SENTINELS / CKQUORUM). */
export interface SentinelMaster {
  name: string;
  address: string;
  flags: string[];
  quorum: number;
  numSlaves: number;
  numOtherSentinels: number;
  /** SENTINEL CKQUORUM: ok and the server's own sentence. */
  ckquorum: { ok: boolean; message: string };
  replicas: SentinelPeer[];
  sentinels: SentinelPeer[];
}

export interface SentinelView {
  address: string;
  reachable: boolean;
  error?: string;
  masters: SentinelMaster[];
}

export interface RedisSnapshot {
  mode: RedisMode;
  /** Data nodes: the endpoint(s) in standalone mode, every node in a cluster, master + replicas via Sentinel. */
  nodes: NodeSnapshot[];
  /** Sentinel mode only. */
  sentinels: SentinelView[] | null;
  /** Sentinel mode: the master name asked for (all masters when absent). */
  masterName: string | null;
  /** Unix ms when collect ran, for ages (last save, slow log entries). */
  collectedAtMs: number;
}
