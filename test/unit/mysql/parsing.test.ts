// Pure helpers: statement redaction, SHOW ENGINE INNODB STATUS parsing, replica-status rows in
// both dialects, version/dialect detection.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactErrorText, redactStatement } from '../../../plugins/mysql/statement-text.js';
import { historyListLength, latestDeadlock, secondsBetween } from '../../../plugins/mysql/innodb-status.js';
import { replicaState } from '../../../plugins/mysql/replica-status.js';
import { dialectOf, flavorOf, versionNumbers } from '../../../plugins/mysql/dialect.js';
import { grantee, needs, PROCESS } from '../../../plugins/mysql/privileges.js';
import { mariadbReplicaRow } from './helpers.js';

describe('redactStatement', () => {
  it.each([
    ["UPDATE t SET v = 10 WHERE id = 1", 'UPDATE t SET v = ? WHERE id = ?'],
    ["SELECT * FROM users WHERE email = 'a@b.c' AND name = \"Bob\"", 'SELECT * FROM users WHERE email = ? AND name = ?'],
    ["INSERT INTO t1 VALUES (1, -2.5, 3e10, 0xFF, X'0A', 'it''s', 'a\\'b')", 'INSERT INTO t1 VALUES (?, ?, ?, ?, ?, ?, ?)'],
    ['SELECT `col1`, t2.c3 FROM `db1`.`t2`', 'SELECT `col1`, t2.c3 FROM `db1`.`t2`'],
    ['SELECT  1\n  FROM dual', 'SELECT ? FROM dual'],
  ])('%s', (input, expected) => {
    expect(redactStatement(input)).toBe(expected);
  });
  it('keeps null and caps the length', () => {
    expect(redactStatement(null)).toBeNull();
    expect(redactStatement(`SELECT ${'a,'.repeat(400)}b`)?.length).toBe(503);
  });
});

describe('redactErrorText (replication error texts)', () => {
  it.each([
    [
      "Error 'Operation CREATE USER failed for 'repl'@'127.0.0.1'' on query. Default database: ''. Query: 'CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw''",
      "Error 'Operation CREATE USER failed for 'repl'@'127.0.0.1'' on query. Default database: ''. Query: 'CREATE USER ?@? IDENTIFIED BY ?'",
    ],
    [
      "Could not execute Write_rows_v1 event on table app.t; Duplicate entry '100' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000001, end_log_pos 1723",
      "Could not execute Write_rows_v1 event on table app.t; Duplicate entry '?' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000001, end_log_pos 1723",
    ],
    ["ALTER USER x IDENTIFIED WITH mysql_native_password BY 's3cr3t' failed", "ALTER USER x IDENTIFIED WITH mysql_native_password BY '***' failed"],
    ["error reconnecting to master 'repl@127.0.0.1:3306' - retry-time: 60", "error reconnecting to master 'repl@127.0.0.1:3306' - retry-time: 60"],
    ['', ''],
  ])('%s', (input, expected) => {
    expect(redactErrorText(input)).toBe(expected);
    expect(redactErrorText(input)).not.toMatch(/replpw|s3cr3t|'100'/);
  });
});

describe('SHOW ENGINE INNODB STATUS', () => {
  const mariadb = JSON.parse(readFileSync(new URL('../../fixtures/mysql/mariadb-primary-deadlock.json', import.meta.url), 'utf8')).data.innodb.status.value as string;
  const mysql8 = JSON.parse(readFileSync(new URL('../../fixtures/mysql/mysql8-replica-problems.json', import.meta.url), 'utf8')).data.innodb.status.value as string;

  it('MariaDB 10.11 deadlock (recorded text)', () => {
    expect(latestDeadlock(mariadb)).toEqual({
      time: '2026-11-22 08:06:32',
      rolledBack: 1,
      transactions: [
        { number: 1, thread: 8, activeSeconds: 1, session: 'localhost root Updating', statement: 'update app.t set v=2 where id=1', waitingFor: '`app`.`t` index PRIMARY' },
        { number: 2, thread: 7, activeSeconds: 1, session: 'localhost root Updating', statement: 'update app.t set v=1 where id=2', waitingFor: '`app`.`t` index PRIMARY' },
      ],
    });
    expect(historyListLength(mariadb)).toBe(0);
  });

  it('MySQL 8 deadlock (numbered HOLDS/WAITING sections, multi-line statement)', () => {
    const d = latestDeadlock(mysql8);
    expect(d?.time).toBe('2026-11-21 09:00:00');
    expect(d?.rolledBack).toBe(2);
    expect(d?.transactions.map((t) => [t.thread, t.statement, t.waitingFor])).toEqual([
      [31, 'UPDATE accounts SET balance = balance - 100 WHERE id = 7', '`bank`.`accounts` index PRIMARY'],
      [32, 'UPDATE accounts SET balance = balance + 100   WHERE id = 3', '`bank`.`accounts` index PRIMARY'],
    ]);
    expect(historyListLength(mysql8)).toBe(60000);
  });

  it('no deadlock since start, or garbage', () => {
    expect(latestDeadlock('------------\nTRANSACTIONS\n------------\nHistory list length 3\n')).toBeNull();
    expect(latestDeadlock('')).toBeNull();
    expect(historyListLength('nothing here')).toBeNull();
  });

  it('secondsBetween server-local times', () => {
    expect(secondsBetween('2026-11-22 08:06:32', '2026-11-22 08:10:32')).toBe(240);
    expect(secondsBetween('bad', '2026-11-22 08:10:32')).toBeNull();
  });
});

describe('replica status rows in both dialects', () => {
  const mysql8 = {
    Channel_Name: 'eu', Source_Host: '10.0.0.1', Source_Port: 3307, Replica_IO_Running: 'Connecting', Replica_SQL_Running: 'Yes',
    Seconds_Behind_Source: null, Last_IO_Errno: 2003, Last_IO_Error: "error connecting to source 'repl@10.0.0.1:3307'", Last_SQL_Errno: 0,
    Last_SQL_Error: '', Relay_Log_Space: 100, SQL_Delay: 0, Auto_Position: 1, Replica_IO_State: 'Connecting to source',
  };
  it.each([
    ['MariaDB SHOW ALL REPLICAS STATUS', mariadbReplicaRow({ Connection_name: 'dc2', Seconds_Behind_Master: 7 }), { name: 'dc2', source: '10.0.0.1:3306', ioRunning: 'Yes', sqlRunning: true, lagSeconds: 7, usesGtid: true }],
    ['MariaDB by file position', mariadbReplicaRow({ Using_Gtid: 'No' }), { usesGtid: false, gtid: 'No' }],
    ['MySQL 8.0.22+ SHOW REPLICA STATUS', mysql8, { name: 'eu', source: '10.0.0.1:3307', ioRunning: 'Connecting', sqlRunning: true, lagSeconds: null, lastIoErrno: 2003, usesGtid: true }],
    ['MySQL < 8.0.22 SHOW SLAVE STATUS', { Channel_Name: '', Master_Host: 'h', Master_Port: 3306, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null, Auto_Position: 0 }, { name: '', sqlRunning: false, usesGtid: false }],
  ])('%s', (_name, row, expected) => {
    expect(replicaState(row)).toMatchObject(expected);
  });
});

describe('dialect detection', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1-log', 'Debian 12', 'mariadb', 'SHOW ALL REPLICAS STATUS', 'SLAVE MONITOR', false],
    ['10.4.32-MariaDB', 'mariadb.org binary distribution', 'mariadb', 'SHOW ALL SLAVES STATUS', 'REPLICATION CLIENT', false],
    ['10.5.8-MariaDB', '', 'mariadb', 'SHOW ALL REPLICAS STATUS', 'REPLICATION CLIENT', false],
    ['8.0.36', 'MySQL Community Server - GPL', 'mysql', 'SHOW REPLICA STATUS', 'REPLICATION CLIENT', true],
    ['8.0.21', 'MySQL Community Server - GPL', 'mysql', 'SHOW SLAVE STATUS', 'REPLICATION CLIENT', true],
    ['8.4.2', 'MySQL Community Server - GPL', 'mysql', 'SHOW REPLICA STATUS', 'REPLICATION CLIENT', true],
  ] as const)('%s (%s)', (versionText, comment, flavor, replicaSql, privilege, histogram) => {
    expect(flavorOf(versionText, comment)).toBe(flavor);
    const d = dialectOf(flavor, versionNumbers(versionText).join('.'));
    expect(d.replicaStatusSql).toBe(replicaSql);
    expect(d.replicaStatusPrivilege.name).toBe(privilege);
    expect(d.latencyHistogram).toBe(histogram);
  });
  it('statement timeouts per dialect', () => {
    expect(dialectOf('mariadb', '10.11.0').statementTimeoutSql(9.5)).toBe('SET SESSION max_statement_time = 9.500');
    expect(dialectOf('mysql', '8.0.36').statementTimeoutSql(9.5)).toBe('SET SESSION max_execution_time = 9500');
  });
  it('lock waits: information_schema on MariaDB, performance_schema.data_lock_waits on MySQL 8', () => {
    expect(dialectOf('mariadb', '10.11.0').lockWaits.pairs).toContain('information_schema.INNODB_LOCK_WAITS');
    expect(dialectOf('mysql', '8.0.36').lockWaits.pairs).toContain('performance_schema.data_lock_waits');
    // Single-table statements: a server-side join would count as Select_full_join on every run.
    for (const d of [dialectOf('mariadb', '10.11.0'), dialectOf('mysql', '8.0.36')]) {
      expect(`${d.lockWaits.pairs} ${d.lockWaits.locks}`).not.toMatch(/\bJOIN\b/i);
    }
  });
});

describe('privilege messages', () => {
  it('name the privilege and the exact GRANT for the diagnosing account', () => {
    expect(grantee('ksa@127.0.0.1')).toBe("'ksa'@'127.0.0.1'");
    expect(needs('SHOW ENGINE INNODB STATUS', PROCESS, 'mon@%')).toBe("SHOW ENGINE INNODB STATUS needs the PROCESS privilege: GRANT PROCESS ON *.* TO 'mon'@'%'");
  });
});
