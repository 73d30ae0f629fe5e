// Version-gated SQL for PostgreSQL 12-17 (only 15 runs here, so the text is checked per version).
import { describe, expect, it } from 'vitest';
import { snapshotSql, statementsSql, type Category } from '../../../plugins/postgres/queries.js';
import { requiredSyncStandbys } from '../../../plugins/postgres/checks/replication.js';
import { CATEGORIES } from '../../../plugins/postgres/collect.js';

const ctx = (versionNum: number, inRecovery = false, hbaReadable = false) => ({ versionNum, inRecovery, hbaReadable });

describe('snapshotSql', () => {
  it.each([
    { v: 120000, has: ['pg_stat_bgwriter', 'checkpoints_req', 'NULL::text AS "walStatus"'], not: ['pg_stat_checkpointer'] },
    { v: 130000, has: ['pg_stat_bgwriter', 'wal_status AS "walStatus"'], not: ['pg_stat_checkpointer'] },
    { v: 160000, has: ['pg_stat_bgwriter', 'wal_status'], not: ['pg_stat_checkpointer'] },
    { v: 170000, has: ['pg_stat_checkpointer', 'num_requested', 'wal_status'], not: ['pg_stat_bgwriter'] },
  ])('PostgreSQL $v', ({ v, has, not }) => {
    const sql = snapshotSql(CATEGORIES, ctx(v));
    for (const s of has) expect(sql).toContain(s);
    for (const s of not) expect(sql).not.toContain(s);
  });

  it.each([
    { inRecovery: false, has: 'pg_current_wal_lsn()', not: 'pg_stat_wal_receiver' },
    { inRecovery: true, has: 'pg_stat_wal_receiver', not: 'pg_current_wal_lsn()' },
  ])('replication measures from the right LSN (inRecovery $inRecovery)', ({ inRecovery, has, not }) => {
    const sql = snapshotSql(['replication'], ctx(150000, inRecovery));
    expect(sql).toContain(has);
    expect(sql).not.toContain(not);
  });

  it.each([
    { hbaReadable: true, reads: true },
    { hbaReadable: false, reads: false },
  ])('reads pg_hba_file_rules only when readable ($hbaReadable)', ({ hbaReadable, reads }) => {
    expect(snapshotSql(['security'], ctx(150000, false, hbaReadable)).includes('FROM pg_hba_file_rules')).toBe(reads);
  });

  it('sends only the requested categories, one SELECT, marked as ksa', () => {
    const sql = snapshotSql(['locks'] as Category[], ctx(150000));
    expect(sql.startsWith('/* ksa */ SELECT')).toBe(true);
    expect(sql).toContain("'locks'");
    expect(sql).not.toContain("'connection'");
  });
});

describe('statementsSql', () => {
  it.each([
    { version: '1.7', column: 'total_time', not: 'total_exec_time' }, // PostgreSQL 12
    { version: '1.8', column: 'total_exec_time', not: 'total_time,' },
    { version: '1.11', column: 'total_exec_time', not: 'total_time,' }, // PostgreSQL 17
  ])('pg_stat_statements $version orders by $column', ({ version, column, not }) => {
    const sql = statementsSql({ version, schema: 'public' });
    expect(sql).toContain(`ORDER BY s.${column} DESC`);
    expect(sql).not.toContain(`s.${not}`);
    expect(sql).toContain("NOT LIKE '/* ksa */%'");
  });
});

describe('requiredSyncStandbys', () => {
  it.each([
    ['', 0], ['  ', 0], ['*', 1], ['s1', 1], ['s1, s2', 1], ['2 (s1, s2, s3)', 2], ['FIRST 2 (s1, s2)', 2], ['ANY 1 (s1, s2)', 1], ['any 3 ("a b", c, d)', 3],
  ])('%j needs %i', (setting, n) => {
    expect(requiredSyncStandbys(setting)).toBe(n);
  });
});
