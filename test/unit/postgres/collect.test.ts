// collect's decisions on a scripted connection (the SQL text decides the answer): privilege
// errors become skipped categories naming the grant, the probe guards read-only and version.
import { describe, expect, it } from 'vitest';
import { collectPostgres } from '../../../plugins/postgres/collect.js';
import type { PgConn } from '../../../plugins/postgres/connect.js';

const PROBE = { versionNum: 150004, version: '15.4', inRecovery: false, readOnly: true, pid: 7, user: 'mon', database: 'postgres', superuser: false, readAllStats: true, hbaReadable: false, statementsExtension: null, ssl: false };
const denied = Object.assign(new Error('permission denied for view pg_stat_replication'), { code: '42501' });

function scripted(answer: (sql: string) => unknown[], options: Record<string, unknown> = {}, parameters: Record<string, string> = {}, timeLeft = 10_000): PgConn & { sent: string[]; messages: number } {
  const sent: string[] = [];
  const conn = {
    sent,
    messages: 0,
    endpoint: 'test:5432',
    options,
    parameters,
    timeLeft: () => timeLeft,
    async query<R>(sql: string) {
      conn.messages += 1;
      sent.push(sql);
      return answer(sql) as R[];
    },
    async queryBatch(statements: readonly string[]) {
      conn.messages += 1;
      sent.push(...statements);
      return statements.map((sql) => answer(sql) as Array<Record<string, unknown>>);
    },
    async close() {},
  };
  return conn;
}

/** What PostgreSQL 15 reports at startup to a read-only, non-superuser session on a primary. */
const STARTUP = { server_version: '15.4 (Debian 15.4-1)', in_hot_standby: 'off', default_transaction_read_only: 'on', is_superuser: 'off' };

const section = (sql: string): Record<string, unknown> => {
  const data: Record<string, unknown> = {};
  for (const name of ['connection', 'replication', 'locks', 'performance', 'maintenance', 'security']) {
    if (sql.includes(`'${name}', `)) data[name] = name === 'performance' ? { databases: [], checkpoints: null } : { marker: name };
  }
  return data;
};

describe('collectPostgres planned from the startup parameters (PostgreSQL 14+)', () => {
  const answer = (sql: string) => (sql.includes('server_version_num') ? [PROBE] : [{ snapshot: section(sql) }]);

  it('probe and every category in one message', async () => {
    const conn = scripted(answer, {}, STARTUP);
    const out = await collectPostgres(conn, { categories: ['connection', 'replication', 'security'] });
    expect(conn.messages).toBe(1);
    expect(Object.keys(out.data)).toEqual(['server', 'connection', 'replication', 'security']);
    // Planned as a primary: the standby-only replay fields are not asked for.
    expect(conn.sent[1]).toContain('pg_current_wal_lsn()');
    expect(conn.sent[1]).not.toContain('pg_hba_file_rules');
  });

  it('a standby (in_hot_standby on) is planned as one', async () => {
    const conn = scripted((sql) => (sql.includes('server_version_num') ? [{ ...PROBE, inRecovery: true }] : [{ snapshot: section(sql) }]), {}, { ...STARTUP, in_hot_standby: 'on' });
    await collectPostgres(conn, { categories: ['replication'] });
    expect(conn.messages).toBe(1);
    expect(conn.sent[1]).toContain('pg_last_wal_replay_lsn()');
  });

  it('a session the startup shows not read-only sends nothing', async () => {
    const conn = scripted(answer, {}, { ...STARTUP, default_transaction_read_only: 'off' });
    await expect(collectPostgres(conn, { categories: ['connection'] })).rejects.toMatchObject({ code: 'KSA_ERR_PROTOCOL', message: expect.stringContaining('not read-only') });
    expect(conn.sent).toEqual([]);
  });

  it('a role granted pg_hba_file_rules (the probe says so) gets its categories again with the rules', async () => {
    const conn = scripted((sql) => (sql.includes('server_version_num') ? [{ ...PROBE, hbaReadable: true }] : [{ snapshot: section(sql) }]), {}, STARTUP);
    await collectPostgres(conn, { categories: ['security'] });
    expect(conn.messages).toBe(2);
    expect(conn.sent[2]).toContain('pg_hba_file_rules');
  });

  it('a refused category falls back to the probe, then category by category', async () => {
    const conn = scripted((sql) => {
      if (sql.includes('server_version_num')) return [PROBE];
      if (sql.includes("'replication', ")) throw denied;
      return [{ snapshot: section(sql) }];
    }, {}, STARTUP);
    const out = await collectPostgres(conn, { categories: ['connection', 'replication'] });
    expect(Object.keys(out.skipped ?? {})).toEqual(["replication"]);
    expect(out.data.connection).toMatchObject({ marker: 'connection' });
  });

  it('top statements that would not fit before the deadline are reported as not read, not a failed run', async () => {
    const withExtension = { ...PROBE, statementsExtension: { version: '1.10', schema: 'public' } };
    const answer2 = (sql: string) => (sql.includes('server_version_num') ? [withExtension] : sql.includes('pg_stat_statements s') ? [] : [{ snapshot: section(sql) }]);
    const late = await collectPostgres(scripted(answer2, {}, STARTUP, 50), { categories: ['performance'] });
    expect(late.data.performance?.statements).toMatchObject({ available: false, reason: expect.stringContaining('would not fit before the deadline') });
    const conn = scripted(answer2, {}, STARTUP, 10_000);
    const inTime = await collectPostgres(conn, { categories: ['performance'] });
    expect(inTime.data.performance?.statements).toEqual({ available: true, top: [] });
    expect(conn.messages).toBe(2);
  });

  it.each([
    ['PostgreSQL 13 (no in_hot_standby)', { server_version: '13.12', default_transaction_read_only: 'on', is_superuser: 'off' }],
    ['a pooler that reports nothing', {}],
  ])('%s: the probe first, as before', async (_what, parameters) => {
    const conn = scripted(answer, {}, parameters as Record<string, string>);
    await collectPostgres(conn, { categories: ['connection'] });
    expect(conn.messages).toBe(2);
  });
});

describe('collectPostgres', () => {
  it('one statement for all categories when it succeeds', async () => {
    const conn = scripted((sql) => (sql.includes('server_version_num') ? [PROBE] : [{ snapshot: section(sql) }]));
    const out = await collectPostgres(conn, { categories: ['connection', 'locks'] });
    expect(conn.sent).toHaveLength(2);
    expect(Object.keys(out.data)).toEqual(['server', 'connection', 'locks']);
    expect(out.skipped).toEqual({});
  });

  it('a privilege error: each category alone, the failing one skipped with the grant', async () => {
    const conn = scripted((sql) => {
      if (sql.includes('server_version_num')) return [PROBE];
      if (sql.includes('pg_stat_replication')) throw denied;
      return [{ snapshot: section(sql) }];
    });
    const out = await collectPostgres(conn, { categories: ['connection', 'replication', 'locks'] });
    expect(out.skipped?.replication).toMatch(/permission denied.*GRANT pg_monitor TO mon/);
    expect(Object.keys(out.data).sort()).toEqual(['connection', 'locks', 'server']);
  });

  it.each([
    { what: 'no extension', probe: { statementsExtension: null }, fails: false, reason: /not installed in database postgres.*shared_preload_libraries/ },
    { what: 'not preloaded', probe: { statementsExtension: { version: '1.10', schema: 'public' } }, fails: true, reason: /cannot be read.*shared_preload_libraries/ },
  ])('pg_stat_statements $what -> unavailable with the fix', async ({ probe, fails, reason }) => {
    const conn = scripted((sql) => {
      if (sql.includes('server_version_num')) return [{ ...PROBE, ...probe }];
      if (sql.includes('FROM public.pg_stat_statements')) {
        if (fails) throw Object.assign(new Error('pg_stat_statements must be loaded via shared_preload_libraries'), { code: '55000' });
        return [];
      }
      return [{ snapshot: section(sql) }];
    });
    const out = await collectPostgres(conn, { categories: ['performance'] });
    const statements = out.data.performance?.statements;
    expect(statements?.available).toBe(false);
    expect(statements && !statements.available ? statements.reason : '').toMatch(reason);
  });

  it.each([
    { what: 'a session that is not read-only', probe: { readOnly: false }, message: /not read-only/ },
    { what: 'PostgreSQL 11', probe: { versionNum: 110022, version: '11.22' }, message: /older than 12/ },
  ])('$what: stops after the probe', async ({ probe, message }) => {
    const conn = scripted(() => [{ ...PROBE, ...probe }]);
    await expect(collectPostgres(conn, { categories: ['connection'] })).rejects.toMatchObject({ code: 'KSA_ERR_PROTOCOL', message });
    expect(conn.sent).toHaveLength(1);
  });

  it('an SQL error in the probe leaves with a code', async () => {
    const conn = scripted(() => { throw denied; });
    await expect(collectPostgres(conn, { categories: ['connection'] })).rejects.toMatchObject({ code: 'KSA_ERR_PROTOCOL' });
  });

  it.each([['2', 2], ['0', undefined], ['x', undefined]])('expectedStandbys option %j -> %j', async (value, want) => {
    const conn = scripted((sql) => (sql.includes('server_version_num') ? [PROBE] : [{ snapshot: { replication: { standbys: [], slots: [] } } }]), { expectedStandbys: value });
    const out = await collectPostgres(conn, { categories: ['replication'] });
    expect(out.data.replication?.expectedStandbys).toBe(want);
  });
});
