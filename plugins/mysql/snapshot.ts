// The snapshot collect.ts gathers: plain JSON, close to what the server returned, so that the
// same checks run on MySQL 8 and MariaDB rows (see replica-status.ts for the column mapping).

export type Flavor = 'mysql' | 'mariadb';

/** A value as the driver returned it (status and variables are strings; counters may be numbers). */
export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** A dataset that may be missing: the reason says why and how to fix it (e.g. a privilege). */
export type Probe<T> = { value: T } | { unavailable: string };

export interface ServerInfo {
  flavor: Flavor;
  /** Numeric version, e.g. `10.11.19` or `8.0.36`. */
  version: string;
  /** `SELECT VERSION()` as returned, e.g. `10.11.19-MariaDB-0+deb12u1-log`. */
  versionText: string;
  versionComment: string;
  /** Server local time at collection, `YYYY-MM-DD HH:MM:SS` (same clock as SHOW ENGINE INNODB STATUS). */
  now: string;
  /** CURRENT_USER() of the diagnosing session, e.g. `ksa@127.0.0.1`. */
  currentUser: string;
}

export interface SessionRow {
  user: string;
  /** Client host without the port. */
  host: string;
  command: string;
  /** Seconds in the current state (for `Sleep`: idle time). */
  time: number;
  db: string | null;
}

export interface ConnectionData {
  /** Every other client session (system threads and this session excluded). */
  sessions: SessionRow[];
  /** False when the user lacks PROCESS and so sees only its own sessions. */
  complete: boolean;
}

export interface ReplicationData {
  /** Raw rows of SHOW ALL REPLICAS STATUS (MariaDB, one per source) or SHOW REPLICA STATUS (MySQL, one per channel). */
  replicas: Row[];
  /** Replicas reading this server's binary log (Binlog Dump threads in the process list). */
  attached: Probe<Array<{ host: string; seconds: number }>>;
}

export interface DigestRow {
  schema: string | null;
  digest: string | null;
  /** Normalized statement text (literals already replaced by `?` by the server). */
  text: string;
  count: number;
  totalMs: number;
  avgMs: number;
  maxMs: number;
  rowsExamined: number;
  rowsSent: number;
  noIndexUsed: number;
  noGoodIndexUsed: number;
  fullScans: number;
  tmpDiskTables: number;
  sortMergePasses: number;
  /** MySQL 8.0.31+ digest quantiles; null elsewhere. */
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface HistogramBucket {
  /** Upper bound of the bucket in milliseconds. */
  highMs: number;
  count: number;
}

export interface PerformanceData {
  /** Top digests by total latency from performance_schema.events_statements_summary_by_digest. */
  digests: Probe<DigestRow[]>;
  /** events_statements_histogram_global (MySQL 8 only). */
  histogram: Probe<HistogramBucket[]>;
}

export interface LockWaitRow {
  waitingThread: number;
  waitingQuery: string | null;
  waitSeconds: number;
  blockingThread: number;
  blockingQuery: string | null;
  blockingTrxSeconds: number;
  lockTable: string | null;
  lockIndex: string | null;
  lockMode: string | null;
  /** Recent statements of the blocking session (performance_schema history), oldest first. */
  blockingRecent: string[];
}

export interface TransactionRow {
  thread: number;
  state: string;
  seconds: number;
  query: string | null;
  rowsModified: number;
  rowsLocked: number;
}

export interface InnodbData {
  /** Text of SHOW ENGINE INNODB STATUS (needs PROCESS). */
  status: Probe<string>;
  lockWaits: Probe<LockWaitRow[]>;
  transactions: Probe<TransactionRow[]>;
}

export interface AccountRow {
  user: string;
  host: string;
  plugin: string;
  /** Computed on the server: the hash itself never leaves it. */
  emptyPassword: boolean;
  locked: boolean;
  /** '' (none), ANY, X509 or SPECIFIED. */
  sslType: string;
}

export interface MysqlSnapshot {
  server: ServerInfo;
  variables: Record<string, string>;
  status: Record<string, string>;
  connection?: ConnectionData;
  replication?: ReplicationData;
  performance?: PerformanceData;
  innodb?: InnodbData;
  security?: { accounts: AccountRow[] };
}
