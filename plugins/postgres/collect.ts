// I/O only: the probe and one JSON document for every requested category leave together in one
// message, planned from what the server reported at startup (PostgreSQL 14+ reports
// server_version, in_hot_standby, default_transaction_read_only and is_superuser); top statements
// follow only when pg_stat_statements is installed (apart: it fails on its own when the library is
// not preloaded, and naming a missing view would log an error and roll back on every run).
// Older servers and poolers that hide those parameters get the probe first, as before.
// A category the role may not read becomes `skipped` with the privilege to grant.
import { ksaError } from '../../src/sdk/index.js';
import type { CollectOutput } from '../../src/sdk/index.js';
import { PROBE_SQL, snapshotSql, statementsSql, type Category, type SqlContext } from './queries.js';
import { redactQuery } from './query-text.js';
import { isSqlState } from './pg-errors.js';
import type { PgConn } from './connect.js';
import type { PgSnapshot, PerformanceData, ServerInfo, Session, Statement } from './snapshot.js';

export const CATEGORIES: readonly Category[] = ['connection', 'replication', 'locks', 'performance', 'maintenance', 'security'];
const MIN_VERSION_NUM = 120000;

interface SqlError { code?: string; message?: string }

/** The reason a category is skipped, naming what to grant. */
function skipReason(error: SqlError, user: string): string {
  const base = (error.message ?? 'query failed').slice(0, 200);
  if (error.code === '42501') return `${base}: insufficient privilege: GRANT pg_monitor TO ${user} (or SELECT on the object named, if it was revoked from PUBLIC)`;
  return `${base} (SQLSTATE ${error.code})`;
}

async function probe(conn: PgConn): Promise<ServerInfo> {
  const [row] = await conn.query<ServerInfo>(PROBE_SQL);
  return checkedServer(row);
}

function checkedServer(row: ServerInfo | undefined): ServerInfo {
  if (!row) throw ksaError('KSA_ERR_PROTOCOL', 'the server returned no row for the version probe');
  if (!row.readOnly) {
    // The startup option was ignored (e.g. by a pooler): stop before anything else is sent.
    throw ksaError('KSA_ERR_PROTOCOL', 'the session is not read-only (default_transaction_read_only was not applied)', { fix: 'connect to PostgreSQL directly, not through a pooler that drops startup options' });
  }
  if (row.versionNum < MIN_VERSION_NUM) {
    throw ksaError('KSA_ERR_PROTOCOL', `PostgreSQL ${row.version} is older than 12`, { fix: 'ksa supports PostgreSQL 12-17' });
  }
  return { ...row, pid: Number(row.pid) };
}

/** One round trip normally; per category only when the combined statement fails. */
async function collectSections(conn: PgConn, categories: readonly Category[], c: SqlContext, user: string) {
  const skipped: Record<string, string> = {};
  if (categories.length === 0) return { sections: {}, skipped };
  try {
    const [row] = await conn.query<{ snapshot: Record<string, unknown> }>(snapshotSql(categories, c));
    return { sections: row?.snapshot ?? {}, skipped };
  } catch (error) {
    if (!isSqlState(error)) throw error;
  }
  const sections: Record<string, unknown> = {};
  for (const category of categories) {
    try {
      const [row] = await conn.query<{ snapshot: Record<string, unknown> }>(snapshotSql([category], c));
      sections[category] = row?.snapshot?.[category];
    } catch (error) {
      if (!isSqlState(error)) throw error;
      skipped[category] = skipReason(error, user);
    }
  }
  return { sections, skipped };
}

async function collectStatements(conn: PgConn, server: ServerInfo, roundTripMs: number): Promise<PerformanceData['statements']> {
  const ext = server.statementsExtension;
  if (!ext) {
    return { available: false, reason: `pg_stat_statements is not installed in database ${server.database}: add pg_stat_statements to shared_preload_libraries, restart, then CREATE EXTENSION pg_stat_statements` };
  }
  // Over a slow link one more round trip may not fit: the rest of the snapshot is worth more
  // than a run that fails at the deadline for want of the top statements.
  if (conn.timeLeft() < 1.5 * roundTripMs + 100) {
    return { available: false, reason: `not read: one more round trip (the last took ${Math.round(roundTripMs)} ms) would not fit before the deadline: raise --timeout` };
  }
  try {
    const rows = await conn.query<Record<string, unknown>>(statementsSql(ext));
    return { available: true, top: rows.map(statementOf) };
  } catch (error) {
    if (!isSqlState(error)) throw error;
    return { available: false, reason: `pg_stat_statements cannot be read (${(error.message ?? '').slice(0, 160)}): add pg_stat_statements to shared_preload_libraries and restart` };
  }
}

function statementOf(r: Record<string, unknown>): Statement {
  const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  return {
    queryId: (r.queryId as string | null) ?? null,
    user: (r.user as string | null) ?? null,
    database: (r.database as string | null) ?? null,
    calls: num(r.calls),
    totalMs: num(r.totalMs),
    meanMs: num(r.meanMs),
    rows: num(r.rows),
    sharePct: num(r.sharePct),
    tempBlksWritten: num(r.tempBlksWritten),
    query: redactQuery(r.query as string | null),
  };
}

function redactSessions<S extends Session>(list: S[] | undefined): S[] {
  return (list ?? []).map((s) => ({ ...s, query: redactQuery(s.query) }));
}

export async function collectPostgres(conn: PgConn, request: { categories: readonly string[] }): Promise<CollectOutput<PgSnapshot>> {
  try {
    return await collectAll(conn, request);
  } catch (error) {
    // An SQL error nobody turned into a skip (e.g. in the probe) still leaves with a code.
    if (isSqlState(error)) throw ksaError('KSA_ERR_PROTOCOL', `${error.message} (SQLSTATE ${error.code})`, { fix: 'check that the role can read the statistics views (GRANT pg_monitor TO <role>)' });
    throw error;
  }
}

/**
 * The SQL context as the startup parameters tell it, or undefined when they do not (before 14, or
 * a pooler). Superusers read pg_hba_file_rules; another role granted it is seen by the probe.
 */
export function plannedContext(p: Readonly<Record<string, string>>): SqlContext | undefined {
  const version = /^(\d+)(?:\.(\d+))?/.exec(p.server_version ?? '');
  if (!version || p.in_hot_standby === undefined || p.default_transaction_read_only === undefined || p.is_superuser === undefined) return undefined;
  const versionNum = Number(version[1]) * 10000 + Number(version[2] ?? 0);
  if (versionNum < 140000) return undefined;
  return { versionNum, inRecovery: p.in_hot_standby === 'on', hbaReadable: p.is_superuser === 'on' };
}

const sameContext = (a: SqlContext, b: SqlContext) => a.versionNum === b.versionNum && a.inRecovery === b.inRecovery && a.hbaReadable === b.hbaReadable;

/** Probe and sections in one round trip when the startup parameters allow planning. */
async function probeAndSections(conn: PgConn, categories: readonly Category[]) {
  const planned = plannedContext(conn.parameters);
  if (planned && categories.length > 0) {
    // Checked before anything is sent, as the probe would (the probe confirms it below).
    if (conn.parameters.default_transaction_read_only !== 'on') checkedServer({ readOnly: false } as ServerInfo);
    try {
      const [probeRows, sectionRows] = await conn.queryBatch([PROBE_SQL, snapshotSql(categories, planned)]);
      const server = checkedServer(probeRows?.[0] as ServerInfo | undefined);
      const c: SqlContext = { versionNum: server.versionNum, inRecovery: server.inRecovery, hbaReadable: server.hbaReadable };
      // A role granted pg_hba_file_rules, or a promotion since the startup: ask again as the probe says.
      if (sameContext(c, planned)) return { server, ...sectionsOf(sectionRows?.[0]) };
      return { server, ...(await collectSections(conn, categories, c, server.user)) };
    } catch (error) {
      if (!isSqlState(error)) throw error;
      // Some category is refused: the probe alone, then category by category, as below.
    }
  }
  const server = await probe(conn);
  const c: SqlContext = { versionNum: server.versionNum, inRecovery: server.inRecovery, hbaReadable: server.hbaReadable };
  return { server, ...(await collectSections(conn, categories, c, server.user)) };
}

function sectionsOf(row: Record<string, unknown> | undefined): { sections: Record<string, unknown>; skipped: Record<string, string> } {
  return { sections: (row?.snapshot as Record<string, unknown> | undefined) ?? {}, skipped: {} };
}

async function collectAll(conn: PgConn, request: { categories: readonly string[] }): Promise<CollectOutput<PgSnapshot>> {
  const categories = CATEGORIES.filter((c) => request.categories.includes(c));
  const started = Date.now();
  const { server, sections, skipped } = await probeAndSections(conn, categories);
  const roundTripMs = Date.now() - started;
  const data = { server, ...sections } as PgSnapshot;
  if (data.connection) {
    data.connection.idleInTransaction = redactSessions(data.connection.idleInTransaction);
    data.connection.longRunning = redactSessions(data.connection.longRunning);
  }
  if (data.locks) {
    data.locks.blocked = redactSessions(data.locks.blocked);
    data.locks.blockers = redactSessions(data.locks.blockers);
  }
  if (data.replication) {
    const expected = Number(conn.options.expectedStandbys);
    if (Number.isInteger(expected) && expected > 0) data.replication.expectedStandbys = expected;
  }
  if (data.performance) data.performance.statements = await collectStatements(conn, server, roundTripMs);
  return { data, skipped };
}
