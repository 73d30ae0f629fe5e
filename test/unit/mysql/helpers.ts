// Builders for unit tests: a minimal healthy MySQL snapshot and a runner for one check.
import plugin from '../../../plugins/mysql/index.js';
import { createCheckContext } from '../../../src/sdk/index.js';
import type { Finding } from '../../../src/sdk/index.js';
import type { MysqlSnapshot } from '../../../plugins/mysql/snapshot.js';

/** A quiet server up 10 days: no check fires on it. */
export function baseSnapshot(): MysqlSnapshot {
  return {
    server: { flavor: 'mariadb', version: '10.11.19', versionText: '10.11.19-MariaDB', versionComment: 'Debian 12', now: '2026-11-22 10:00:00', currentUser: 'ksa@127.0.0.1' },
    variables: { max_connections: '100', read_only: 'ON', performance_schema: 'ON', require_secure_transport: 'OFF', wait_timeout: '28800' },
    status: {
      Uptime: '864000', Threads_connected: '10', Max_used_connections: '20', Connections: '1000', Aborted_connects: '0', Aborted_clients: '0',
      Connection_errors_max_connections: '0', Questions: '100000', Slow_queries: '0', Created_tmp_tables: '100', Created_tmp_disk_tables: '0',
      Sort_merge_passes: '0', Sort_scan: '50', Sort_range: '50', Select_full_join: '0', Select_range_check: '0',
      Innodb_buffer_pool_read_requests: '1000000', Innodb_buffer_pool_reads: '0', Innodb_buffer_pool_pages_total: '1000',
      Innodb_buffer_pool_pages_dirty: '0', Innodb_buffer_pool_pages_free: '500', Innodb_log_waits: '0', Innodb_history_list_length: '0',
    },
    connection: { sessions: [], complete: true },
    replication: { replicas: [], attached: { value: [] } },
    performance: { digests: { value: [] }, histogram: { unavailable: 'MariaDB has no performance_schema.events_statements_histogram_global' } },
    innodb: { status: { value: '' }, lockWaits: { value: [] }, transactions: { value: [] } },
    security: { accounts: [] },
  };
}

export interface CheckRun {
  findings: Finding[];
  skips: string[];
}

/** Runs the check with this id on data, as analyze would (with optional threshold overrides). */
export function runCheck(id: string, data: MysqlSnapshot, overrides: Record<string, { warning?: number | null; critical?: number | null }> = {}): CheckRun {
  const check = plugin.parts.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const skips: string[] = [];
  const out = check.run(data, createCheckContext(check.category, overrides, (r) => skips.push(r)));
  return { findings: (Array.isArray(out) ? out : [out]).filter((f): f is Finding => f !== null), skips };
}

/** A replica-status row in MariaDB spelling, healthy unless overridden. */
export function mariadbReplicaRow(overrides: Record<string, string | number | null> = {}): Record<string, string | number | null> {
  return {
    Connection_name: '', Master_Host: '10.0.0.1', Master_Port: 3306, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes',
    Seconds_Behind_Master: 0, Last_IO_Errno: 0, Last_IO_Error: '', Last_SQL_Errno: 0, Last_SQL_Error: '', Relay_Log_Space: 4096,
    SQL_Delay: 0, Using_Gtid: 'Slave_Pos', Slave_IO_State: 'Waiting for master to send event', ...overrides,
  };
}
