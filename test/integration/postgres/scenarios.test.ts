// Scenarios that break a real PostgreSQL (max_connections = 20, wal_level = logical,
// pg_stat_statements preloaded), each set up by the test and judged by the plugin as pg_monitor.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import postgres from '../../../plugins/postgres/index.js';
import { MARK } from '../../../plugins/postgres/queries.js';
import { loadBuiltinManifest, makeContext, runPlugin } from '../../support/plugin-harness.js';
import { operationsInScope } from '../../../src/core/operation-entries.js';
import { freePort, MONITOR, SUPERUSER_PASSWORD, startPrimary, type PgServer } from './pg-cluster.js';
import { waitFor } from '../../support/wait-for.js';
import { MiddlewareTargetSchema } from '../../../src/core/schemas.js';

const APP = { username: 'app', password: 'app-secret-pw' };
const PLAIN = { username: 'plain', password: 'plain-secret-pw' };
const target = (endpoint: string, auth: { username: string; password: string } = MONITOR) =>
  ({ type: 'postgres', name: 'pg-test', endpoints: [endpoint], auth });

describe('postgres scenarios against a real server', () => {
  let server: PgServer;
  const open: pg.Client[] = [];
  const connect = async (user = APP) => { const c = await server.client(user); open.push(c); return c; };

  beforeAll(async () => {
    server = await startPrimary({ max_connections: 20, superuser_reserved_connections: 3, wal_level: 'logical' });
    await server.sql(`CREATE ROLE ${APP.username} LOGIN PASSWORD '${APP.password}'; CREATE ROLE ${PLAIN.username} LOGIN PASSWORD '${PLAIN.password}';
      CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 100), (2, 200);
      GRANT SELECT, UPDATE ON accounts TO ${APP.username}`);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.end().catch(() => undefined)));
  });
  afterAll(() => { server?.stop(); server?.remove(); });

  it('a session idle in transaction: found with a low threshold, not at the 5 min default', async () => {
    const idle = await connect();
    await idle.query('BEGIN');
    await idle.query('SELECT balance FROM accounts WHERE id = 1');
    const pid = (await idle.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    await new Promise((r) => setTimeout(r, 1100));
    const low = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['connection'], thresholds: { 'postgres.connection.idle-in-transaction': { warning: 1 } } });
    const finding = low.result.findings.find((f) => f.id === 'postgres.connection.idle-in-transaction');
    expect(finding?.severity).toBe('warning');
    expect((finding?.evidence.sessions as Array<{ pid: number; user: string }>)[0]).toMatchObject({ pid, user: 'app' });
    expect(finding?.threshold?.source).toMatch(/override/);
    const defaults = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['connection'] });
    expect(defaults.result.findings).toEqual([]);
  });

  it('a blocked session with its blocker: both queries shown', async () => {
    const blocker = await connect();
    const waiter = await connect();
    await blocker.query('BEGIN');
    await blocker.query('UPDATE accounts SET balance = 101 WHERE id = 1');
    const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const waiting = waiter.query('UPDATE accounts SET balance = 102 WHERE id = 1');
    await waitFor('a lock wait', async () => (await server.sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)).length > 0);
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['locks'] });
    const f = result.findings.find((x) => x.id === 'postgres.locks.blocked');
    expect(f?.severity).toBe('warning');
    expect(f?.observed?.value).toBe(1);
    const ev = f!.evidence as { blocked: Array<{ blockedBy: number[]; query: string }>; blockers: Array<{ pid: number; query: string }> };
    expect(ev.blocked[0]?.blockedBy).toEqual([blockerPid]);
    expect(ev.blocked[0]?.query).toBe('UPDATE accounts SET balance = ? WHERE id = ?');
    expect(ev.blockers[0]?.pid).toBe(blockerPid);
    expect(ev.blockers[0]?.query).toBe('SELECT pg_backend_pid() AS pid'); // its last statement; the lock is from the open transaction
    await blocker.query('ROLLBACK');
    await waiting;
  });

  it('an inactive replication slot retaining WAL', async () => {
    await server.sql(`SELECT pg_create_logical_replication_slot('ksa_test_cdc', 'test_decoding')`);
    await server.sql(`CREATE TABLE wal_filler AS SELECT g FROM generate_series(1, 1000) g; DROP TABLE wal_filler`);
    try {
      const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['replication'] });
      const f = result.findings.find((x) => x.id === 'postgres.replication.slot-inactive');
      expect(f?.severity).toBe('warning');
      expect(f?.title).toContain('ksa_test_cdc');
      expect(Number(f?.observed?.value)).toBeGreaterThan(0);
    } finally {
      await server.sql(`SELECT pg_drop_replication_slot('ksa_test_cdc')`);
    }
  });

  it('connections near max_connections (20, 3 reserved): critical', async () => {
    // 17 slots for ordinary roles; the admin connection of server.sql is closed, ksa's own is excluded.
    await waitFor('earlier sessions gone', async () => (await server.sql(`SELECT 1 FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`)).length === 0);
    await Promise.all(Array.from({ length: 16 }, () => connect()));
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['connection'] });
    const f = result.findings.find((x) => x.id === 'postgres.connection.usage');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({ used: 16, available: 17, maxConnections: 20, superuserReserved: 3 });
    expect(result.status).toBe('critical');
  });

  it('pg_stat_statements: the top query is reported', async () => {
    await server.sql('SELECT pg_stat_statements_reset()');
    const app = await connect();
    for (let i = 0; i < 3; i++) await app.query('SELECT count(*) FROM generate_series(1, 300000) AS heavy_report');
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { categories: ['performance'] });
    const f = result.findings.find((x) => x.id === 'postgres.performance.top-statements');
    expect(f?.severity).toBe('info');
    const top = (f?.evidence.statements as Array<{ query: string; calls: number; user: string }>)[0];
    expect(top).toMatchObject({ calls: 3, user: 'app' });
    expect(top?.query).toContain('heavy_report');
    expect(JSON.stringify(f?.evidence)).not.toContain(MARK); // ksa's own statements are left out
  });

  it('a role without pg_monitor: the hidden parts are skipped with the privilege named', async () => {
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint, PLAIN));
    const reason = (name: string) => result.categories.find((c) => c.name === name)?.skipped ?? '';
    expect(reason('connection')).toMatch(/GRANT pg_read_all_stats \(or pg_monitor\) TO plain/);
    expect(reason('locks')).toMatch(/pg_read_all_stats/);
    expect(reason('security')).toMatch(/pg_hba_file_rules/);
    expect(result.errors).toEqual([]);
  });

  it('a view revoked from PUBLIC: that category is skipped naming the grant, the rest is diagnosed', async () => {
    await server.sql('REVOKE SELECT ON pg_catalog.pg_stat_replication FROM PUBLIC');
    try {
      const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint, PLAIN));
      const skipped = Object.fromEntries(result.categories.map((c) => [c.name, c.skipped]));
      expect(skipped.replication).toMatch(/permission denied for view pg_stat_replication.*GRANT pg_monitor TO plain/);
      expect(skipped.maintenance).toBeUndefined();
      expect(result.categories.find((c) => c.name === 'replication')?.status).toBe('unknown');
    } finally {
      await server.sql('GRANT SELECT ON pg_catalog.pg_stat_replication TO PUBLIC');
    }
  });

  it('the session is read-only even for a superuser: a locking SELECT is refused by the guard, a write the guard cannot see by the server', async () => {
    const manifest = loadBuiltinManifest('postgres-diagnostics');
    // A write hidden in a user-defined function: the guard does not know what it does, the read-only session does.
    await server.sql(`CREATE OR REPLACE FUNCTION ksa_hidden_write() RETURNS int LANGUAGE sql AS 'UPDATE accounts SET balance = balance RETURNING 1'`);
    const conn = await postgres.parts.connect(makeContext(manifest), MiddlewareTargetSchema.parse(target(server.endpoint, { username: 'postgres', password: SUPERUSER_PASSWORD })));
    try {
      await expect(conn.query(`${MARK} SELECT * FROM accounts FOR UPDATE`)).rejects.toMatchObject({ code: 'KSA_ERR_OPERATION_DENIED', message: expect.stringContaining('SELECT FOR UPDATE') });
      await expect(conn.query(`${MARK} SELECT ksa_hidden_write()`)).rejects.toMatchObject({ code: '25006' }); // read_only_sql_transaction
    } finally {
      await conn.close();
    }
  });

  it('actions: terminate-backend needs allowWrite, then ends the session', async () => {
    const victim = await connect();
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const manifest = loadBuiltinManifest('postgres-diagnostics');
    // Outside its action's call (the diagnosis scope), pg_terminate_backend is refused at the guard.
    const outside = postgres.create();
    const diagnoseCtx = makeContext(manifest);
    await outside.connect(diagnoseCtx, MiddlewareTargetSchema.parse(target(server.endpoint, { username: 'postgres', password: SUPERUSER_PASSWORD })));
    try {
      await expect(outside.execute(diagnoseCtx, 'terminate-backend', { pid: String(pid) })).rejects.toMatchObject({ code: 'KSA_ERR_OPERATION_DENIED', message: expect.stringContaining('pg_terminate_backend') });
      expect((await victim.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await outside.disconnect(diagnoseCtx);
    }
    const ctx = makeContext(manifest, 10_000, { operations: operationsInScope(manifest, 'terminate-backend') });
    const plugin = postgres.create();
    await plugin.connect(ctx, MiddlewareTargetSchema.parse(target(server.endpoint, { username: 'postgres', password: SUPERUSER_PASSWORD })));
    try {
      // Refusal without --allow-write is the manager's (test/e2e/plugin-lifecycle.test.ts, reliability case 13).
      const outcome = await plugin.execute(ctx, 'terminate-backend', { pid: String(pid) });
      expect(outcome.ok).toBe(true);
      await waitFor('backend gone', async () => (await server.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`)).length === 0);
    } finally {
      await plugin.disconnect(ctx);
    }
  });

  it('several endpoints: the first that accepts is used (libpq multi-host)', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', { ...target(server.endpoint), endpoints: [dead, server.endpoint] }, { categories: ['connection'] });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('healthy');
  });

  it('a statement stuck behind a catalog lock ends at the deadline with a coded error', async () => {
    const locker = await connect({ username: 'postgres', password: SUPERUSER_PASSWORD });
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pg_catalog.pg_replication_origin IN ACCESS EXCLUSIVE MODE'); // harmless catalog nobody else needs
    await locker.query('LOCK TABLE pg_catalog.pg_extension IN ACCESS EXCLUSIVE MODE'); // the probe reads it
    const t0 = Date.now();
    const error = await runPlugin(postgres, 'postgres-diagnostics', target(server.endpoint), { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(['KSA_ERR_TIMEOUT']).toContain((error as { code?: string }).code);
    expect(Date.now() - t0).toBeLessThan(2500);
    await locker.query('ROLLBACK');
  });

  it.each([
    { what: 'sslmode=require against a server without TLS', port: () => server.port, auth: MONITOR, options: { sslmode: 'require' }, code: 'KSA_ERR_TLS' },
    { what: 'a wrong password', port: () => server.port, auth: { username: MONITOR.username, password: 'wrong-pw-value' }, options: {}, code: 'KSA_ERR_AUTH' },
    { what: 'a refused port', port: () => 0, auth: MONITOR, options: {}, code: 'KSA_ERR_CONNECT' },
    { what: 'a database that does not exist', port: () => server.port, auth: MONITOR, options: { database: 'nope' }, code: 'KSA_ERR_CONNECT' },
  ])('$what -> $code, fast and without the password', async ({ port, auth, options, code }) => {
    const p = port() || await freePort();
    const t0 = Date.now();
    const error = await runPlugin(postgres, 'postgres-diagnostics', { ...target(`127.0.0.1:${p}`, auth), options }, { timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect(String((error as Error).message)).not.toContain(auth.password);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
