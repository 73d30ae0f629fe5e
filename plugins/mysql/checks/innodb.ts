// innodb: buffer pool hit rate and dirty pages, current lock waits (waiting and blocking
// statements), long-running transactions, the latest deadlock, history list length, log waits.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import type { CheckContext, CheckDefinition } from '../../../src/sdk/index.js';
import type { MysqlSnapshot, Probe } from '../snapshot.js';
import { historyListLength, latestDeadlock, secondsBetween } from '../innodb-status.js';
import { redactStatement } from '../statement-text.js';
import { numericSetting, percent, stat } from '../server-values.js';
import { judgeLifetimeRatio } from '../uptime-guard.js';

export const HIT_RATE = defineThreshold({
  id: 'mysql.innodb.buffer-pool-hit-rate', warning: 99, critical: 95, direction: 'below', unit: '%',
  source: 'mysqld alert rules / check_mysql_health: InnoDB buffer pool hit rate < 99% (warn), < 95% (crit) https://dev.mysql.com/doc/refman/8.0/en/server-status-variables.html#statvar_Innodb_buffer_pool_reads',
});
export const DIRTY = defineThreshold({
  id: 'mysql.innodb.buffer-pool-dirty', warning: 75, critical: 90, direction: 'above', unit: '%',
  source: 'innodb_max_dirty_pages_pct default 90 (MySQL 8, MariaDB 10.5+): above it page cleaners flush at full speed; ksa warns at 75% https://dev.mysql.com/doc/refman/8.0/en/innodb-buffer-pool-flushing.html',
});
export const LOCK_WAIT = defineThreshold({
  id: 'mysql.innodb.lock-wait', warning: 0, critical: null, direction: 'above', unit: 's',
  source: 'pg alert rules analogue (blocked sessions: warn); MySQL sys.innodb_lock_waits: a session waiting 1 s or more on a row lock https://dev.mysql.com/doc/refman/8.0/en/sys-innodb-lock-waits.html',
});
export const LONG_TRX = defineThreshold({
  id: 'mysql.innodb.long-transaction', warning: 300, critical: 3600, direction: 'above', unit: 's',
  source: 'check_postgres / pg alert rules analogue: transactions open > 5 min (warn); ksa default 1 h (crit) https://dev.mysql.com/doc/refman/8.0/en/information-schema-innodb-trx-table.html',
});
export const DEADLOCK_AGE = defineThreshold({
  id: 'mysql.innodb.deadlock', warning: 3600, critical: null, direction: 'below', unit: 's ago',
  source: 'ksa default: a deadlock in the last hour is a warning, an older one is reported as info https://dev.mysql.com/doc/refman/8.0/en/innodb-deadlocks.html',
});
export const HISTORY = defineThreshold({
  id: 'mysql.innodb.history-list', warning: 50_000, critical: 1_000_000, direction: 'above', unit: 'undo log entries',
  source: 'mysqld alert rules: history list length > 50,000 (warn); ksa default 1,000,000 (crit) https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-13',
});
export const LOG_WAITS = defineThreshold({
  id: 'mysql.innodb.log-waits', warning: 0, critical: null, direction: 'above', unit: 'waits',
  source: 'MySQLTuner 1.9 / thresholds: Innodb_log_waits > 0 (the log buffer was too small) https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});

type Data = MysqlSnapshot;

/** The value, or a partial skip naming the reason (e.g. the privilege) and null. */
function available<T>(ctx: CheckContext, probe: Probe<T> | undefined): T | null {
  if (!probe) return null;
  if ('unavailable' in probe) {
    ctx.skip(probe.unavailable);
    return null;
  }
  return probe.value;
}

const hitRate = defineCheck<Data>({
  id: HIT_RATE.id,
  category: 'innodb',
  run(data, ctx) {
    const requests = stat(data, 'Innodb_buffer_pool_read_requests');
    const reads = stat(data, 'Innodb_buffer_pool_reads');
    // A few hundred reads say nothing about a cache; wait for real traffic.
    if (requests === null || reads === null || requests < 10_000) return null;
    return judgeLifetimeRatio(ctx, data, HIT_RATE, 100 - percent(reads, requests), {
      title: 'InnoDB buffer pool misses',
      detail: `${reads} of ${requests} page reads since start missed the buffer pool and went to disk.`,
      suggestion: `Raise innodb_buffer_pool_size (now ${Math.round((numericSetting(data, 'innodb_buffer_pool_size') ?? 0) / 1024 ** 2)} MiB) toward the working set, within memory.`,
      evidence: {
        Innodb_buffer_pool_read_requests: requests, Innodb_buffer_pool_reads: reads,
        innodb_buffer_pool_size: numericSetting(data, 'innodb_buffer_pool_size'),
        pagesTotal: stat(data, 'Innodb_buffer_pool_pages_total'), pagesFree: stat(data, 'Innodb_buffer_pool_pages_free'),
      },
    });
  },
});

const dirty = defineCheck<Data>({
  id: DIRTY.id,
  category: 'innodb',
  run(data, ctx) {
    const dirtyPages = stat(data, 'Innodb_buffer_pool_pages_dirty');
    const total = stat(data, 'Innodb_buffer_pool_pages_total');
    if (dirtyPages === null || !total) return null;
    return ctx.judge(DIRTY, percent(dirtyPages, total), {
      title: 'Many dirty pages in the buffer pool',
      detail: `${dirtyPages} of ${total} buffer pool pages are modified and not yet flushed (innodb_max_dirty_pages_pct ${data.variables.innodb_max_dirty_pages_pct ?? '?'}).`,
      suggestion: 'Writes outpace flushing: check disk write latency, innodb_io_capacity and the redo log size.',
      evidence: { Innodb_buffer_pool_pages_dirty: dirtyPages, Innodb_buffer_pool_pages_total: total },
    });
  },
});

const lockWait = defineCheck<Data>({
  id: LOCK_WAIT.id,
  category: 'innodb',
  run(data, ctx) {
    const waits = available(ctx, data.innodb?.lockWaits) ?? [];
    return waits.map((w) => {
      const blocking = redactStatement(w.blockingQuery);
      const recent = w.blockingRecent.map((s) => redactStatement(s) ?? '');
      const blockerText = blocking
        ?? (recent.length > 0 ? `idle in transaction; its recent statements: ${recent.join(' ; ')}` : 'idle in transaction (its statements are not recorded: enable the performance_schema consumers events_statements_current and events_statements_history)');
      return ctx.judge(LOCK_WAIT, w.waitSeconds, {
        title: `Session ${w.waitingThread} waits ${w.waitSeconds} s for a lock held by session ${w.blockingThread}`,
        detail: `Waiting: ${redactStatement(w.waitingQuery) ?? '(unknown)'} -- blocked by session ${w.blockingThread}: ${blockerText}`
          + (w.lockTable ? ` -- lock on ${w.lockTable}${w.lockIndex ? ` index ${w.lockIndex}` : ''} (${w.lockMode ?? '?'})` : ''),
        suggestion: `Commit or roll back the blocking transaction (open ${w.blockingTrxSeconds} s); if it is abandoned, end it with KILL ${w.blockingThread} (ksa action kill-session). Keep transactions short.`,
        evidence: {
          waitingSession: w.waitingThread, waitingStatement: redactStatement(w.waitingQuery), waitSeconds: w.waitSeconds,
          blockingSession: w.blockingThread, blockingStatement: blocking, blockingRecentStatements: recent,
          blockingTransactionSeconds: w.blockingTrxSeconds, lockTable: w.lockTable, lockIndex: w.lockIndex, lockMode: w.lockMode,
          innodb_lock_wait_timeout: numericSetting(data, 'innodb_lock_wait_timeout'),
        },
      });
    });
  },
});

const longTransaction = defineCheck<Data>({
  id: LONG_TRX.id,
  category: 'innodb',
  run(data, ctx) {
    const transactions = available(ctx, data.innodb?.transactions) ?? [];
    return transactions.map((t) => ctx.judge(LONG_TRX, t.seconds, {
      title: `Transaction of session ${t.thread} open for ${t.seconds} s`,
      detail: `${t.query ? `Running: ${redactStatement(t.query)}` : 'Idle inside the transaction (no statement running)'}; it modified ${t.rowsModified} and locks ${t.rowsLocked} rows and holds back purge.`,
      suggestion: `Commit or roll back in the application; if it is abandoned, KILL ${t.thread} (ksa action kill-session).`,
      evidence: { session: t.thread, state: t.state, seconds: t.seconds, statement: redactStatement(t.query), rowsModified: t.rowsModified, rowsLocked: t.rowsLocked },
    }));
  },
});

const deadlock = defineCheck<Data>({
  id: DEADLOCK_AGE.id,
  category: 'innodb',
  run(data, ctx) {
    const status = available(ctx, data.innodb?.status);
    if (status === null) return null;
    const found = latestDeadlock(status);
    if (!found) return null;
    const age = secondsBetween(found.time, data.server.now);
    const statements = found.transactions.map((t) => ({
      transaction: t.number, session: t.thread, statement: redactStatement(t.statement), waitingFor: t.waitingFor,
      activeSeconds: t.activeSeconds, rolledBack: t.number === found.rolledBack,
    }));
    const draft = {
      title: `Deadlock at ${found.time} (server time${age === null ? '' : `, ${age} s ago`})`,
      detail: `${statements.map((s) => `(${s.transaction}) session ${s.session ?? '?'}: ${s.statement ?? '?'}${s.rolledBack ? ' [rolled back]' : ''}`).join(' -- ')}. Deadlocks since start: ${stat(data, 'Innodb_deadlocks') ?? 'unknown'}.`,
      suggestion: 'Make transactions touch rows in the same order, keep them short, and retry the rolled-back one; innodb_print_all_deadlocks=ON logs every deadlock.',
      evidence: { time: found.time, serverNow: data.server.now, secondsAgo: age, transactions: statements, Innodb_deadlocks: stat(data, 'Innodb_deadlocks') },
    };
    const recent = age === null ? null : ctx.judge(DEADLOCK_AGE, age, draft);
    return recent ?? ctx.finding({ ...draft, id: DEADLOCK_AGE.id, severity: 'info', observed: { value: age, unit: 's ago' }, threshold: DEADLOCK_AGE });
  },
});

const historyList = defineCheck<Data>({
  id: HISTORY.id,
  category: 'innodb',
  run(data, ctx) {
    const probe = data.innodb?.status;
    const length = (probe && 'value' in probe ? historyListLength(probe.value) : null) ?? stat(data, 'Innodb_history_list_length');
    if (length === null) return null;
    return ctx.judge(HISTORY, length, {
      title: 'Purge is behind: long InnoDB history list',
      detail: `${length} undo log entries wait for purge; reads get slower and the undo tablespace grows.`,
      suggestion: 'End long-running transactions (see mysql.innodb.long-transaction); consider more purge threads (innodb_purge_threads).',
      evidence: { historyListLength: length },
    });
  },
});

const logWaits = defineCheck<Data>({
  id: LOG_WAITS.id,
  category: 'innodb',
  run(data, ctx) {
    const waits = stat(data, 'Innodb_log_waits');
    if (waits === null) return null;
    return ctx.judge(LOG_WAITS, waits, {
      title: 'InnoDB waited for log buffer space',
      detail: `${waits} times since start a write waited because the log buffer was full (${stat(data, 'Innodb_log_writes') ?? '?'} log writes).`,
      suggestion: 'Raise innodb_log_buffer_size.',
      evidence: { Innodb_log_waits: waits, Innodb_log_writes: stat(data, 'Innodb_log_writes') },
    });
  },
});

export const innodbChecks: ReadonlyArray<CheckDefinition<Data>> = [hitRate, dirty, lockWait, longTransaction, deadlock, historyList, logWaits];
