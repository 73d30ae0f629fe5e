// Case 13: the read-only guarantee, checked on the servers' side. A full diagnosis of Redis
// (watched with MONITOR), MariaDB (general query log) and PostgreSQL (log_statement=all,
// log_connections=on) must issue no write; a mutating action without --allow-write must be
// refused before anything reaches the server (not even a connection). Each watcher is proven
// able to see a write by a positive control: the same action WITH --allow-write.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPlugin, measurements, parseReport, runKsa, type KsaRun } from './support/ksa.js';
import { startMariadb, startPostgres, startRedis, type Throwaway } from './support/throwaway-servers.js';
import { createOperationGuard } from '../../src/sdk/guard.js';
import { loadBuiltinManifest } from '../support/plugin-harness.js';
import { splitSqlText } from '../support/split-sql.js';

const m = measurements('read-only guarantee (reliability case 13)');
afterAll(() => m.print());

// ---------------------------------------------------------------- what counts as a write

/** Redis subcommands that change server state without the `write` command flag. */
const REDIS_MUTATING = new Set(['CONFIG SET', 'CONFIG RESETSTAT', 'CONFIG REWRITE', 'SLOWLOG RESET', 'CLIENT KILL', 'CLIENT PAUSE', 'CLIENT NO-EVICT',
  'LATENCY RESET', 'MEMORY PURGE', 'SCRIPT FLUSH', 'SCRIPT KILL', 'FUNCTION FLUSH', 'FUNCTION DELETE', 'ACL SETUSER', 'ACL DELUSER', 'ACL SAVE', 'ACL LOAD',
  'SHUTDOWN', 'DEBUG', 'BGSAVE', 'SAVE', 'BGREWRITEAOF', 'REPLICAOF', 'SLAVEOF', 'FAILOVER', 'CLUSTER RESET', 'CLUSTER FAILOVER', 'MODULE LOAD', 'MODULE UNLOAD', 'SWAPDB', 'FLUSHALL', 'FLUSHDB']);

/** Functions that change state even inside a SELECT. */
const SQL_SIDE_EFFECTS = /\b(pg_cancel_backend|pg_terminate_backend|pg_reload_conf|pg_rotate_logfile|pg_stat_reset\w*|pg_stat_statements_reset|nextval|setval|pg_advisory\w*lock\w*|pg_create_\w+_slot|pg_drop_replication_slot|pg_switch_wal|pg_promote|lo_\w+|dblink\w*|txid_current|sleep|benchmark|get_lock)\s*\(/i;

/** Why a SQL statement could write (null when it is a read or session-only). */
export function sqlWrite(statement: string): string | null {
  const sql = statement.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
  const head = sql.split(' ')[0]?.toUpperCase() ?? '';
  const upper = sql.toUpperCase();
  if (sql === '') return null;
  if (SQL_SIDE_EFFECTS.test(sql)) return `side-effect function: ${SQL_SIDE_EFFECTS.exec(sql)![1]}`;
  const reads: Record<string, () => string | null> = {
    SELECT: () => (/\bFOR (UPDATE|SHARE|NO KEY UPDATE|KEY SHARE)\b|\bINTO\b|\bLOCK IN SHARE MODE\b/.test(upper) ? 'locking or INTO select' : null),
    WITH: () => (/\b(INSERT|UPDATE|DELETE|MERGE)\b/.test(upper) ? 'data-modifying CTE' : null),
    SHOW: () => null,
    EXPLAIN: () => (/\bEXPLAIN\s+(\(.*\)\s*)?(ANALY[SZ]E\s+)?(VERBOSE\s+)?(SELECT|WITH)\b/.test(upper) || /^EXPLAIN (FORMAT=\w+ )?SELECT/.test(upper) ? null : 'EXPLAIN of a non-SELECT'),
    DESCRIBE: () => null,
    DESC: () => null,
    USE: () => null,
    SET: () => (/\b(GLOBAL|PERSIST|PERSIST_ONLY)\b|@@GLOBAL\./.test(upper) ? 'global setting' : null),
    BEGIN: () => null,
    START: () => (/^START TRANSACTION\b/.test(upper) ? null : 'START (replica/slave?)'),
    COMMIT: () => null,
    ROLLBACK: () => null,
    DEALLOCATE: () => null,
    DISCARD: () => null,
    RESET: () => (/^RESET (ALL|SESSION|\w+)$/.test(upper) && !/^RESET (MASTER|SLAVE|REPLICA|QUERY CACHE)/.test(upper) && /^RESET [A-Z_]+$/.test(upper) ? null : 'RESET'),
  };
  const check = reads[head];
  return check ? check() : `statement kind ${head}`;
}

/** What the server saw that the plugin's manifest does not declare for a diagnosis (its top-level operations). */
function undeclared(manifestId: string, seen: ReadonlyArray<string | readonly string[]>, dialect?: 'mysql' | 'postgres'): string[] {
  const guard = createOperationGuard(manifestId, loadBuiltinManifest(manifestId).operations);
  return seen.filter((op) => {
    if (dialect === undefined) return !guard.allows(op);
    try { guard.assertSql(String(op), dialect); return false; } catch { return true; }
  }).map((op) => (typeof op === 'string' ? op.slice(0, 80) : op.slice(0, 2).join(' ')));
}

// ---------------------------------------------------------------- log parsers

/** PostgreSQL log (default prefix `%m [%p] `): statements (a multi-statement message split) and connection lines. */
function pgEntries(log: string): { statements: string[]; connections: number } {
  const entries = log.split(/\n(?=\d{4}-\d\d-\d\d )/);
  const statements: string[] = [];
  let connections = 0;
  for (const e of entries) {
    const s = /LOG: {2}(?:statement|execute [^:]*): ([\s\S]*)$/.exec(e);
    if (s) statements.push(...splitSqlText(s[1]!.split(/\n\d{4}-\d\d-\d\d .*DETAIL:/)[0]!));
    if (/LOG: {2}connection received/.test(e)) connections++;
  }
  return { statements, connections };
}

/** MariaDB general log: Query/Execute statements (a multi-statement query split) and Connect lines. */
function mysqlEntries(log: string): { statements: string[]; connections: number } {
  const statements: string[] = [];
  let connections = 0;
  let current: string[] | undefined;
  for (const line of log.split('\n')) {
    const e = /^(?:\d{6}\s+\d{1,2}:\d\d:\d\d)?\s+\d+\s+([A-Za-z ]+?)\t(.*)$/.exec(line);
    if (e) {
      if (current) statements.push(...splitSqlText(current.join('\n')));
      current = undefined;
      if (e[1] === 'Connect') connections++;
      if (e[1] === 'Query' || e[1] === 'Execute') current = [e[2]!];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) statements.push(...splitSqlText(current.join('\n')));
  return { statements, connections };
}

/**
 * Watches a Redis server: MONITOR for the command stream, and INFO commandstats for the count of
 * every command, because MONITOR does not show administrative commands (CONFIG SET, SLOWLOG
 * RESET, CLIENT KILL...), which are exactly the dangerous ones.
 */
async function monitor(address: string, password: string): Promise<{ take(): string[][]; flags(name: string): Promise<string[]>; stats(): Promise<Map<string, number>>; close(): Promise<void> }> {
  const [host, port] = [address.split(':')[0]!, Number(address.split(':')[1])];
  const admin = new Redis({ host, port, password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  const mon = await admin.monitor();
  let seen: string[][] = [];
  const info = new Redis({ host, port, password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await info.connect();
  // The watcher's own COMMAND INFO calls are not ksa's.
  const own = `127.0.0.1:${(info as unknown as { stream: { localPort: number } }).stream.localPort}`;
  mon.on('monitor', (_time: string, args: string[], source: string) => { if (source !== own) seen.push(args); });
  const flagCache = new Map<string, string[]>();
  return {
    take: () => { const out = seen; seen = []; return out; },
    async flags(name) {
      if (!flagCache.has(name)) {
        const reply = (await info.call('COMMAND', 'INFO', name)) as Array<[string, number, string[]] | null>;
        flagCache.set(name, reply[0]?.[2] ?? []);
      }
      return flagCache.get(name)!;
    },
    async stats() {
      const text = (await info.info('commandstats')) as string;
      const out = new Map<string, number>();
      for (const mm of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(mm[1]!.replace('|', ' ').toUpperCase(), Number(mm[2]));
      return out;
    },
    async close() { mon.disconnect(); admin.disconnect(); info.disconnect(); },
  };
}

/** Commands run between two commandstats snapshots, without the watcher's own INFO. */
function statsDelta(before: Map<string, number>, after: Map<string, number>): string[][] {
  const out: string[][] = [];
  for (const [name, calls] of after) {
    const n = calls - (before.get(name) ?? 0) - (name === 'INFO' ? 1 : 0);
    if (n > 0) out.push(name.split(' '));
  }
  return out;
}

async function redisWrites(commands: string[][], flags: (name: string) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const args of commands) {
    const name = (args[0] ?? '').toUpperCase();
    const withSub = `${name} ${(args[1] ?? '').toUpperCase()}`;
    if (REDIS_MUTATING.has(name) || REDIS_MUTATING.has(withSub)) out.push(withSub.trim());
    else if ((await flags(name)).includes('write')) out.push(name);
  }
  return out;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

function expectFullDiagnosis(run: KsaRun, label: string): void {
  expect(run.signal, label).toBeNull();
  const result = parseReport(run.stdout).results[0]!;
  expect(result.errors.filter((e) => e.code !== 'KSA_ERR_TIMEOUT'), `${label}: ${JSON.stringify(result.errors)}`).toEqual([]);
  expect(['healthy', 'warning', 'critical'], `${label}: ${result.status}`).toContain(result.status);
}

// ---------------------------------------------------------------- the three servers

describe.runIf(builtPlugin('redis'))('case 13: Redis, watched with MONITOR', () => {
  let server: Throwaway;
  let mon: Awaited<ReturnType<typeof monitor>>;
  beforeAll(async () => {
    server = await startRedis();
    mon = await monitor(server.address, server.password);
  });
  afterAll(async () => { await mon?.close(); await server?.stop(); });
  const env = () => ({ REDISCLI_AUTH: server.password });

  it('a full diagnosis sends no write command (MONITOR and commandstats)', async () => {
    const before = await mon.stats();
    const run = await runKsa(['diagnose', 'redis', server.address, '--json', '--timeout', '10s'], { env: env() });
    expectFullDiagnosis(run, 'redis');
    await settle();
    const commands = mon.take();
    const counted = statsDelta(before, await mon.stats());
    expect(commands.length).toBeGreaterThan(0);
    expect(await redisWrites(commands, (n) => mon.flags(n))).toEqual([]);
    expect(undeclared('redis-diagnostics', commands)).toEqual([]);
    expect(await redisWrites(counted, (n) => mon.flags(n.replace(' ', '|')))).toEqual([]);
    m.record('case 13 redis commandstats', counted.map((c) => c.join(' ')).join(', '));
    m.record('case 13 redis diagnosis', `${commands.length} commands, 0 writes: ${[...new Set(commands.map((c) => c.slice(0, c[0] === 'info' || c[0] === 'INFO' ? 1 : 2).join(' ')))].join(', ')}`);
  });

  it('slowlog-reset without --allow-write is refused before anything is sent; with it, commandstats counts the write', async () => {
    mon.take();
    let before = await mon.stats();
    const refused = await runKsa(['action', 'redis', 'slowlog-reset', server.address, '--json'], { env: env() });
    await settle();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain('KSA_ERR_WRITE_NOT_ALLOWED');
    expect(mon.take()).toEqual([]);
    expect(statsDelta(before, await mon.stats())).toEqual([]);
    before = await mon.stats();
    const allowed = await runKsa(['action', 'redis', 'slowlog-reset', server.address, '--allow-write', '--json'], { env: env() });
    await settle();
    expect(allowed.code, allowed.stderr).toBe(0);
    const counted = statsDelta(before, await mon.stats());
    expect(await redisWrites(counted, (n) => mon.flags(n.replace(' ', '|'))), JSON.stringify(counted)).toContain('SLOWLOG RESET');
  });
});

describe.runIf(builtPlugin('mysql'))('case 13: MariaDB, watched with the general query log', () => {
  let server: Awaited<ReturnType<typeof startMariadb>>;
  beforeAll(async () => { server = await startMariadb(); }, 60_000);
  afterAll(async () => { await server?.stop(); });
  const env = () => ({ MYSQL_PWD: server.password });

  it('a full diagnosis issues no write statement', async () => {
    server.logSince();
    const run = await runKsa(['diagnose', 'mysql', server.address, '--user', server.user, '--json', '--timeout', '10s'], { env: env() });
    expectFullDiagnosis(run, 'mysql');
    await settle();
    const { statements, connections } = mysqlEntries(server.logSince());
    expect(statements.length).toBeGreaterThan(0);
    expect(undeclared('mysql-diagnostics', statements, 'mysql')).toEqual([]);
    expect(statements.map((s) => [s.slice(0, 80), sqlWrite(s)]).filter(([, w]) => w !== null)).toEqual([]);
    m.record('case 13 mariadb diagnosis', `${connections} connection(s), ${statements.length} statements, 0 writes`);
  });

  it('kill-session without --allow-write is refused before connecting; with it, the log shows the KILL', async () => {
    server.logSince();
    const refused = await runKsa(['action', 'mysql', 'kill-session', server.address, '--user', server.user, '--param', 'id=999999', '--json'], { env: env() });
    await settle();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain('KSA_ERR_WRITE_NOT_ALLOWED');
    expect(mysqlEntries(server.logSince())).toEqual({ statements: [], connections: 0 });
    await runKsa(['action', 'mysql', 'kill-session', server.address, '--user', server.user, '--param', 'id=999999', '--allow-write', '--json'], { env: env() });
    await settle();
    expect(mysqlEntries(server.logSince()).statements.map(sqlWrite).filter(Boolean)).toContain('statement kind KILL');
  });
});

describe.runIf(builtPlugin('postgres'))('case 13: PostgreSQL, watched with log_statement=all', () => {
  let server: Throwaway;
  beforeAll(async () => { server = await startPostgres(); }, 60_000);
  afterAll(async () => { await server?.stop(); });
  const env = () => ({ PGPASSWORD: server.password });

  it('a full diagnosis (as the superuser) issues no write statement', async () => {
    server.logSince();
    const run = await runKsa(['diagnose', 'postgres', server.address, '--user', server.user, '--json', '--timeout', '10s'], { env: env() });
    expectFullDiagnosis(run, 'postgres');
    await settle();
    const { statements, connections } = pgEntries(server.logSince());
    expect(statements.length).toBeGreaterThan(0);
    expect(undeclared('postgres-diagnostics', statements, 'postgres')).toEqual([]);
    expect(statements.map((s) => [s.slice(0, 80), sqlWrite(s)]).filter(([, w]) => w !== null)).toEqual([]);
    m.record('case 13 postgres diagnosis', `${connections} connection(s), ${statements.length} statements, 0 writes`);
  });

  it('terminate-backend without --allow-write is refused before connecting; with it, the log shows pg_terminate_backend', async () => {
    server.logSince();
    const refused = await runKsa(['action', 'postgres', 'terminate-backend', server.address, '--user', server.user, '--param', 'pid=999999', '--json'], { env: env() });
    await settle();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain('KSA_ERR_WRITE_NOT_ALLOWED');
    expect(pgEntries(server.logSince())).toEqual({ statements: [], connections: 0 });
    await runKsa(['action', 'postgres', 'terminate-backend', server.address, '--user', server.user, '--param', 'pid=999999', '--allow-write', '--json'], { env: env() });
    await settle();
    expect(pgEntries(server.logSince()).statements.map(sqlWrite).filter(Boolean)).toContain('side-effect function: pg_terminate_backend');
  });
});

describe('case 13: the write classifier itself', () => {
  it.each([
    ['SELECT 1', null],
    ['SHOW GLOBAL STATUS', null],
    ['SET SESSION TRANSACTION READ ONLY', null],
    ['SET GLOBAL max_connections = 10', 'global setting'],
    ['INSERT INTO t VALUES (1)', 'statement kind INSERT'],
    ['SELECT pg_terminate_backend(1)', 'side-effect function: pg_terminate_backend'],
    ['SELECT * FROM t FOR UPDATE', 'locking or INTO select'],
    ['WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'data-modifying CTE'],
    ['KILL 5', 'statement kind KILL'],
    ['/* c */ select now()', null],
  ])('%s -> %s', (sql, expected) => {
    expect(sqlWrite(sql)).toBe(expected);
  });
});
