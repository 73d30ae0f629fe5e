// The plain-JSON snapshot collect gathers. Ages are seconds, sizes bytes; query texts are already
// redacted (literals replaced) and truncated. Every section is optional: a category that was not
// requested is absent, and checks treat absence as "nothing to judge".

export interface ServerInfo {
  versionNum: number;
  version: string;
  inRecovery: boolean;
  /** The session really is read-only (default_transaction_read_only took effect). */
  readOnly: boolean;
  pid: number;
  user: string;
  database: string;
  superuser: boolean;
  /** Membership in pg_read_all_stats (part of pg_monitor): other roles' sessions and queries are visible. */
  readAllStats: boolean;
  hbaReadable: boolean;
  /** pg_stat_statements as installed in the connected database, or null. */
  statementsExtension: { version: string; schema: string } | null;
  ssl: boolean | null;
}

export interface Session {
  pid: number;
  database: string | null;
  user: string | null;
  client: string | null;
  application: string | null;
  state: string | null;
  xactSeconds: number | null;
  stateSeconds: number | null;
  querySeconds: number | null;
  waitEvent: string | null;
  query: string | null;
}

export interface CountBy { name: string; count: number }

export interface ConnectionData {
  maxConnections: number;
  superuserReserved: number;
  /** reserved_connections (PostgreSQL 16+), 0 before. */
  reserved: number;
  /** Client backends, ksa's own excluded. */
  total: number;
  byState: Record<string, number>;
  byDatabase: CountBy[];
  byUser: CountBy[];
  byClient: CountBy[];
  idleInTransaction: Session[];
  longRunning: Session[];
}

export interface Standby {
  name: string | null;
  client: string | null;
  state: string | null;
  syncState: string | null;
  replayLagBytes: number | null;
  replayLagSeconds: number | null;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
}

export interface Slot {
  name: string;
  type: 'physical' | 'logical';
  database: string | null;
  active: boolean;
  temporary: boolean;
  retainedBytes: number | null;
  /** PostgreSQL 13+: reserved | extended | unreserved | lost. */
  walStatus: string | null;
}

export interface WalReceiver {
  status: string | null;
  senderHost: string | null;
  senderPort: number | null;
  slotName: string | null;
  lastMessageSeconds: number | null;
}

export interface ReplicationData {
  inRecovery: boolean;
  synchronousStandbyNames: string;
  standbys: Standby[];
  slots: Slot[];
  /** Standby side only. */
  receiver?: WalReceiver | null;
  replayDelaySeconds?: number | null;
  replayBacklogBytes?: number | null;
  replayPaused?: boolean | null;
  /** Options the operator gave (target.options.expectedStandbys). */
  expectedStandbys?: number;
}

export interface BlockedSession extends Session {
  blockedBy: number[];
}

export interface LocksData {
  blockedCount: number;
  blocked: BlockedSession[];
  blockers: Session[];
  deadlocks: Array<{ database: string; deadlocks: number; windowSeconds: number }>;
}

export interface DatabaseStats {
  name: string;
  blksHit: number;
  blksRead: number;
  tempFiles: number;
  tempBytes: number;
  windowSeconds: number;
}

export interface Statement {
  queryId: string | null;
  user: string | null;
  database: string | null;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  sharePct: number;
  tempBlksWritten: number;
  query: string | null;
}

export interface PerformanceData {
  databases: DatabaseStats[];
  checkpoints: { timed: number; requested: number } | null;
  workMem: string | null;
  maxWalSize: string | null;
  /** available=false: not installed / not loaded, with the reason and fix. */
  statements: { available: true; top: Statement[] } | { available: false; reason: string };
}

export interface TableStats {
  name: string;
  live: number;
  dead: number;
  modSinceAnalyze: number;
  lastVacuumSeconds: number | null;
  lastAutovacuumSeconds: number | null;
  lastAnalyzeSeconds: number | null;
  lastAutoanalyzeSeconds: number | null;
}

export interface MaintenanceData {
  database: string;
  freezeMaxAge: number;
  autovacuum: boolean;
  vacuumScaleFactor: number;
  databases: Array<{ name: string; xidAge: number; mxidAge: number }>;
  tables: TableStats[];
  neverAnalyzed: TableStats[];
}

export interface HbaRule {
  line: number;
  type: string | null;
  database: string[] | null;
  users: string[] | null;
  address: string | null;
  netmask: string | null;
  method: string | null;
  error: string | null;
}

export interface SecurityData {
  ssl: string | null;
  listenAddresses: string | null;
  superusers: string[];
  /** null when pg_hba_file_rules is not readable by this role. */
  hbaRules: HbaRule[] | null;
}

export interface PgSnapshot {
  server: ServerInfo;
  connection?: ConnectionData;
  replication?: ReplicationData;
  locks?: LocksData;
  performance?: PerformanceData;
  maintenance?: MaintenanceData;
  security?: SecurityData;
}
