// connection: slots used vs available, sessions idle in a transaction, long-running queries.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { formatSeconds } from '../format.js';
import { HIDDEN_SESSIONS_REASON, sessionEvidence } from '../session-evidence.js';
import type { PgSnapshot, Session } from '../snapshot.js';

export const CONNECTION_USAGE = defineThreshold({
  id: 'postgres.connection.usage', warning: 80, critical: 90, direction: 'above', unit: '%',
  source: 'check_postgres backends / postgres_exporter PostgreSQLHighConnections: used / (max_connections - superuser_reserved_connections) > 80% warn, > 90% crit https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-10',
});
export const IDLE_IN_TRANSACTION = defineThreshold({
  id: 'postgres.connection.idle-in-transaction', warning: 300, critical: null, direction: 'above', unit: 's',
  source: 'check_postgres txn_idle / pg alert rules: a session idle in transaction > 5 min warns https://bucardo.org/check_postgres/check_postgres.pl.html',
});
export const LONG_RUNNING = defineThreshold({
  id: 'postgres.connection.long-running', warning: 300, critical: null, direction: 'above', unit: 's',
  source: 'check_postgres query_time / pg alert rules: a query running > 5 min warns https://bucardo.org/check_postgres/check_postgres.pl.html',
});

function oldest(sessions: Session[], age: (s: Session) => number | null): { session: Session; seconds: number } | null {
  let best: { session: Session; seconds: number } | null = null;
  for (const s of sessions) {
    const seconds = age(s) ?? 0;
    if (!best || seconds > best.seconds) best = { session: s, seconds };
  }
  return best;
}

export const connectionChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.connection.usage',
    category: 'connection',
    run(d, ctx) {
      const c = d.connection;
      if (!c) return null;
      const available = c.maxConnections - c.superuserReserved - c.reserved;
      const pct = available > 0 ? (100 * c.total) / available : 100;
      return ctx.judge(CONNECTION_USAGE, pct, {
        title: `${c.total} of ${available} connection slots in use`,
        detail: `max_connections ${c.maxConnections} minus ${c.superuserReserved} superuser-reserved${c.reserved ? ` and ${c.reserved} reserved` : ''} leaves ${available} slots for ordinary roles; ${c.total} client sessions hold them (ksa's own excluded). New ordinary logins fail with "too many clients" once they are all taken.`,
        suggestion: 'Put a pooler (PgBouncer) in front of the application or lower its pool sizes; end idle sessions (see byState/byClient); raise max_connections only with memory to spare (each backend costs work_mem and more).',
        evidence: { used: c.total, available, maxConnections: c.maxConnections, superuserReserved: c.superuserReserved, reserved: c.reserved, byState: c.byState, byDatabase: c.byDatabase, byUser: c.byUser, byClient: c.byClient },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.connection.idle-in-transaction',
    category: 'connection',
    run(d, ctx) {
      const c = d.connection;
      if (!c) return null;
      if (!d.server.readAllStats && !d.server.superuser) ctx.skip(HIDDEN_SESSIONS_REASON(d.server.user));
      const worst = oldest(c.idleInTransaction, (s) => s.stateSeconds);
      if (!worst) return null;
      const limit = ctx.threshold(IDLE_IN_TRANSACTION).warning ?? 0;
      const over = c.idleInTransaction.filter((s) => (s.stateSeconds ?? 0) > limit);
      return ctx.judge(IDLE_IN_TRANSACTION, worst.seconds, {
        title: `${over.length} session(s) idle in transaction, the oldest for ${formatSeconds(worst.seconds)} (pid ${worst.session.pid})`,
        detail: 'A session idle in an open transaction holds its locks and its snapshot: other sessions block on those locks and VACUUM cannot remove rows deleted since the transaction began.',
        suggestion: `Fix the client to commit or roll back promptly; set idle_in_transaction_session_timeout (e.g. '5min'); end this one with \`ksa action postgres terminate-backend <endpoint> --param pid=${worst.session.pid} --allow-write\` or SELECT pg_terminate_backend(${worst.session.pid}).`,
        evidence: { sessions: over.slice(0, 10).map(sessionEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.connection.long-running',
    category: 'connection',
    run(d, ctx) {
      const c = d.connection;
      if (!c) return null;
      const worst = oldest(c.longRunning, (s) => s.querySeconds);
      if (!worst) return null;
      const limit = ctx.threshold(LONG_RUNNING).warning ?? 0;
      const over = c.longRunning.filter((s) => (s.querySeconds ?? 0) > limit);
      return ctx.judge(LONG_RUNNING, worst.seconds, {
        title: `${over.length} query(ies) running longer than ${formatSeconds(limit)}, the longest for ${formatSeconds(worst.seconds)} (pid ${worst.session.pid})`,
        detail: 'Long-running queries hold snapshots (VACUUM cannot clean up behind them) and locks, and often mean a missing index or a runaway report.',
        suggestion: `EXPLAIN the query (evidence) for a missing index; set statement_timeout for the role; cancel it with \`ksa action postgres cancel-backend <endpoint> --param pid=${worst.session.pid} --allow-write\` or SELECT pg_cancel_backend(${worst.session.pid}).`,
        evidence: { sessions: over.slice(0, 10).map(sessionEvidence) },
      });
    },
  }),
];
