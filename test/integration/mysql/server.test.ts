// Single-server scenarios on a throwaway MariaDB (performance_schema ON with statement history):
// lock wait, deadlock, slow statements, connections near max_connections, a low-privilege user,
// and proof that a diagnosis writes nothing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import plugin from '../../../plugins/mysql/index.js';
import { loadBuiltinManifest, makeContext, runPlugin } from '../../support/plugin-harness.js';
import { operationsInScope } from '../../../src/core/operation-entries.js';
import { MiddlewareTargetSchema } from '../../../src/core/schemas.js';
import { createMonitorUser, startMariaDb, type MariaDb } from './mariadb.js';
import { waitFor } from '../../support/wait-for.js';
import { splitSqlText } from '../../support/split-sql.js';

let server: MariaDb;
const PASSWORD = 'monitor-pw-2';

const diagnose = (categories: string[], username = 'ksa', password = PASSWORD) => runPlugin(plugin, 'mysql-diagnostics', {
  type: 'mysql', name: 'one', endpoints: [`mysql://${username}@127.0.0.1:${server.port}`], auth: { username, password },
}, { categories });

const client = () => mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'app', password: 'app-pw', database: 'app' });

beforeAll(async () => {
  server = await startMariaDb({
    args: ['--performance-schema=ON', '--performance-schema-consumer-events-statements-current=ON', '--performance-schema-consumer-events-statements-history=ON', '--innodb-lock-wait-timeout=20'],
  });
  await server.sql('CREATE DATABASE app');
  await server.sql('CREATE TABLE app.t (id INT PRIMARY KEY, v INT)');
  await server.sql('INSERT INTO app.t VALUES (1, 0), (2, 0)');
  await createMonitorUser(server, 'ksa', PASSWORD);
  await createMonitorUser(server, 'nopriv', 'nopriv-pw', '');
  await server.sql(`CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-pw'`);
  await server.sql(`GRANT ALL ON app.* TO 'app'@'127.0.0.1'`);
  await server.sql(`CREATE USER 'root-admin'@'127.0.0.1' IDENTIFIED BY 'admin-pw'`);
  await server.sql(`GRANT ALL ON *.* TO 'root-admin'@'127.0.0.1'`);
});

afterAll(async () => {
  await server?.stop();
});

describe('mysql single server scenarios (real MariaDB)', () => {
  it('a lock wait between two sessions shows the waiting and the blocking statement', async () => {
    const blocker = await client();
    const waiter = await client();
    try {
      await blocker.query('BEGIN');
      await blocker.query('UPDATE t SET v = 10 WHERE id = 1');
      const waiting = waiter.query('UPDATE t SET v = 20 WHERE id = 1').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1300));
      const { result } = await diagnose(['innodb']);
      const wait = result.findings.find((f) => f.id === 'mysql.innodb.lock-wait');
      expect(wait?.severity).toBe('warning');
      expect(wait?.evidence.waitingStatement).toBe('UPDATE t SET v = ? WHERE id = ?');
      // The blocker is idle in its transaction: its statement comes from the statement history.
      expect(wait?.evidence.blockingStatement).toBeNull();
      expect(wait?.evidence.blockingRecentStatements).toContain('UPDATE t SET v = ? WHERE id = ?');
      expect(wait?.detail).toMatch(/Waiting: UPDATE t SET v = \? WHERE id = \? -- blocked by session \d+: idle in transaction; its recent statements: .*UPDATE t SET v = \? WHERE id = \?/);
      expect(JSON.stringify(wait)).not.toContain('= 10');
      await blocker.query('ROLLBACK');
      await waiting;
    } finally {
      await blocker.end();
      await waiter.end();
    }
  });

  it('the kill-session action ends a blocking session, and only with allowWrite', async () => {
    const blocker = await client();
    const [[who]] = (await blocker.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    await blocker.query('BEGIN');
    await blocker.query('UPDATE t SET v = 30 WHERE id = 2');
    const manifest = loadBuiltinManifest('mysql-diagnostics');
    const instance = plugin.create();
    // The action's call: KILL is declared for kill-session only.
    const ctx = makeContext(manifest, 10_000, { operations: operationsInScope(manifest, 'kill-session') });
    await instance.connect(ctx, MiddlewareTargetSchema.parse({ type: 'mysql', name: 'kill', endpoints: [`127.0.0.1:${server.port}`], auth: { username: 'root-admin', password: 'admin-pw' } }));
    try {
      // Refusal without --allow-write is the manager's (test/e2e/plugin-lifecycle.test.ts, reliability case 13).
      await expect(instance.execute(ctx, 'kill-session', { id: 'x' })).rejects.toMatchObject({ code: 'KSA_ERR_BAD_INPUT' });
      await expect(instance.execute(ctx, 'kill-session', { id: who.id })).resolves.toMatchObject({ ok: true });
      await expect(blocker.query('SELECT 1')).rejects.toThrow();
      expect(await server.sql('SELECT v FROM app.t WHERE id = 2')).toEqual([{ v: 0 }]);
    } finally {
      await instance.disconnect(ctx);
      blocker.destroy();
    }
  });

  it('a real deadlock is reported with its time and both statements', async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('UPDATE t SET v = 1 WHERE id = 1');
      await b.query('UPDATE t SET v = 2 WHERE id = 2');
      const first = a.query('UPDATE t SET v = 1 WHERE id = 2').catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 200));
      const second = await b.query('UPDATE t SET v = 2 WHERE id = 1').catch((e: Error) => e);
      const outcomes = [await first, second];
      expect(outcomes.some((o) => o instanceof Error && /Deadlock/.test(o.message))).toBe(true);
      await a.query('ROLLBACK');
      await b.query('ROLLBACK');
    } finally {
      await a.end();
      await b.end();
    }
    const { result } = await diagnose(['innodb']);
    const deadlock = result.findings.find((f) => f.id === 'mysql.innodb.deadlock');
    expect(deadlock?.severity).toBe('warning');
    expect(deadlock?.title).toMatch(/^Deadlock at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(server time, \d+ s ago\)$/);
    const transactions = deadlock?.evidence.transactions as Array<{ statement: string; rolledBack: boolean }>;
    expect(transactions.map((t) => t.statement).sort()).toEqual(['UPDATE t SET v = ? WHERE id = ?', 'UPDATE t SET v = ? WHERE id = ?']);
    expect(transactions.filter((t) => t.rolledBack)).toHaveLength(1);
    expect(Number(deadlock?.evidence.secondsAgo)).toBeLessThan(60);
  });

  it('slow statements appear in the top statements list and are judged by average latency', async () => {
    const c = await client();
    await c.query('SELECT SLEEP(1.1) AS s FROM t WHERE id = 1');
    await c.query('SELECT SLEEP(1.1) AS s FROM t WHERE id = 2');
    await c.end();
    const { result } = await diagnose(['performance']);
    const top = result.findings.find((f) => f.id === 'mysql.performance.top-statements');
    const statements = top?.evidence.statements as Array<{ statement: string; executions: number; avgMs: number }>;
    // Among the top by total latency (the lock-wait UPDATEs of earlier tests may rank above it).
    const sleeper = statements.find((s) => /SLEEP/.test(s.statement));
    // ksa's own statements (earlier diagnoses of this file) are not offered as tuning targets.
    expect(statements.filter((s) => /^(SHOW|SET) |performance_schema|information_schema|^SELECT `?(NOW|VERSION|CONNECTION_ID)`? /.test(s.statement)).map((s) => s.statement)).toEqual([]);
    expect(sleeper).toMatchObject({ executions: 2 });
    expect(sleeper?.avgMs).toBeGreaterThan(1000);
    const slow = result.findings.find((f) => f.id === 'mysql.performance.slow-statement');
    expect(slow).toMatchObject({ severity: 'warning', observed: { unit: 'ms' }, threshold: { warning: 1000, critical: 10000 } });
    expect(slow?.detail).toMatch(/SLEEP/);
  });

  it('connections near max_connections: warning with who holds them', async () => {
    await server.sql('SET GLOBAL max_connections = 10');
    const held = await Promise.all(Array.from({ length: 8 }, () => client()));
    try {
      // Sessions closed by earlier tests may take a moment to leave the process list.
      await waitFor('only the 8 held client sessions', async () => {
        const [row] = (await server.sql(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND <> 'Daemon' AND USER <> 'system user'`)) as Array<{ n: number }>;
        return Number(row?.n) === 9; // 8 clients + this probe's own root session
      });
      // 8 clients + the diagnosing session = 9 of 10 (90% > 85%).
      const { result } = await diagnose(['connection']);
      const usage = result.findings.find((f) => f.id === 'mysql.connection.usage');
      expect(usage).toMatchObject({ severity: 'warning', observed: { value: 90, unit: '%' } });
      expect(usage?.evidence.byUser).toEqual([{ name: 'app', connections: 8 }]);
      expect(usage?.evidence.byHost).toEqual([{ name: '127.0.0.1', connections: 8 }]);
    } finally {
      await Promise.all(held.map((c) => c.end()));
      await server.sql('SET GLOBAL max_connections = 151');
    }
  });

  it('a low-privilege user: whole categories skipped and partial checks skipped, each naming the privilege', async () => {
    const { result } = await diagnose(['connection', 'replication', 'performance', 'innodb', 'security'], 'nopriv', 'nopriv-pw');
    const byName = Object.fromEntries(result.categories.map((c) => [c.name, c]));
    expect(byName.replication).toMatchObject({ status: 'unknown', skipped: expect.stringContaining("SHOW ALL REPLICAS STATUS needs the SLAVE MONITOR privilege: GRANT SLAVE MONITOR ON *.* TO 'nopriv'@'127.0.0.1'") });
    expect(byName.security).toMatchObject({ status: 'unknown', skipped: expect.stringContaining("reading the account list needs the SELECT privilege: GRANT SELECT ON mysql.global_priv TO 'nopriv'@'127.0.0.1'") });
    expect(byName.innodb?.skipped).toContain("SHOW ENGINE INNODB STATUS needs the PROCESS privilege: GRANT PROCESS ON *.* TO 'nopriv'@'127.0.0.1'");
    expect(byName.performance?.skipped).toContain("needs the SELECT privilege: GRANT SELECT ON performance_schema.* TO 'nopriv'@'127.0.0.1'");
    expect(byName.connection?.skipped).toContain("needs the PROCESS privilege: GRANT PROCESS ON *.* TO 'nopriv'@'127.0.0.1'");
    expect(result.errors).toEqual([]);
  });

  it('a diagnosis writes nothing: binlog position unchanged, general log shows only SELECT/SHOW/SET SESSION', async () => {
    const log = `${server.dir}/general.log`;
    await server.sql(`SET GLOBAL general_log_file = '${log}'`);
    await server.sql('SET GLOBAL general_log = ON');
    const before = await server.sql('SELECT @@gtid_binlog_pos AS pos');
    const masterBefore = await server.sql('SHOW MASTER STATUS');
    const { result } = await diagnose(['connection', 'replication', 'performance', 'innodb', 'security']);
    await server.sql('SET GLOBAL general_log = OFF');
    expect(result.errors).toEqual([]);
    expect(await server.sql('SELECT @@gtid_binlog_pos AS pos')).toEqual(before);
    expect(await server.sql('SHOW MASTER STATUS')).toEqual(masterBefore);
    // Lines of the diagnosing session: "<time> <id> Query <statement>" after its Connect line.
    const lines = readFileSync(log, 'utf8').split('\n');
    const connect = lines.find((l) => /\bConnect\s+ksa@/.test(l));
    const id = connect ? /(\d+)\s+Connect/.exec(connect)?.[1] : undefined;
    expect(id).toBeDefined();
    // An entry may span lines (a multi-statement batch): it runs until the next entry's header.
    const entries: Array<{ id: string; kind: string; text: string }> = [];
    for (const l of lines) {
      const head = /^\s*(?:\d+\s+[\d:]+\s+)?(\d+)\s+(\w+)\t?\s*(.*)$/.exec(l);
      if (head && /^(Query|Connect|Quit|Execute|Prepare|Init)$/.test(head[2]!)) entries.push({ id: head[1]!, kind: head[2]!, text: head[3]! });
      else if (entries.length > 0) entries[entries.length - 1]!.text += `\n${l}`;
    }
    const statements = entries.filter((e) => e.id === id && e.kind === 'Query').flatMap((e) => splitSqlText(e.text));
    expect(statements.length).toBeGreaterThan(5);
    for (const s of statements) expect(s.trim()).toMatch(/^(SELECT|SHOW|SET SESSION)\b/i);
  });

  // The counters behind mysql.performance.joins-without-index and tmp-disk-tables are global: a
  // ksa run every minute must not move them, or the gate would warn about ksa itself.
  it('a full diagnosis adds nothing to Select_full_join, Select_range_check or Created_tmp_disk_tables', async () => {
    await createMonitorUser(server, 'quiet', 'quiet-pw-3');
    await diagnose(['connection', 'replication', 'performance', 'innodb', 'security'], 'quiet', 'quiet-pw-3');
    const [own] = await server.sql(`SELECT SUM(COUNT_STAR) AS statements, SUM(SUM_SELECT_FULL_JOIN) AS fullJoins,
        SUM(SUM_SELECT_RANGE_CHECK) AS rangeChecks, SUM(SUM_CREATED_TMP_DISK_TABLES) AS diskTmpTables
      FROM performance_schema.events_statements_summary_by_account_by_event_name WHERE USER = 'quiet'`) as Array<Record<string, unknown>>;
    expect(Number(own?.statements)).toBeGreaterThan(5);
    expect({ fullJoins: Number(own?.fullJoins), rangeChecks: Number(own?.rangeChecks), diskTmpTables: Number(own?.diskTmpTables) }).toEqual({ fullJoins: 0, rangeChecks: 0, diskTmpTables: 0 });
  });
});

describe('mysql with performance_schema OFF (real MariaDB)', () => {
  let off: MariaDb;
  beforeAll(async () => {
    off = await startMariaDb({ args: ['--performance-schema=OFF'] });
    await createMonitorUser(off, 'ksa', PASSWORD);
  });
  afterAll(async () => off?.stop());

  it('performance: top statements skipped with the exact setting to turn on', async () => {
    const { result } = await runPlugin(plugin, 'mysql-diagnostics', {
      type: 'mysql', name: 'off', endpoints: [`127.0.0.1:${off.port}`], auth: { username: 'ksa', password: PASSWORD },
    }, { categories: ['performance'] });
    const performance = result.categories.find((c) => c.name === 'performance');
    expect(performance?.skipped).toContain('performance_schema is OFF: set performance_schema=ON in the [mysqld] section of my.cnf and restart the server');
    expect(performance?.status).toBe('unknown');
    expect(result.findings.filter((f) => f.id === 'mysql.performance.top-statements')).toEqual([]);
  });

  it('connects over the unix socket given in options (endpoint ignored)', async () => {
    const { result, snapshot } = await runPlugin(plugin, 'mysql-diagnostics', {
      type: 'mysql', name: 'sock', endpoints: ['unix:/ignored'], auth: { username: 'ksa', password: PASSWORD }, options: { socket: off.socket },
    }, { categories: ['connection'] });
    expect(result.errors).toEqual([]);
    expect((snapshot.data as { server: { currentUser: string } }).server.currentUser).toBe('ksa@localhost');
  });
});
