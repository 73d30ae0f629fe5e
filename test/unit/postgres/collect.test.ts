// collect's decisions on a scripted connection (the SQL text decides the answer): privilege
// errors become skipped categories naming the grant, the probe guards read-only and version.
import { describe, expect, it } from 'vitest';
import { collectPostgres } from '../../../plugins/postgres/collect.js';
import type { PgConn } from '../../../plugins/postgres/connect.js';

const PROBE = { versionNum: 150004, version: '15.4', inRecovery: false, readOnly: true, pid: 7, user: 'mon', database: 'postgres', superuser: false, readAllStats: true, hbaReadable: false, statementsExtension: null, ssl: false };
const denied = Object.assign(new Error('permission denied for view pg_stat_replication'), { code: '42501' });

function scripted(answer: (sql: string) => unknown[], options: Record<string, unknown> = {}): PgConn & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    endpoint: 'test:5432',
    options,
    async query<R>(sql: string) {
      sent.push(sql);
      return answer(sql) as R[];
    },
    async close() {},
  };
}

const section = (sql: string): Record<string, unknown> => {
  const data: Record<string, unknown> = {};
  for (const name of ['connection', 'replication', 'locks', 'performance', 'maintenance', 'security']) {
    if (sql.includes(`'${name}', `)) data[name] = name === 'performance' ? { databases: [], checkpoints: null } : { marker: name };
  }
  return data;
};

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
