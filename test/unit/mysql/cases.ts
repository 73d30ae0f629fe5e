// Check cases for the contract kit: recorded MariaDB snapshots, a MySQL 8 shaped snapshot, and
// a saturated variant of it that makes the remaining checks fire.
import { readFileSync } from 'node:fs';
import type { CheckCase } from '../../../src/testing/index.js';
import type { MysqlSnapshot } from '../../../plugins/mysql/snapshot.js';
import { mariadbReplicaRow } from './helpers.js';

const data = (name: string): MysqlSnapshot => JSON.parse(readFileSync(new URL(`../../fixtures/mysql/${name}.json`, import.meta.url), 'utf8')).data;

function saturated(): MysqlSnapshot {
  const d = data('mysql8-replica-problems');
  Object.assign(d.status, {
    Threads_connected: '197', Connection_errors_max_connections: '12', Aborted_clients: '20000', Sort_merge_passes: '50',
    Innodb_buffer_pool_pages_dirty: '7800', Innodb_log_waits: '3',
  });
  d.connection = { complete: true, sessions: Array.from({ length: 60 }, (_, i) => ({ user: 'batch', host: `10.0.2.${i % 3}`, command: 'Sleep', time: 3600, db: null })) };
  d.replication = {
    attached: { value: [] },
    replicas: [
      mariadbReplicaRow({ Slave_IO_Running: 'Connecting', Last_IO_Errno: 2003, Last_IO_Error: "error reconnecting to master 'repl@10.0.0.1:3306' - retry-time: 60 maximum-retries: 86400 message: Can't connect to server on '10.0.0.1' (111)", Seconds_Behind_Master: null }),
      mariadbReplicaRow({ Connection_name: 'dc2', Last_SQL_Errno: 1205, Last_SQL_Error: 'Lock wait timeout exceeded; retry 1 of 10', Relay_Log_Space: 2 * 1024 ** 3 }),
    ],
  };
  return d as MysqlSnapshot;
}

export const cases: CheckCase[] = [
  {
    name: 'MariaDB 10.11 replica, recorded: healthy',
    data: data('mariadb-replica-healthy') as unknown as Record<string, unknown>,
    expect: {
      status: 'healthy',
      findings: [{ id: 'mysql.performance.top-statements', severity: 'info' }, { id: 'mysql.performance.joins-without-index', severity: 'info' }],
    },
  },
  {
    name: 'MariaDB 10.11 primary, recorded deadlock 240 s before collection',
    data: data('mariadb-primary-deadlock') as unknown as Record<string, unknown>,
    expect: {
      status: 'warning',
      findings: [
        { id: 'mysql.performance.top-statements', severity: 'info' },
        { id: 'mysql.performance.joins-without-index', severity: 'info' },
        { id: 'mysql.innodb.deadlock', severity: 'warning', observed: 240 },
      ],
    },
  },
  {
    name: 'MySQL 8 replica: two channels, one broken; slow digests; lock wait; weak accounts',
    data: data('mysql8-replica-problems') as unknown as Record<string, unknown>,
    expect: {
      status: 'critical',
      findings: [
        { id: 'mysql.connection.peak', severity: 'warning', observed: 95 },
        { id: 'mysql.connection.aborted-connects', severity: 'warning', observed: 5 },
        { id: 'mysql.replication.sql-thread', severity: 'critical' },
        { id: 'mysql.replication.lag', severity: 'warning', observed: 45 },
        { id: 'mysql.replication.read-only', severity: 'warning' },
        { id: 'mysql.replication.gtid', severity: 'info' },
        { id: 'mysql.performance.top-statements', severity: 'info' },
        { id: 'mysql.performance.slow-statement', severity: 'critical', observed: 12000 },
        { id: 'mysql.performance.slow-statement', severity: 'warning', observed: 2500 },
        { id: 'mysql.performance.latency-percentiles', severity: 'warning', observed: 1500 },
        { id: 'mysql.performance.slow-queries', severity: 'warning', observed: 8 },
        { id: 'mysql.performance.tmp-disk-tables', severity: 'warning', observed: 30 },
        { id: 'mysql.performance.joins-without-index', severity: 'warning', observed: 500 },
        { id: 'mysql.innodb.buffer-pool-hit-rate', severity: 'warning', observed: 98 },
        { id: 'mysql.innodb.lock-wait', severity: 'warning', observed: 12 },
        { id: 'mysql.innodb.long-transaction', severity: 'warning', observed: 400 },
        { id: 'mysql.innodb.deadlock', severity: 'info', observed: 90000 },
        { id: 'mysql.innodb.history-list', severity: 'warning', observed: 60000 },
        { id: 'mysql.security.empty-password', severity: 'critical', observed: 1 },
        { id: 'mysql.security.anonymous-account', severity: 'warning', observed: 1 },
        { id: 'mysql.security.root-remote', severity: 'critical', observed: 1 },
        { id: 'mysql.security.tls-not-required', severity: 'warning', observed: 2 },
      ],
    },
  },
  {
    name: 'saturated server: connections, idle sessions, lost source, errors, dirty pages, log waits',
    data: saturated() as unknown as Record<string, unknown>,
    categories: ['connection', 'replication', 'performance', 'innodb'],
    expect: {
      status: 'critical',
      findings: [
        { id: 'mysql.performance.top-statements', severity: 'info' },
        { id: 'mysql.performance.slow-statement', severity: 'critical' },
        { id: 'mysql.performance.slow-statement', severity: 'warning' },
        { id: 'mysql.performance.latency-percentiles', severity: 'warning' },
        { id: 'mysql.performance.slow-queries', severity: 'warning' },
        { id: 'mysql.performance.tmp-disk-tables', severity: 'warning' },
        { id: 'mysql.performance.joins-without-index', severity: 'warning' },
        { id: 'mysql.performance.sort-merge-passes', severity: 'warning', observed: 25 },
        { id: 'mysql.connection.usage', severity: 'critical', observed: 98.5 },
        { id: 'mysql.connection.peak', severity: 'warning', observed: 95 },
        { id: 'mysql.connection.refused', severity: 'warning', observed: 12 },
        { id: 'mysql.connection.aborted-connects', severity: 'warning', observed: 5 },
        { id: 'mysql.connection.aborted-clients', severity: 'warning', observed: 20 },
        { id: 'mysql.connection.idle', severity: 'warning', observed: 30 },
        { id: 'mysql.replication.io-thread', severity: 'critical' },
        { id: 'mysql.replication.last-error', severity: 'critical' },
        { id: 'mysql.replication.relay-log-space', severity: 'warning' },
        { id: 'mysql.replication.read-only', severity: 'warning' },
        { id: 'mysql.innodb.buffer-pool-hit-rate', severity: 'warning', observed: 98 },
        { id: 'mysql.innodb.buffer-pool-dirty', severity: 'critical', observed: 95.21 },
        { id: 'mysql.innodb.lock-wait', severity: 'warning', observed: 12 },
        { id: 'mysql.innodb.long-transaction', severity: 'warning', observed: 400 },
        { id: 'mysql.innodb.deadlock', severity: 'info', observed: 90000 },
        { id: 'mysql.innodb.history-list', severity: 'warning', observed: 60000 },
        { id: 'mysql.innodb.log-waits', severity: 'warning', observed: 3 },
      ],
    },
  },
  {
    name: 'fresh server (up 1 h): lifetime ratios are advice only',
    data: { ...data('mysql8-replica-problems'), status: { ...data('mysql8-replica-problems').status, Uptime: '3600', Select_full_join: '0' } } as unknown as Record<string, unknown>,
    categories: ['connection', 'performance'],
    expect: {
      status: 'critical',
      findings: [
        { id: 'mysql.connection.peak', severity: 'warning' },
        { id: 'mysql.connection.aborted-connects', severity: 'info' },
        { id: 'mysql.performance.top-statements', severity: 'info' },
        { id: 'mysql.performance.slow-statement', severity: 'critical' },
        { id: 'mysql.performance.slow-statement', severity: 'warning' },
        { id: 'mysql.performance.latency-percentiles', severity: 'warning' },
        { id: 'mysql.performance.slow-queries', severity: 'info' },
        { id: 'mysql.performance.tmp-disk-tables', severity: 'info' },
      ],
    },
  },
];
