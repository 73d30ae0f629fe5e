// SQL text, version-gated for PostgreSQL 12-17. collect sends three statements: the probe, one
// SELECT that returns every requested category as one JSON document, and pg_stat_statements (apart,
// because it fails on its own when the library is not preloaded). Every statement starts with the
// /* ksa */ marker so ksa's own statements can be left out of pg_stat_statements results.
export const MARK = '/* ksa */';

export type Category = 'connection' | 'replication' | 'locks' | 'performance' | 'maintenance' | 'security';

export interface SqlContext {
  versionNum: number;
  inRecovery: boolean;
  hbaReadable: boolean;
}

export const PROBE_SQL = `${MARK} SELECT
  current_setting('server_version_num')::int AS "versionNum",
  current_setting('server_version') AS version,
  pg_is_in_recovery() AS "inRecovery",
  current_setting('transaction_read_only') = 'on' AS "readOnly",
  pg_backend_pid() AS pid,
  current_user AS "user",
  current_database() AS database,
  COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS "readAllStats",
  has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT') AS "hbaReadable",
  (SELECT json_build_object('version', extversion, 'schema', extnamespace::regnamespace::text)
     FROM pg_extension WHERE extname = 'pg_stat_statements') AS "statementsExtension",
  (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl`;

const seconds = (expr: string) => `extract(epoch FROM now() - ${expr})::float8`;
const jsonRows = (select: string) => `(SELECT COALESCE(json_agg(x), '[]') FROM (${select}) x)`;

const SESSION_COLUMNS = `pid, datname AS database, usename AS "user", COALESCE(client_addr::text, 'local') AS client,
  application_name AS application, state, ${seconds('xact_start')} AS "xactSeconds",
  ${seconds('state_change')} AS "stateSeconds", ${seconds('query_start')} AS "querySeconds",
  CASE WHEN wait_event IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS "waitEvent", query`;

const countBy = (expr: string) => `(SELECT COALESCE(json_agg(json_build_object('name', k, 'count', n) ORDER BY n DESC, k), '[]')
  FROM (SELECT ${expr} AS k, count(*) AS n FROM s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10) g)`;

function connectionSql(): string {
  return `(WITH s AS (SELECT * FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())
  SELECT json_build_object(
    'maxConnections', current_setting('max_connections')::int,
    'superuserReserved', current_setting('superuser_reserved_connections')::int,
    'reserved', COALESCE(current_setting('reserved_connections', true)::int, 0),
    'total', (SELECT count(*) FROM s),
    'byState', (SELECT COALESCE(json_object_agg(k, n), '{}') FROM (SELECT COALESCE(state, 'hidden') AS k, count(*) AS n FROM s GROUP BY 1) g),
    'byDatabase', ${countBy(`COALESCE(datname, '')`)},
    'byUser', ${countBy(`COALESCE(usename, '')`)},
    'byClient', ${countBy(`COALESCE(client_addr::text, 'local')`)},
    'idleInTransaction', ${jsonRows(`SELECT ${SESSION_COLUMNS} FROM s WHERE state LIKE 'idle in transaction%' ORDER BY state_change LIMIT 20`)},
    'longRunning', ${jsonRows(`SELECT ${SESSION_COLUMNS} FROM s WHERE state = 'active' ORDER BY query_start LIMIT 20`)}))`;
}

function replicationSql(c: SqlContext): string {
  // On a standby pg_current_wal_lsn() raises an error: measure from the replayed position there.
  const lsn = c.inRecovery ? 'pg_last_wal_replay_lsn()' : 'pg_current_wal_lsn()';
  const walStatus = c.versionNum >= 130000 ? 'wal_status' : 'NULL::text';
  const standbySide = c.inRecovery
    ? `,
    'receiver', (SELECT json_build_object('status', status, 'senderHost', sender_host, 'senderPort', sender_port,
        'slotName', slot_name, 'lastMessageSeconds', ${seconds('last_msg_receipt_time')}) FROM pg_stat_wal_receiver),
    'replayBacklogBytes', pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8,
    'replayDelaySeconds', CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
        ELSE ${seconds('pg_last_xact_replay_timestamp()')} END,
    'replayPaused', pg_is_wal_replay_paused()`
    : '';
  return `json_build_object(
    'inRecovery', pg_is_in_recovery(),
    'synchronousStandbyNames', current_setting('synchronous_standby_names'),
    'standbys', ${jsonRows(`SELECT application_name AS name, client_addr::text AS client, state, sync_state AS "syncState",
        pg_wal_lsn_diff(${lsn}, replay_lsn)::float8 AS "replayLagBytes",
        extract(epoch FROM replay_lag)::float8 AS "replayLagSeconds",
        extract(epoch FROM write_lag)::float8 AS "writeLagSeconds",
        extract(epoch FROM flush_lag)::float8 AS "flushLagSeconds"
      FROM pg_stat_replication ORDER BY application_name`)},
    'slots', ${jsonRows(`SELECT slot_name AS name, slot_type AS type, database, active, temporary,
        pg_wal_lsn_diff(${lsn}, restart_lsn)::float8 AS "retainedBytes", ${walStatus} AS "walStatus"
      FROM pg_replication_slots ORDER BY slot_name`)}${standbySide})`;
}

function locksSql(): string {
  return `(WITH blocked AS (
      SELECT ${SESSION_COLUMNS}, pg_blocking_pids(pid) AS "blockedBy" FROM pg_stat_activity
      WHERE pid <> pg_backend_pid() AND cardinality(pg_blocking_pids(pid)) > 0)
  SELECT json_build_object(
    'blockedCount', (SELECT count(*) FROM blocked),
    'blocked', ${jsonRows(`SELECT * FROM blocked ORDER BY "querySeconds" DESC NULLS LAST LIMIT 20`)},
    'blockers', ${jsonRows(`SELECT ${SESSION_COLUMNS} FROM pg_stat_activity WHERE pid IN (SELECT unnest("blockedBy") FROM blocked) ORDER BY pid LIMIT 20`)},
    'deadlocks', ${jsonRows(`SELECT datname AS database, deadlocks,
        ${seconds('COALESCE(stats_reset, pg_postmaster_start_time())')} AS "windowSeconds"
      FROM pg_stat_database WHERE datname IS NOT NULL ORDER BY datname`)}))`;
}

function performanceSql(c: SqlContext): string {
  // PostgreSQL 17 moved the checkpoint counters from pg_stat_bgwriter to pg_stat_checkpointer.
  const checkpoints = c.versionNum >= 170000
    ? `(SELECT json_build_object('timed', num_timed, 'requested', num_requested) FROM pg_stat_checkpointer)`
    : `(SELECT json_build_object('timed', checkpoints_timed, 'requested', checkpoints_req) FROM pg_stat_bgwriter)`;
  return `json_build_object(
    'databases', ${jsonRows(`SELECT datname AS name, blks_hit::float8 AS "blksHit", blks_read::float8 AS "blksRead",
        temp_files::float8 AS "tempFiles", temp_bytes::float8 AS "tempBytes",
        ${seconds('COALESCE(stats_reset, pg_postmaster_start_time())')} AS "windowSeconds"
      FROM pg_stat_database WHERE datname IS NOT NULL AND datname NOT IN ('template0', 'template1') ORDER BY datname`)},
    'checkpoints', ${checkpoints},
    'workMem', current_setting('work_mem'),
    'maxWalSize', current_setting('max_wal_size'))`;
}

const TABLE_COLUMNS = `quote_ident(schemaname) || '.' || quote_ident(relname) AS name, n_live_tup AS live, n_dead_tup AS dead,
  n_mod_since_analyze AS "modSinceAnalyze", ${seconds('last_vacuum')} AS "lastVacuumSeconds",
  ${seconds('last_autovacuum')} AS "lastAutovacuumSeconds", ${seconds('last_analyze')} AS "lastAnalyzeSeconds",
  ${seconds('last_autoanalyze')} AS "lastAutoanalyzeSeconds"`;

/** Tables below this many rows are never collected: the checks judge large tables only. */
export const MIN_TABLE_ROWS = 1000;

function maintenanceSql(): string {
  return `json_build_object(
    'database', current_database(),
    'freezeMaxAge', current_setting('autovacuum_freeze_max_age')::bigint,
    'autovacuum', current_setting('autovacuum') = 'on',
    'vacuumScaleFactor', current_setting('autovacuum_vacuum_scale_factor')::float8,
    'databases', ${jsonRows(`SELECT datname AS name, age(datfrozenxid) AS "xidAge", mxid_age(datminmxid) AS "mxidAge" FROM pg_database ORDER BY 2 DESC`)},
    'tables', ${jsonRows(`SELECT ${TABLE_COLUMNS} FROM pg_stat_user_tables WHERE n_live_tup + n_dead_tup >= ${MIN_TABLE_ROWS}
      ORDER BY n_dead_tup::float8 / GREATEST(n_live_tup + n_dead_tup, 1) DESC LIMIT 100`)},
    'neverAnalyzed', ${jsonRows(`SELECT ${TABLE_COLUMNS} FROM pg_stat_user_tables
      WHERE last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup >= ${MIN_TABLE_ROWS} ORDER BY n_live_tup DESC LIMIT 50`)})`;
}

function securitySql(c: SqlContext): string {
  const hba = c.hbaReadable
    ? `(SELECT COALESCE(json_agg(json_build_object('line', line_number, 'type', type, 'database', database, 'users', user_name,
        'address', address, 'netmask', netmask, 'method', auth_method, 'error', error) ORDER BY line_number), '[]') FROM pg_hba_file_rules)`
    : 'NULL';
  return `json_build_object(
    'ssl', current_setting('ssl'),
    'listenAddresses', (SELECT setting FROM pg_settings WHERE name = 'listen_addresses'),
    'superusers', (SELECT COALESCE(json_agg(rolname ORDER BY rolname), '[]') FROM pg_roles WHERE rolsuper AND rolcanlogin),
    'hbaRules', ${hba})`;
}

const SECTIONS: Record<Category, (c: SqlContext) => string> = {
  connection: connectionSql,
  replication: replicationSql,
  locks: locksSql,
  performance: performanceSql,
  maintenance: maintenanceSql,
  security: securitySql,
};

/** One SELECT returning {category: data} for the requested categories. */
export function snapshotSql(categories: readonly Category[], c: SqlContext): string {
  const fields = categories.map((name) => `'${name}', ${SECTIONS[name](c)}`);
  return `${MARK} SELECT json_build_object(${fields.join(',\n')}) AS snapshot`;
}

/** Top statements by total time; pg_stat_statements 1.8 (PostgreSQL 13) renamed total_time. */
export function statementsSql(extension: { version: string; schema: string }, limit = 10): string {
  const [major = 0, minor = 0] = extension.version.split('.').map(Number);
  const renamed = major > 1 || (major === 1 && minor >= 8);
  const total = renamed ? 'total_exec_time' : 'total_time';
  const mean = renamed ? 'mean_exec_time' : 'mean_time';
  return `${MARK} SELECT s.queryid::text AS "queryId", r.rolname AS "user", d.datname AS database, s.calls,
    s.${total} AS "totalMs", s.${mean} AS "meanMs", s.rows,
    COALESCE(100 * s.${total} / NULLIF(sum(s.${total}) OVER (), 0), 0) AS "sharePct",
    s.temp_blks_written AS "tempBlksWritten", s.query
  FROM ${extension.schema}.pg_stat_statements s
  LEFT JOIN pg_roles r ON r.oid = s.userid LEFT JOIN pg_database d ON d.oid = s.dbid
  WHERE s.query NOT LIKE '${MARK}%'
  ORDER BY s.${total} DESC LIMIT ${limit}`;
}
