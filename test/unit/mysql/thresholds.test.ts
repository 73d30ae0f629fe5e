// Every judged check at its thresholds: equal is fine, just past is a finding (strict comparison).
import { describe, expect, it } from 'vitest';
import type { MysqlSnapshot } from '../../../plugins/mysql/snapshot.js';
import { baseSnapshot, mariadbReplicaRow, runCheck } from './helpers.js';

type Severity = 'info' | 'warning' | 'critical' | null;
type Mutate = (d: MysqlSnapshot) => void;

const status = (values: Record<string, number>): Mutate => (d) => {
  for (const [k, v] of Object.entries(values)) d.status[k] = String(v);
};
const idle = (count: number, seconds: number): Mutate => (d) => {
  d.connection = { complete: true, sessions: Array.from({ length: count }, () => ({ user: 'app', host: '10.0.0.5', command: 'Sleep', time: seconds, db: null })) };
};
const replica = (row: Record<string, string | number | null>): Mutate => (d) => {
  d.replication = { replicas: [mariadbReplicaRow(row)], attached: { value: [] } };
};
const digest = (avgMs: number): Mutate => (d) => {
  d.performance = {
    digests: { value: [{ schema: 'app', digest: 'x', text: 'SELECT ?', count: 3, totalMs: avgMs * 3, avgMs, maxMs: avgMs, rowsExamined: 3, rowsSent: 3, noIndexUsed: 0, noGoodIndexUsed: 0, fullScans: 0, tmpDiskTables: 0, sortMergePasses: 0, p95Ms: null, p99Ms: null }] },
    histogram: { unavailable: 'n/a' },
  };
};
const p99 = (highMs: number): Mutate => (d) => {
  d.server.flavor = 'mysql';
  d.performance = { digests: { value: [] }, histogram: { value: [{ highMs: 1, count: 98 }, { highMs, count: 2 }] } };
};
const lockWait = (waitSeconds: number): Mutate => (d) => {
  d.innodb!.lockWaits = { value: [{ waitingThread: 2, waitingQuery: 'UPDATE t SET v = 1 WHERE id = 1', waitSeconds, blockingThread: 1, blockingQuery: null, blockingTrxSeconds: 5, lockTable: '`app`.`t`', lockIndex: 'PRIMARY', lockMode: 'X', blockingRecent: [] }] };
};
const trx = (seconds: number): Mutate => (d) => {
  d.innodb!.transactions = { value: [{ thread: 1, state: 'RUNNING', seconds, query: null, rowsModified: 1, rowsLocked: 1 }] };
};
const deadlockAgo = (seconds: number): Mutate => (d) => {
  const t = new Date(Date.parse('2026-11-22T10:00:00Z') - seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
  d.innodb!.status = { value: `------------------------\nLATEST DETECTED DEADLOCK\n------------------------\n${t} 0x7f\n*** (1) TRANSACTION:\nTRANSACTION 1, ACTIVE 1 sec\nMySQL thread id 5, OS thread handle 1, query id 9 localhost root updating\nUPDATE t SET v = 1 WHERE id = 2\n*** WE ROLL BACK TRANSACTION (1)\n------------\nTRANSACTIONS\n------------\nHistory list length 0\n` };
};
const history = (length: number): Mutate => (d) => {
  d.innodb!.status = { value: `------------\nTRANSACTIONS\n------------\nHistory list length ${length}\n` };
};
const GiB = 1024 ** 3;

const cases: Array<[string, string, Mutate, Severity]> = [
  ['usage 85% (equal)', 'mysql.connection.usage', status({ Threads_connected: 85 }), null],
  ['usage 86%', 'mysql.connection.usage', status({ Threads_connected: 86 }), 'warning'],
  ['usage 95% (equal crit)', 'mysql.connection.usage', status({ Threads_connected: 95 }), 'warning'],
  ['usage 96%', 'mysql.connection.usage', status({ Threads_connected: 96 }), 'critical'],
  ['peak 85%', 'mysql.connection.peak', status({ Max_used_connections: 85 }), null],
  ['peak 86%', 'mysql.connection.peak', status({ Max_used_connections: 86 }), 'warning'],
  ['peak 100% (no critical)', 'mysql.connection.peak', status({ Max_used_connections: 100 }), 'warning'],
  ['refused 0', 'mysql.connection.refused', status({ Connection_errors_max_connections: 0 }), null],
  ['refused 1', 'mysql.connection.refused', status({ Connection_errors_max_connections: 1 }), 'warning'],
  ['aborted connects 3%', 'mysql.connection.aborted-connects', status({ Aborted_connects: 30 }), null],
  ['aborted connects 3.1%', 'mysql.connection.aborted-connects', status({ Aborted_connects: 31 }), 'warning'],
  ['aborted connects 3.1%, up 1 h -> info', 'mysql.connection.aborted-connects', status({ Aborted_connects: 31, Uptime: 3600 }), 'info'],
  ['aborted connects 3.1%, up exactly 24 h', 'mysql.connection.aborted-connects', status({ Aborted_connects: 31, Uptime: 86400 }), 'warning'],
  ['aborted clients 10%', 'mysql.connection.aborted-clients', status({ Aborted_clients: 100 }), null],
  ['aborted clients 10.1%', 'mysql.connection.aborted-clients', status({ Aborted_clients: 101 }), 'warning'],
  ['25 idle sessions of 100', 'mysql.connection.idle', idle(25, 601), null],
  ['26 idle sessions of 100', 'mysql.connection.idle', idle(26, 601), 'warning'],
  ['26 sessions idle exactly 600 s', 'mysql.connection.idle', idle(26, 600), null],
  ['lag 30 s', 'mysql.replication.lag', replica({ Seconds_Behind_Master: 30 }), null],
  ['lag 31 s', 'mysql.replication.lag', replica({ Seconds_Behind_Master: 31 }), 'warning'],
  ['lag 300 s', 'mysql.replication.lag', replica({ Seconds_Behind_Master: 300 }), 'warning'],
  ['lag 301 s', 'mysql.replication.lag', replica({ Seconds_Behind_Master: 301 }), 'critical'],
  ['lag NULL (threads stopped)', 'mysql.replication.lag', replica({ Seconds_Behind_Master: null }), null],
  ['relay log 1 GiB', 'mysql.replication.relay-log-space', replica({ Relay_Log_Space: GiB }), null],
  ['relay log 1 GiB + 1', 'mysql.replication.relay-log-space', replica({ Relay_Log_Space: GiB + 1 }), 'warning'],
  ['relay log 10 GiB + 1', 'mysql.replication.relay-log-space', replica({ Relay_Log_Space: 10 * GiB + 1 }), 'critical'],
  ['IO thread Connecting', 'mysql.replication.io-thread', replica({ Slave_IO_Running: 'Connecting', Last_IO_Errno: 2003, Last_IO_Error: "error reconnecting to master 'repl@10.0.0.1:3306'" }), 'critical'],
  ['IO thread Yes', 'mysql.replication.io-thread', replica({}), null],
  ['SQL thread No', 'mysql.replication.sql-thread', replica({ Slave_SQL_Running: 'No' }), 'critical'],
  ['error recorded, threads running', 'mysql.replication.last-error', replica({ Last_IO_Errno: 2013, Last_IO_Error: 'Lost connection' }), 'critical'],
  ['error recorded, SQL thread stopped: reported by sql-thread only', 'mysql.replication.last-error', replica({ Slave_SQL_Running: 'No', Last_SQL_Errno: 1062, Last_SQL_Error: 'Duplicate entry' }), null],
  ['replica writable', 'mysql.replication.read-only', (d) => { replica({})(d); d.variables.read_only = 'OFF'; }, 'warning'],
  ['primary writable', 'mysql.replication.read-only', (d) => { d.variables.read_only = 'OFF'; }, null],
  ['replica by file position', 'mysql.replication.gtid', replica({ Using_Gtid: 'No' }), 'info'],
  ['statement avg 1000 ms', 'mysql.performance.slow-statement', digest(1000), null],
  ['statement avg 1000.5 ms', 'mysql.performance.slow-statement', digest(1000.5), 'warning'],
  ['statement avg 10000 ms', 'mysql.performance.slow-statement', digest(10_000), 'warning'],
  ['statement avg 10001 ms', 'mysql.performance.slow-statement', digest(10_001), 'critical'],
  ['p99 1000 ms', 'mysql.performance.latency-percentiles', p99(1000), null],
  ['p99 1001 ms', 'mysql.performance.latency-percentiles', p99(1001), 'warning'],
  ['p99 10001 ms', 'mysql.performance.latency-percentiles', p99(10_001), 'critical'],
  ['slow queries 5%', 'mysql.performance.slow-queries', status({ Slow_queries: 5000 }), null],
  ['slow queries 5.001%', 'mysql.performance.slow-queries', status({ Slow_queries: 5001 }), 'warning'],
  ['slow queries 5.001%, up 2 h -> info', 'mysql.performance.slow-queries', status({ Slow_queries: 5001, Uptime: 7200 }), 'info'],
  ['tmp disk 25%', 'mysql.performance.tmp-disk-tables', status({ Created_tmp_disk_tables: 25 }), null],
  ['tmp disk 26%', 'mysql.performance.tmp-disk-tables', status({ Created_tmp_disk_tables: 26 }), 'warning'],
  ['sort merge 10%', 'mysql.performance.sort-merge-passes', status({ Sort_merge_passes: 10 }), null],
  ['sort merge 11%', 'mysql.performance.sort-merge-passes', status({ Sort_merge_passes: 11 }), 'warning'],
  ['joins 250/day', 'mysql.performance.joins-without-index', status({ Select_full_join: 250, Uptime: 86400 }), null],
  ['joins 251/day', 'mysql.performance.joins-without-index', status({ Select_full_join: 251, Uptime: 86400 }), 'warning'],
  ['hit rate 99%', 'mysql.innodb.buffer-pool-hit-rate', status({ Innodb_buffer_pool_reads: 10_000 }), null],
  ['hit rate 98.99%', 'mysql.innodb.buffer-pool-hit-rate', status({ Innodb_buffer_pool_reads: 10_100 }), 'warning'],
  ['hit rate 95%', 'mysql.innodb.buffer-pool-hit-rate', status({ Innodb_buffer_pool_reads: 50_000 }), 'warning'],
  ['hit rate 94.99%', 'mysql.innodb.buffer-pool-hit-rate', status({ Innodb_buffer_pool_reads: 50_100 }), 'critical'],
  ['hit rate 50% on 9,999 reads: too few to judge', 'mysql.innodb.buffer-pool-hit-rate', status({ Innodb_buffer_pool_read_requests: 9_999, Innodb_buffer_pool_reads: 5000 }), null],
  ['dirty 75%', 'mysql.innodb.buffer-pool-dirty', status({ Innodb_buffer_pool_pages_dirty: 750 }), null],
  ['dirty 76%', 'mysql.innodb.buffer-pool-dirty', status({ Innodb_buffer_pool_pages_dirty: 760 }), 'warning'],
  ['dirty 91%', 'mysql.innodb.buffer-pool-dirty', status({ Innodb_buffer_pool_pages_dirty: 910 }), 'critical'],
  ['lock wait 0 s', 'mysql.innodb.lock-wait', lockWait(0), null],
  ['lock wait 1 s', 'mysql.innodb.lock-wait', lockWait(1), 'warning'],
  ['transaction 300 s', 'mysql.innodb.long-transaction', trx(300), null],
  ['transaction 301 s', 'mysql.innodb.long-transaction', trx(301), 'warning'],
  ['transaction 3600 s', 'mysql.innodb.long-transaction', trx(3600), 'warning'],
  ['transaction 3601 s', 'mysql.innodb.long-transaction', trx(3601), 'critical'],
  ['deadlock 3599 s ago', 'mysql.innodb.deadlock', deadlockAgo(3599), 'warning'],
  ['deadlock 3600 s ago', 'mysql.innodb.deadlock', deadlockAgo(3600), 'info'],
  ['no deadlock section', 'mysql.innodb.deadlock', history(0), null],
  ['history 50,000', 'mysql.innodb.history-list', history(50_000), null],
  ['history 50,001', 'mysql.innodb.history-list', history(50_001), 'warning'],
  ['history 1,000,001', 'mysql.innodb.history-list', history(1_000_001), 'critical'],
  ['history from status var when no InnoDB status', 'mysql.innodb.history-list', (d) => { d.innodb!.status = { unavailable: 'x' }; d.status.Innodb_history_list_length = '60000'; }, 'warning'],
  ['log waits 0', 'mysql.innodb.log-waits', status({ Innodb_log_waits: 0 }), null],
  ['log waits 1', 'mysql.innodb.log-waits', status({ Innodb_log_waits: 1 }), 'warning'],
];

describe('mysql thresholds: boundaries of every judged check', () => {
  it.each(cases)('%s', (_name, id, mutate, expected) => {
    const data = baseSnapshot();
    mutate(data);
    const { findings } = runCheck(id, data);
    expect(findings.map((f) => f.severity)).toEqual(expected === null ? [] : [expected]);
    for (const f of findings) {
      expect(f.id.startsWith(id)).toBe(true);
      expect(f.threshold?.source).toBeTruthy();
      expect(f.suggestion).toBeTruthy();
    }
  });

  it('the base snapshot is quiet: no check fires on it', () => {
    const data = baseSnapshot();
    const fired = [
      'mysql.connection.usage', 'mysql.connection.peak', 'mysql.connection.refused', 'mysql.connection.aborted-connects',
      'mysql.connection.aborted-clients', 'mysql.connection.idle', 'mysql.performance.slow-queries', 'mysql.performance.tmp-disk-tables',
      'mysql.performance.sort-merge-passes', 'mysql.performance.joins-without-index', 'mysql.innodb.buffer-pool-hit-rate',
      'mysql.innodb.buffer-pool-dirty', 'mysql.innodb.history-list', 'mysql.innodb.log-waits',
    ].flatMap((id) => runCheck(id, data).findings);
    expect(fired).toEqual([]);
  });

  it('a downgraded finding says why and what it would be after 24 h', () => {
    const data = baseSnapshot();
    status({ Aborted_connects: 500, Uptime: 5400 })(data);
    const [f] = runCheck('mysql.connection.aborted-connects', data).findings;
    expect(f?.severity).toBe('info');
    expect(f?.detail).toContain('up only 1.5 h (< 24 h)');
    expect(f?.evidence).toMatchObject({ uptimeSeconds: 5400, severityAfter24h: 'warning' });
  });

  it('threshold overrides from ksa.yaml apply by finding id', () => {
    const data = baseSnapshot();
    status({ Threads_connected: 50 })(data);
    const { findings } = runCheck('mysql.connection.usage', data, { 'mysql.connection.usage': { warning: 40 } });
    expect(findings[0]).toMatchObject({ severity: 'warning', threshold: { warning: 40, critical: 95, source: expect.stringMatching(/^override/) } });
  });
});
