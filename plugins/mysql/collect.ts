// I/O only: asks for every dataset at once, so they leave in one message (batch.ts) and the
// snapshot costs one round trip; only lock waits, when there are some, need two more (the
// transactions and locks they name, then the blockers' recent statements). What depends on a
// server setting (performance_schema ON) is asked anyway and judged when the answer is in.
// A dataset the server refuses becomes a Probe with the reason and fix.
import { KsaError } from '../../src/sdk/index.js';
import type { CollectOutput, PluginContext } from '../../src/sdk/index.js';
import { asker, type Ask } from './ask.js';
import { driverError, type MysqlSession } from './connect.js';
import { APPLICATION_DIGEST_SQL } from './introspection.js';
import { collectLockWaits } from './lock-waits.js';
import { PERFORMANCE_SCHEMA_SELECT, PROCESS, needs } from './privileges.js';
import { num, str } from './row-cells.js';
import type {
  AccountRow, ConnectionData, DigestRow, HistogramBucket, InnodbData, MysqlSnapshot, PerformanceData,
  Probe, ReplicationData, Row, SessionRow, TransactionRow,
} from './snapshot.js';

const VARIABLES = [
  'max_connections', 'wait_timeout', 'read_only', 'super_read_only', 'gtid_mode', 'gtid_strict_mode', 'log_bin',
  'performance_schema', 'require_secure_transport', 'have_ssl', 'have_openssl', 'long_query_time', 'slow_query_log',
  'innodb_buffer_pool_size', 'innodb_max_dirty_pages_pct', 'innodb_lock_wait_timeout', 'server_id',
];

const STATUS = [
  'Uptime', 'Threads_connected', 'Threads_running', 'Max_used_connections', 'Connections', 'Aborted_connects',
  'Aborted_clients', 'Connection_errors_max_connections', 'Questions', 'Slow_queries', 'Created_tmp_tables',
  'Created_tmp_disk_tables', 'Sort_merge_passes', 'Sort_scan', 'Sort_range', 'Select_full_join', 'Select_range_check',
  'Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads', 'Innodb_buffer_pool_pages_total',
  'Innodb_buffer_pool_pages_free', 'Innodb_buffer_pool_pages_data', 'Innodb_buffer_pool_pages_dirty',
  'Innodb_log_waits', 'Innodb_log_writes', 'Innodb_history_list_length', 'Innodb_deadlocks', 'Innodb_row_lock_waits',
];

const SYSTEM_USERS = new Set(['system user', 'event_scheduler', 'unauthenticated user']);
const SYSTEM_COMMANDS = new Set(['Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker', 'Connect']);


async function keyValues(ask: Ask, sql: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of await ask.query(sql)) out[String(row.Variable_name)] = String(row.Value ?? '');
  return out;
}

const inList = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

export async function collectMysql(ctx: PluginContext, session: MysqlSession, request: { categories: readonly string[] }): Promise<CollectOutput<MysqlSnapshot>> {
  const ask = asker(session);
  const want = new Set(request.categories);
  try {
    // Every call below reaches the session in this turn: one message (batch.ts).
    const variablesAsked = keyValues(ask, `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${inList(VARIABLES)})`);
    const needSessions = want.has('connection') || want.has('replication');
    const { dialect } = session;
    const [[clock], variables, status, sessions, replicas, performance, innodb, accounts] = await Promise.all([
      ask.query('SELECT NOW() AS now'),
      variablesAsked,
      keyValues(ask, `SHOW GLOBAL STATUS WHERE Variable_name IN (${inList(STATUS)})`),
      needSessions ? collectSessions(ask, session) : undefined,
      want.has('replication') ? ask.probe(dialect.replicaStatusSql, dialect.replicaStatusSql, dialect.replicaStatusPrivilege, (r) => r) : undefined,
      want.has('performance') ? collectPerformance(ask, session, variablesAsked, topStatements(ctx)) : undefined,
      want.has('innodb') ? collectInnodb(ask, session, variablesAsked) : undefined,
      want.has('security') ? ask.probe(dialect.accountsSql, 'reading the account list', dialect.accountsPrivilege, accountRows) : undefined,
    ]);
    const skipped: Record<string, string> = {};
    const data: MysqlSnapshot = {
      server: { ...session.server, now: String(clock?.now ?? '') },
      variables,
      status,
    };
    if (sessions && want.has('connection')) data.connection = { sessions: sessions.clients, complete: sessions.complete } satisfies ConnectionData;
    if (replicas && sessions) {
      if ('unavailable' in replicas) skipped.replication = replicas.unavailable;
      else data.replication = { replicas: replicas.value, attached: sessions.attached } satisfies ReplicationData;
    }
    if (performance) data.performance = performance;
    if (innodb) data.innodb = innodb;
    if (accounts) {
      if ('unavailable' in accounts) skipped.security = accounts.unavailable;
      else data.security = { accounts: accounts.value };
    }
    return { data, skipped };
  } catch (error) {
    throw error instanceof KsaError ? error : driverError(error, [], 'collect failed');
  }
}

function topStatements(ctx: PluginContext): number {
  const n = Number(ctx.config.topStatements ?? 10);
  return Number.isInteger(n) && n >= 1 && n <= 50 ? n : 10;
}

async function collectSessions(ask: Ask, session: MysqlSession): Promise<{ clients: SessionRow[]; complete: boolean; attached: ReplicationData['attached'] }> {
  const [rows, grants] = await Promise.all([
    // SHOW PROCESSLIST, not information_schema.PROCESSLIST: the latter materialises an on-disk
    // temporary table (its INFO column is LONGTEXT), so every run of ksa added one to
    // Created_tmp_disk_tables, the numerator of mysql.performance.tmp-disk-tables.
    ask.query('SHOW PROCESSLIST'),
    // USER_PRIVILEGES lists every account to a user that can read mysql.user: keep our own row.
    ask.query(`SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES
      WHERE PRIVILEGE_TYPE IN ('PROCESS', 'SUPER') AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`),
  ]);
  const me = session.server.currentUser.split('@')[0] ?? '';
  const all: SessionRow[] = rows
    .filter((r) => num(r.Id) !== session.connectionId)
    .map((r) => ({ user: String(r.User ?? ''), host: hostOnly(String(r.Host ?? '')), command: String(r.Command ?? ''), time: num(r.Time), db: str(r.db) }));
  const complete = grants.length > 0 || all.some((s) => s.user !== me && !SYSTEM_USERS.has(s.user));
  const dumps = all.filter((s) => s.command.startsWith('Binlog Dump'));
  const clients = all.filter((s) => !SYSTEM_USERS.has(s.user) && !SYSTEM_COMMANDS.has(s.command) && !s.command.startsWith('Binlog Dump'));
  return {
    clients,
    complete,
    attached: complete
      ? { value: dumps.map((d) => ({ host: d.host, seconds: d.time })) }
      : { unavailable: needs('listing attached replicas', PROCESS, session.server.currentUser) },
  };
}

/** The Host column is `address:port` for TCP (IPv6 unbracketed: `::1:51234`), `localhost` for a socket. */
function hostOnly(host: string): string {
  return host.replace(/:\d+$/, '');
}

async function collectPerformance(ask: Ask, session: MysqlSession, variablesAsked: Promise<Record<string, string>>, limit: number): Promise<PerformanceData> {
  const histogramMissing: Probe<HistogramBucket[]> = { unavailable: `${session.dialect.flavor === 'mariadb' ? 'MariaDB' : 'this server'} has no performance_schema.events_statements_histogram_global` };
  const quantiles = session.dialect.latencyHistogram ? 'QUANTILE_95/1e9 AS p95Ms, QUANTILE_99/1e9 AS p99Ms' : 'NULL AS p95Ms, NULL AS p99Ms';
  const grant = PERFORMANCE_SCHEMA_SELECT;
  const [consumer, digests, histogram] = await Promise.all([
    ask.probe(`SELECT ENABLED AS enabled FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'`, 'reading performance_schema.setup_consumers', grant, (r) => String(r[0]?.enabled ?? 'NO')),
    ask.probe(`SELECT SCHEMA_NAME AS \`schema\`, DIGEST AS digest, LEFT(DIGEST_TEXT, 2000) AS text, COUNT_STAR AS count,
        SUM_TIMER_WAIT/1e9 AS totalMs, AVG_TIMER_WAIT/1e9 AS avgMs, MAX_TIMER_WAIT/1e9 AS maxMs,
        SUM_ROWS_EXAMINED AS rowsExamined, SUM_ROWS_SENT AS rowsSent, SUM_NO_INDEX_USED AS noIndexUsed,
        SUM_NO_GOOD_INDEX_USED AS noGoodIndexUsed, SUM_SELECT_SCAN AS fullScans,
        SUM_CREATED_TMP_DISK_TABLES AS tmpDiskTables, SUM_SORT_MERGE_PASSES AS sortMergePasses, ${quantiles}
      FROM performance_schema.events_statements_summary_by_digest
      WHERE DIGEST_TEXT IS NOT NULL AND ${APPLICATION_DIGEST_SQL} ORDER BY SUM_TIMER_WAIT DESC LIMIT ${limit}`,
    'reading performance_schema.events_statements_summary_by_digest', grant, digestRows),
    session.dialect.latencyHistogram
      ? ask.probe(`SELECT BUCKET_TIMER_HIGH/1e9 AS highMs, COUNT_BUCKET AS count FROM performance_schema.events_statements_histogram_global
          WHERE COUNT_BUCKET > 0 ORDER BY BUCKET_NUMBER`, 'reading performance_schema.events_statements_histogram_global', grant,
        (rows) => rows.map((r) => ({ highMs: num(r.highMs), count: num(r.count) })))
      : histogramMissing,
  ]);
  // With performance_schema OFF its tables answer empty: the answers are dropped for the reason.
  if ((await variablesAsked).performance_schema !== 'ON') {
    const off = 'performance_schema is OFF: set performance_schema=ON in the [mysqld] section of my.cnf and restart the server (it cannot be turned on at runtime)';
    return { digests: { unavailable: off }, histogram: session.dialect.latencyHistogram ? { unavailable: off } : histogramMissing };
  }
  const digestOff = 'value' in consumer && consumer.value !== 'YES'
    ? { unavailable: `the performance_schema consumer statements_digest is disabled: set performance-schema-consumer-statements-digest=ON in my.cnf (or UPDATE performance_schema.setup_consumers SET ENABLED='YES' WHERE NAME='statements_digest')` }
    : undefined;
  return { digests: digestOff ?? digests, histogram };
}

function digestRows(rows: Row[]): DigestRow[] {
  return rows.map((r) => ({
    schema: str(r.schema), digest: str(r.digest), text: String(r.text ?? ''), count: num(r.count),
    totalMs: num(r.totalMs), avgMs: num(r.avgMs), maxMs: num(r.maxMs), rowsExamined: num(r.rowsExamined), rowsSent: num(r.rowsSent),
    noIndexUsed: num(r.noIndexUsed), noGoodIndexUsed: num(r.noGoodIndexUsed), fullScans: num(r.fullScans),
    tmpDiskTables: num(r.tmpDiskTables), sortMergePasses: num(r.sortMergePasses),
    p95Ms: r.p95Ms === null || r.p95Ms === undefined ? null : num(r.p95Ms), p99Ms: r.p99Ms === null || r.p99Ms === undefined ? null : num(r.p99Ms),
  }));
}

async function collectInnodb(ask: Ask, session: MysqlSession, variablesAsked: Promise<Record<string, string>>): Promise<InnodbData> {
  const process = PROCESS;
  const [status, lockWaits, transactions] = await Promise.all([
    ask.probe('SHOW ENGINE INNODB STATUS', 'SHOW ENGINE INNODB STATUS', process, (r) => String(r[0]?.Status ?? '')),
    collectLockWaits(ask, session.dialect.lockWaits),
    ask.probe(`SELECT trx_mysql_thread_id AS thread, trx_state AS state, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS seconds,
        trx_query AS query, trx_rows_modified AS rowsModified, trx_rows_locked AS rowsLocked
      FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started LIMIT 20`,
    'reading information_schema.INNODB_TRX', process, transactionRows),
  ]);
  // A blocker idle inside its transaction has no current query: its recent statements (the one that
  // took the lock among them) are in performance_schema's statement history, when that is on.
  if ('value' in lockWaits && lockWaits.value.length > 0 && (await variablesAsked).performance_schema === 'ON') {
    const threads = [...new Set(lockWaits.value.map((w) => w.blockingThread))];
    const history = await ask.probe(`SELECT t.PROCESSLIST_ID AS thread, h.SQL_TEXT AS sqlText
        FROM performance_schema.events_statements_history h JOIN performance_schema.threads t ON t.THREAD_ID = h.THREAD_ID
        WHERE t.PROCESSLIST_ID IN (?) AND h.SQL_TEXT IS NOT NULL ORDER BY h.THREAD_ID, h.EVENT_ID`,
    'reading performance_schema.events_statements_history', PERFORMANCE_SCHEMA_SELECT, (r) => r, [threads]);
    if ('value' in history) {
      for (const wait of lockWaits.value) {
        wait.blockingRecent = history.value.filter((h) => num(h.thread) === wait.blockingThread).map((h) => String(h.sqlText)).slice(-5);
      }
    }
  }
  return { status, lockWaits, transactions };
}

function transactionRows(rows: Row[]): TransactionRow[] {
  return rows.map((r) => ({
    thread: num(r.thread), state: String(r.state ?? ''), seconds: num(r.seconds), query: str(r.query),
    rowsModified: num(r.rowsModified), rowsLocked: num(r.rowsLocked),
  }));
}

function accountRows(rows: Row[]): AccountRow[] {
  return rows.map((r) => ({
    user: String(r.user ?? ''), host: String(r.host ?? ''), plugin: String(r.plugin ?? ''),
    emptyPassword: num(r.emptyPassword) === 1, locked: num(r.locked) === 1, sslType: String(r.sslType ?? ''),
  }));
}
