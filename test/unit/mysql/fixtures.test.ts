// Whole snapshots through analyze: recorded MariaDB 10.11 snapshots and a MySQL 8 shaped one
// (SHOW REPLICA STATUS columns, two channels, digest quantiles, histogram, MySQL deadlock text).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin from '../../../plugins/mysql/index.js';
import { analyzeSnapshot } from '../../../src/sdk/index.js';
import type { Snapshot } from '../../../src/sdk/index.js';
import { DiagnosticResultSchema, SnapshotSchema } from '../../../src/core/schemas.js';
import type { MysqlSnapshot } from '../../../plugins/mysql/snapshot.js';

const load = (name: string) => SnapshotSchema.parse(JSON.parse(readFileSync(new URL(`../../fixtures/mysql/${name}.json`, import.meta.url), 'utf8'))) as unknown as Snapshot<MysqlSnapshot>;
const analyze = (snapshot: Snapshot<MysqlSnapshot>) => DiagnosticResultSchema.parse(analyzeSnapshot(plugin.parts, snapshot, { thresholds: {} }));
const summary = (findings: Array<{ id: string; severity: string }>) => findings.map((f) => `${f.severity} ${f.id}`).sort();

describe('mysql fixtures', () => {
  it('MariaDB replica (recorded, up 16 min, healthy): healthy; a lifetime ratio is only advice on a young server', () => {
    const result = analyze(load('mariadb-replica-healthy'));
    expect(result.status).toBe('healthy');
    expect(summary(result.findings)).toEqual(['info mysql.performance.joins-without-index', 'info mysql.performance.top-statements']);
    expect(result.findings.find((f) => f.id === 'mysql.performance.joins-without-index')?.evidence).toMatchObject({ severityAfter24h: 'warning', uptimeSeconds: 939 });
    expect(result.categories.every((c) => c.status === 'healthy' && c.skipped === undefined)).toBe(true);
    expect(result.metrics).toMatchObject({ flavor: 'mariadb', replication_sources: 1, replication_lag_seconds_max: 0 });
  });

  it('MariaDB primary with a recent deadlock (recorded InnoDB status): warning with both statements redacted', () => {
    const result = analyze(load('mariadb-primary-deadlock'));
    expect(result.status).toBe('warning');
    const deadlock = result.findings.find((f) => f.id === 'mysql.innodb.deadlock');
    expect(deadlock).toMatchObject({ severity: 'warning', title: 'Deadlock at 2026-11-22 08:06:32 (server time, 240 s ago)', observed: { value: 240 } });
    expect(deadlock?.evidence.transactions).toEqual([
      { transaction: 1, session: 8, statement: 'update app.t set v=? where id=?', waitingFor: '`app`.`t` index PRIMARY', activeSeconds: 1, rolledBack: true },
      { transaction: 2, session: 7, statement: 'update app.t set v=? where id=?', waitingFor: '`app`.`t` index PRIMARY', activeSeconds: 1, rolledBack: false },
    ]);
    expect(result.metrics.replicas_attached).toBe(1);
  });

  it('MySQL 8 replica with problems: every expected finding at the expected severity', () => {
    const result = analyze(load('mysql8-replica-problems'));
    expect(result.status).toBe('critical');
    expect(summary(result.findings)).toEqual([
      'critical mysql.performance.slow-statement',
      'critical mysql.replication.sql-thread',
      'critical mysql.security.empty-password',
      'critical mysql.security.root-remote',
      'info mysql.innodb.deadlock',
      'info mysql.performance.top-statements',
      'info mysql.replication.gtid',
      'warning mysql.connection.aborted-connects',
      'warning mysql.connection.peak',
      'warning mysql.innodb.buffer-pool-hit-rate',
      'warning mysql.innodb.history-list',
      'warning mysql.innodb.lock-wait',
      'warning mysql.innodb.long-transaction',
      'warning mysql.performance.joins-without-index',
      'warning mysql.performance.latency-percentiles',
      'warning mysql.performance.slow-queries',
      'warning mysql.performance.slow-statement',
      'warning mysql.performance.tmp-disk-tables',
      'warning mysql.replication.lag',
      'warning mysql.replication.read-only',
      'warning mysql.security.anonymous-account',
      'warning mysql.security.tls-not-required',
    ].sort());
  });

  it('MySQL 8: channels, quantiles, lock-wait blocker history and deadlock text are read from MySQL spellings', () => {
    const result = analyze(load('mysql8-replica-problems'));
    const find = (id: string) => result.findings.filter((f) => f.id === id);
    expect(find('mysql.replication.sql-thread')[0]?.title).toBe("Replica SQL thread stopped for replication source 'analytics' (10.0.1.1:3306)");
    expect(find('mysql.replication.sql-thread')[0]?.detail).toMatch(/^The replica stopped applying changes. Last SQL error 1062: Coordinator stopped/);
    expect(find('mysql.replication.lag')[0]).toMatchObject({ observed: { value: 45, unit: 's' }, title: 'Replica lags 45 s behind for replication from 10.0.0.1:3306' });
    expect(find('mysql.replication.read-only')[0]?.suggestion).toMatch(/super_read_only/);
    expect(find('mysql.performance.latency-percentiles')[0]).toMatchObject({ observed: { value: 1500 }, evidence: { p50Ms: 1, p95Ms: 100, p99Ms: 1500 } });
    const top = find('mysql.performance.top-statements')[0]?.evidence.statements as Array<Record<string, unknown>>;
    expect(top[0]).toMatchObject({ p95Ms: 14500, p99Ms: 15000, rowsExaminedPerSent: 500000, noIndexUsed: 10 });
    const wait = find('mysql.innodb.lock-wait')[0];
    expect(wait?.evidence).toMatchObject({ waitingStatement: 'UPDATE accounts SET balance = ? WHERE id = ?', blockingStatement: null, blockingRecentStatements: ['BEGIN', 'UPDATE accounts SET balance = balance - ? WHERE id = ?'] });
    const deadlock = find('mysql.innodb.deadlock')[0];
    expect(deadlock).toMatchObject({ title: 'Deadlock at 2026-11-21 09:00:00 (server time, 90000 s ago)' });
    expect((deadlock?.evidence.transactions as Array<{ statement: string }>).map((t) => t.statement)).toEqual([
      'UPDATE accounts SET balance = balance - ? WHERE id = ?', 'UPDATE accounts SET balance = balance + ? WHERE id = ?',
    ]);
    expect(find('mysql.security.empty-password')[0]?.detail).toContain("'app'@'10.0.0.%'");
    expect(find('mysql.security.empty-password')[0]?.detail).not.toContain('mysql.sys');
    expect(result.metrics).toMatchObject({ flavor: 'mysql', statement_latency_p99_ms: 1500, replication_sources: 2, replication_lag_seconds_max: 45 });
  });

  it('no finding or evidence carries a literal value from user statements', () => {
    for (const name of ['mysql8-replica-problems', 'mariadb-primary-deadlock']) {
      const text = JSON.stringify(analyze(load(name)).findings);
      expect(text).not.toMatch(/balance - 100|id = 42|v=2 where id=1/);
    }
  });

  it('categories the server refused are skipped with the reason and never healthy', () => {
    const snapshot = load('mysql8-replica-problems');
    snapshot.skipped = { security: "reading the account list needs the SELECT privilege: GRANT SELECT ON mysql.user TO 'ksa'@'%'" };
    snapshot.data.performance = { digests: { unavailable: 'performance_schema is OFF: set performance_schema=ON' }, histogram: { unavailable: 'performance_schema is OFF: set performance_schema=ON' } };
    const result = analyze(snapshot);
    const byName = Object.fromEntries(result.categories.map((c) => [c.name, c]));
    expect(byName.security).toMatchObject({ status: 'unknown', skipped: expect.stringContaining('GRANT SELECT ON mysql.user') });
    // Only one reason although two datasets share it.
    expect(byName.performance?.skipped).toBe('top statements: performance_schema is OFF: set performance_schema=ON');
    expect(result.findings.some((f) => f.category === 'security')).toBe(false);
  });
});
