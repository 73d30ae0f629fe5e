// locks: sessions waiting on another session's lock (with both queries), deadlocks per database.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { formatSeconds } from '../format.js';
import { HIDDEN_SESSIONS_REASON, sessionEvidence } from '../session-evidence.js';
import type { PgSnapshot } from '../snapshot.js';

export const BLOCKED = defineThreshold({
  id: 'postgres.locks.blocked', warning: 0, critical: null, direction: 'above', unit: 'sessions',
  source: 'check_postgres locks / pg alert rules: any session blocked by another (pg_blocking_pids) warns https://bucardo.org/check_postgres/check_postgres.pl.html',
});
export const DEADLOCKS = defineThreshold({
  id: 'postgres.locks.deadlocks', warning: 5, critical: null, direction: 'above', unit: 'per minute',
  source: 'awesome-prometheus-alerts PostgresqlDeadLocks: increase(pg_stat_database_deadlocks[1m]) > 5 (here averaged since the statistics were reset) https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-16',
});

export const lockChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.locks.blocked',
    category: 'locks',
    run(d, ctx) {
      const l = d.locks;
      if (!l) return null;
      if (!d.server.readAllStats && !d.server.superuser) ctx.skip(HIDDEN_SESSIONS_REASON(d.server.user));
      if (l.blocked.length === 0 && l.blockedCount === 0) return null;
      const longest = l.blocked[0];
      const roots = [...new Set(l.blocked.flatMap((b) => b.blockedBy))];
      return ctx.judge(BLOCKED, l.blockedCount, {
        title: `${l.blockedCount} session(s) blocked by pid ${roots.slice(0, 5).join(', ')}${longest?.querySeconds ? `, the longest waiting ${formatSeconds(longest.querySeconds)}` : ''}`,
        detail: 'These sessions wait for a lock another session holds; they make no progress until it commits, rolls back or is ended. Both sides\' queries are in the evidence.',
        suggestion: `Find why the blocker holds its lock (an open transaction, a long DDL or UPDATE); end it if safe with \`ksa action postgres terminate-backend <endpoint> --param pid=${roots[0] ?? '<pid>'} --allow-write\`; set lock_timeout for DDL so it cannot queue everyone behind it.`,
        evidence: {
          blocked: l.blocked.slice(0, 10).map((b) => ({ ...sessionEvidence(b), blockedBy: b.blockedBy })),
          blockers: l.blockers.slice(0, 10).map(sessionEvidence),
        },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.locks.deadlocks',
    category: 'locks',
    run(d, ctx) {
      const l = d.locks;
      if (!l) return null;
      const seen = l.deadlocks.filter((x) => x.deadlocks > 0);
      if (seen.length === 0) return null;
      const rates = seen.map((x) => ({ ...x, perMinute: x.deadlocks / Math.max(x.windowSeconds / 60, 1) }));
      const worst = rates.reduce((a, b) => (b.perMinute > a.perMinute ? b : a));
      const draft = {
        detail: 'pg_stat_database counts deadlocks since its statistics were reset; PostgreSQL aborted one transaction of each. Each one is an application error and a retry.',
        suggestion: 'Find the statements in the server log (log_lock_waits = on, deadlock details are logged); make transactions take locks in the same order, keep them short, use SELECT ... FOR UPDATE consistently.',
        evidence: { databases: rates.map((x) => ({ database: x.database, deadlocks: x.deadlocks, perMinute: Math.round(x.perMinute * 1000) / 1000, windowSeconds: Math.round(x.windowSeconds) })) },
      };
      return ctx.judge(DEADLOCKS, worst.perMinute, { ...draft, title: `${worst.deadlocks} deadlocks in database ${worst.database} (${worst.perMinute.toFixed(2)} per minute on average)` })
        ?? ctx.finding({
          ...draft,
          id: 'postgres.locks.deadlocks.seen',
          severity: 'info',
          title: `Deadlocks since the statistics reset: ${seen.map((x) => `${x.database} ${x.deadlocks}`).join(', ')}`,
          observed: { value: seen.reduce((s, x) => s + x.deadlocks, 0), unit: 'deadlocks' },
        });
    },
  }),
];
