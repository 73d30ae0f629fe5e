// replication: per source connection (MariaDB multi-source) or channel (MySQL): IO/SQL threads,
// last errors, lag, relay log space; on a replica: read_only and GTID use.
import { defineCheck, defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import type { CheckDefinition, Finding } from '../../../src/sdk/index.js';
import type { MysqlSnapshot } from '../snapshot.js';
import { replicaLabel, replicaState, type ReplicaState } from '../replica-status.js';
import { isOn } from '../server-values.js';
import { redactErrorText } from '../statement-text.js';

export const LAG = defineThreshold({
  id: 'mysql.replication.lag', warning: 30, critical: 300, direction: 'above', unit: 's',
  source: 'mysqld alert rules: Seconds_Behind_Source > 30 s (they page at 30 s; ksa warns at 30 s and is critical at 300 s) https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-7',
});
export const RELAY_LOG_SPACE = defineThreshold({
  id: 'mysql.replication.relay-log-space', warning: 1024 ** 3, critical: 10 * 1024 ** 3, direction: 'above', unit: 'bytes',
  source: 'ksa default: relay logs over 1 GiB (10 GiB critical) mean the SQL thread is far behind the IO thread or purging stopped https://dev.mysql.com/doc/refman/8.0/en/replica-logs-relaylog.html',
});

// The rules of the state findings, defined at import (the source's URL is checked there).
const IO_THREAD_RULE = defineStateRule({ id: 'mysql.replication.io-thread', source: 'mysqld alert rules (awesome-prometheus-alerts MySQL Slave IO thread not running): replica IO thread not running is critical https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-2' });
const SQL_THREAD_RULE = defineStateRule({ id: 'mysql.replication.sql-thread', source: 'mysqld alert rules (awesome-prometheus-alerts MySQL Slave SQL thread not running): replica SQL thread not running is critical https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-3' });
const LAST_ERROR_RULE = defineStateRule({ id: 'mysql.replication.last-error', source: 'ksa advice: any Last_IO_Error / Last_SQL_Error of SHOW REPLICA STATUS is critical https://dev.mysql.com/doc/refman/8.0/en/show-replica-status.html' });
const READ_ONLY_RULE = defineStateRule({ id: 'mysql.replication.read-only', source: 'MySQL and MariaDB replication manuals: run replicas with read_only (MySQL: super_read_only) so only the replication threads write https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_read_only' });
const GTID_RULE = defineStateRule({ id: 'mysql.replication.gtid', source: 'MySQL and MariaDB replication manuals: GTID auto-positioning for safe failover (ksa advice) https://dev.mysql.com/doc/refman/8.0/en/replication-gtids-auto-positioning.html' });

type Data = MysqlSnapshot;

/** Replica states with error texts stripped of quoted values and passwords. */
function replicas(data: Data): ReplicaState[] {
  return (data.replication?.replicas ?? []).map(replicaState).map((r) => ({
    ...r, lastIoError: redactErrorText(r.lastIoError), lastSqlError: redactErrorText(r.lastSqlError),
  }));
}

function evidenceOf(r: ReplicaState): Record<string, unknown> {
  return {
    connection: r.name, source: r.source, ioRunning: r.ioRunning, sqlRunning: r.sqlRunning, ioState: r.ioState,
    secondsBehindSource: r.lagSeconds, lastIoErrno: r.lastIoErrno, lastIoError: r.lastIoError,
    lastSqlErrno: r.lastSqlErrno, lastSqlError: r.lastSqlError, relayLogSpace: r.relayLogSpace, sqlDelay: r.sqlDelay,
  };
}

const ioThread = defineCheck<Data>({
  id: 'mysql.replication.io-thread',
  category: 'replication',
  run(data, ctx) {
    return replicas(data).filter((r) => r.ioRunning !== 'Yes').map((r) => ctx.finding({
      id: 'mysql.replication.io-thread',
      severity: 'critical',
      title: `Replica IO thread not running (${r.ioRunning || 'No'}) for ${replicaLabel(r)}`,
      detail: r.lastIoError
        ? `The replica is not receiving the source's binary log. Last IO error ${r.lastIoErrno}: ${r.lastIoError}`
        : `The replica is not receiving the source's binary log (IO thread: ${r.ioRunning || 'No'}, no error recorded: stopped by STOP REPLICA/SLAVE?).`,
      observed: { value: r.ioRunning || 'No' },
      suggestion: r.lastIoError
        ? 'Fix the cause named in the error (source reachable? replication user and password? binlog purged on the source?), then START REPLICA (MariaDB: START SLAVE).'
        : 'Start it with START REPLICA IO_THREAD (MariaDB: START SLAVE IO_THREAD) once it is safe.',
      evidence: evidenceOf(r),
      threshold: IO_THREAD_RULE,
    }));
  },
});

const sqlThread = defineCheck<Data>({
  id: 'mysql.replication.sql-thread',
  category: 'replication',
  run(data, ctx) {
    return replicas(data).filter((r) => !r.sqlRunning).map((r) => ctx.finding({
      id: 'mysql.replication.sql-thread',
      severity: 'critical',
      title: `Replica SQL thread stopped for ${replicaLabel(r)}`,
      detail: r.lastSqlError
        ? `The replica stopped applying changes. Last SQL error ${r.lastSqlErrno}: ${r.lastSqlError}`
        : 'The replica is not applying changes (SQL thread stopped without an error: STOP REPLICA/SLAVE SQL_THREAD?).',
      observed: { value: 'No' },
      suggestion: r.lastSqlError
        ? 'Resolve the conflict named in the error (e.g. a row written directly on the replica), or rebuild the replica from a fresh copy; skipping events loses data.'
        : 'Start it with START REPLICA SQL_THREAD (MariaDB: START SLAVE SQL_THREAD).',
      evidence: evidenceOf(r),
      threshold: SQL_THREAD_RULE,
    }));
  },
});

// Errors recorded while the thread still runs (e.g. the IO thread retrying a lost source).
const lastError = defineCheck<Data>({
  id: 'mysql.replication.last-error',
  category: 'replication',
  run(data, ctx) {
    const out: Finding[] = [];
    for (const r of replicas(data)) {
      const errors = [
        r.ioRunning === 'Yes' && r.lastIoError ? `IO error ${r.lastIoErrno}: ${r.lastIoError}` : null,
        r.sqlRunning && r.lastSqlError ? `SQL error ${r.lastSqlErrno}: ${r.lastSqlError}` : null,
      ].filter((e): e is string => e !== null);
      if (errors.length === 0) continue;
      out.push(ctx.finding({
        id: 'mysql.replication.last-error',
        severity: 'critical',
        title: `Replication error recorded for ${replicaLabel(r)}`,
        detail: errors.join('; '),
        suggestion: 'Read the error; if the threads keep running it was transient and the next START REPLICA clears it, otherwise fix its cause.',
        evidence: evidenceOf(r),
        threshold: LAST_ERROR_RULE,
      }));
    }
    return out;
  },
});

const lag = defineCheck<Data>({
  id: LAG.id,
  category: 'replication',
  run(data, ctx) {
    return replicas(data).filter((r) => r.lagSeconds !== null).map((r) => ctx.judge(LAG, r.lagSeconds ?? 0, {
      title: `Replica lags ${r.lagSeconds} s behind for ${replicaLabel(r)}`,
      detail: `Reads from this replica are ${r.lagSeconds} s old${r.sqlDelay > 0 ? ` (a deliberate delay MASTER_DELAY/SOURCE_DELAY of ${r.sqlDelay} s is configured)` : ''}.`,
      suggestion: r.sqlDelay > 0
        ? 'The lag includes the configured delay; set it to 0 (CHANGE MASTER TO MASTER_DELAY=0) if it is not intended.'
        : 'Look for long transactions on the source, a single-threaded SQL thread (slave_parallel_threads / replica_parallel_workers) or slow replica storage.',
      evidence: evidenceOf(r),
    }));
  },
});

const relayLogSpace = defineCheck<Data>({
  id: RELAY_LOG_SPACE.id,
  category: 'replication',
  run(data, ctx) {
    return replicas(data).map((r) => ctx.judge(RELAY_LOG_SPACE, r.relayLogSpace, {
      title: `Relay logs use ${Math.round(r.relayLogSpace / 1024 ** 2)} MiB for ${replicaLabel(r)}`,
      detail: 'Received but not yet applied (or not yet purged) relay logs take this much disk.',
      suggestion: 'Check that the SQL thread keeps up (lag) and relay_log_purge is ON; cap with relay_log_space_limit.',
      evidence: evidenceOf(r),
    }));
  },
});

const readOnly = defineCheck<Data>({
  id: 'mysql.replication.read-only',
  category: 'replication',
  run(data, ctx) {
    if (replicas(data).length === 0 || isOn(data, 'read_only')) return null;
    return ctx.finding({
      id: 'mysql.replication.read-only',
      severity: 'warning',
      title: 'Replica accepts writes (read_only is OFF)',
      detail: 'Writes made directly on a replica diverge it from its source and stop replication on the next conflicting event.',
      observed: { value: data.variables.read_only ?? 'OFF' },
      suggestion: data.server.flavor === 'mysql'
        ? 'SET PERSIST super_read_only = ON (and read_only = ON) on replicas.'
        : 'Set read_only = ON in my.cnf and SET GLOBAL read_only = ON on replicas.',
      evidence: { read_only: data.variables.read_only ?? null, super_read_only: data.variables.super_read_only ?? null },
      threshold: READ_ONLY_RULE,
    });
  },
});

const gtid = defineCheck<Data>({
  id: 'mysql.replication.gtid',
  category: 'replication',
  run(data, ctx) {
    return replicas(data).filter((r) => !r.usesGtid).map((r) => ctx.finding({
      id: 'mysql.replication.gtid',
      severity: 'info',
      title: `Replication by file position, not GTID, for ${replicaLabel(r)}`,
      detail: `GTID positioning (${data.server.flavor === 'mariadb' ? 'Using_Gtid' : 'Auto_Position'}: ${r.gtid || 'none'}) makes failover and re-pointing a replica safe without finding binlog coordinates.`,
      suggestion: data.server.flavor === 'mariadb'
        ? 'CHANGE MASTER TO MASTER_USE_GTID = slave_pos'
        : 'Enable gtid_mode=ON and enforce_gtid_consistency=ON, then CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1',
      evidence: { connection: r.name, source: r.source, gtid: r.gtid, gtid_mode: data.variables.gtid_mode ?? null },
      threshold: GTID_RULE,
    }));
  },
});

export const replicationChecks: ReadonlyArray<CheckDefinition<Data>> = [ioThread, sqlThread, lastError, lag, relayLogSpace, readOnly, gtid];
