// connection: current and peak use of max_connections, refused and aborted connections, who holds
// the connections (by client host and by user), and long-idle sessions.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import type { CheckContext, CheckDefinition } from '../../../src/sdk/index.js';
import type { MysqlSnapshot, SessionRow } from '../snapshot.js';
import { numericSetting, percent, stat } from '../server-values.js';
import { judgeLifetimeRatio } from '../uptime-guard.js';
import { PROCESS, needs } from '../privileges.js';

export const USAGE = defineThreshold({
  id: 'mysql.connection.usage', warning: 85, critical: 95, direction: 'above', unit: '%',
  source: 'MySQLTuner / mysqld alert rules: Threads_connected > 85% of max_connections (warn), > 95% (crit) https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-4',
});
export const PEAK = defineThreshold({
  id: 'mysql.connection.peak', warning: 85, critical: null, direction: 'above', unit: '%',
  source: 'MySQLTuner 1.9: highest usage of available connections (Max_used_connections / max_connections) > 85% https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});
export const REFUSED = defineThreshold({
  id: 'mysql.connection.refused', warning: 0, critical: null, direction: 'above', unit: 'connections',
  source: 'MySQL manual: Connection_errors_max_connections counts connections refused because max_connections was reached https://dev.mysql.com/doc/refman/8.0/en/server-status-variables.html#statvar_Connection_errors_max_connections',
});
export const ABORTED_CONNECTS = defineThreshold({
  id: 'mysql.connection.aborted-connects', warning: 3, critical: null, direction: 'above', unit: '%',
  source: 'MySQLTuner 1.9: Aborted_connects / Connections > 3% https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});
export const ABORTED_CLIENTS = defineThreshold({
  id: 'mysql.connection.aborted-clients', warning: 10, critical: null, direction: 'above', unit: '%',
  source: 'ksa default (no published rule): Aborted_clients / Connections > 10% (clients that vanish without COM_QUIT) https://dev.mysql.com/doc/refman/8.0/en/server-status-variables.html#statvar_Aborted_clients',
});
export const IDLE = defineThreshold({
  id: 'mysql.connection.idle', warning: 25, critical: null, direction: 'above', unit: '% of max_connections',
  source: 'ksa default: sessions idle over 10 min holding more than a quarter of max_connections https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_wait_timeout',
});

const IDLE_SECONDS = 600;
const TOP = 5;

type Data = MysqlSnapshot;

/** [name, count] pairs, largest first. */
function topBy(sessions: readonly SessionRow[], key: (s: SessionRow) => string): Array<{ name: string; connections: number }> {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([name, connections]) => ({ name, connections }));
}

function holders(data: Data): Record<string, unknown> {
  const sessions = data.connection?.sessions ?? [];
  return {
    byHost: topBy(sessions, (s) => s.host || 'localhost'),
    byUser: topBy(sessions, (s) => s.user),
    ...(data.connection && !data.connection.complete ? { note: 'only this user\'s own sessions are visible (no PROCESS privilege)' } : {}),
  };
}

const usage = defineCheck<Data>({
  id: USAGE.id,
  category: 'connection',
  run(data, ctx) {
    const max = numericSetting(data, 'max_connections');
    const current = stat(data, 'Threads_connected');
    if (!max || current === null) return null;
    return ctx.judge(USAGE, percent(current, max), {
      title: 'Connections near max_connections',
      detail: `${current} of max_connections ${max} are in use; new clients get "Too many connections" when it is reached.`,
      suggestion: 'Find the hosts/users holding connections (evidence); use a connection pool or lower wait_timeout, or raise max_connections if memory allows.',
      evidence: { Threads_connected: current, max_connections: max, Threads_running: stat(data, 'Threads_running'), ...holders(data) },
    });
  },
});

const peak = defineCheck<Data>({
  id: PEAK.id,
  category: 'connection',
  run(data, ctx) {
    const max = numericSetting(data, 'max_connections');
    const used = stat(data, 'Max_used_connections');
    if (!max || used === null) return null;
    return ctx.judge(PEAK, Math.min(100, percent(used, max)), {
      title: 'Peak connections came close to max_connections',
      detail: `The highest number of simultaneous connections since start was ${used} of max_connections ${max}.`,
      suggestion: 'Reduce persistent connections (pooling, lower wait_timeout/interactive_timeout) or raise max_connections.',
      evidence: { Max_used_connections: used, max_connections: max },
    });
  },
});

const refused = defineCheck<Data>({
  id: REFUSED.id,
  category: 'connection',
  run(data, ctx) {
    const n = stat(data, 'Connection_errors_max_connections');
    if (n === null) return null;
    return ctx.judge(REFUSED, n, {
      title: 'Connections were refused: max_connections reached',
      detail: `${n} connection attempts were refused since start because max_connections was reached.`,
      suggestion: 'Raise max_connections or reduce the number of connections clients hold (pooling).',
      evidence: { Connection_errors_max_connections: n, max_connections: numericSetting(data, 'max_connections') },
    });
  },
});

function abortedRatio(counter: 'Aborted_connects' | 'Aborted_clients') {
  return (data: Data, ctx: CheckContext) => {
    const aborted = stat(data, counter);
    const total = stat(data, 'Connections');
    if (aborted === null || !total) return null;
    const spec = counter === 'Aborted_connects' ? ABORTED_CONNECTS : ABORTED_CLIENTS;
    const what = counter === 'Aborted_connects'
      ? { title: 'Many failed connection attempts', why: 'failed to connect (bad password, no privilege, handshake timeout)', fix: 'Check client credentials and network (connect_timeout); the error log names the hosts.' }
      : { title: 'Many clients disconnect without closing', why: 'were aborted (client died or exceeded wait_timeout without COM_QUIT)', fix: 'Make clients close connections properly; check wait_timeout and max_allowed_packet.' };
    return judgeLifetimeRatio(ctx, data, spec, percent(aborted, total), {
      title: what.title,
      detail: `${aborted} of ${total} connections since start ${what.why}.`,
      suggestion: what.fix,
      evidence: { [counter]: aborted, Connections: total },
    });
  };
}

const abortedConnects = defineCheck<Data>({ id: ABORTED_CONNECTS.id, category: 'connection', run: abortedRatio('Aborted_connects') });
const abortedClients = defineCheck<Data>({ id: ABORTED_CLIENTS.id, category: 'connection', run: abortedRatio('Aborted_clients') });

const idle = defineCheck<Data>({
  id: IDLE.id,
  category: 'connection',
  run(data, ctx) {
    const max = numericSetting(data, 'max_connections');
    if (!data.connection || !max) return null;
    if (!data.connection.complete) ctx.skip(needs('seeing other users\' sessions (long-idle connections, connections by host and user)', PROCESS, data.server.currentUser));
    const idleSessions = data.connection.sessions.filter((s) => s.command === 'Sleep' && s.time > IDLE_SECONDS);
    return ctx.judge(IDLE, percent(idleSessions.length, max), {
      title: 'Long-idle sessions hold many connections',
      detail: `${idleSessions.length} sessions have been idle for more than ${IDLE_SECONDS / 60} min (wait_timeout ${data.variables.wait_timeout ?? '?'} s).`,
      suggestion: 'Lower wait_timeout, or fix the pool holding idle connections (evidence: by host and user).',
      evidence: {
        idleSessions: idleSessions.length,
        longestIdleSeconds: Math.max(0, ...idleSessions.map((s) => s.time)),
        byHost: topBy(idleSessions, (s) => s.host || 'localhost'),
        byUser: topBy(idleSessions, (s) => s.user),
      },
    });
  },
});

export const connectionChecks: ReadonlyArray<CheckDefinition<Data>> = [usage, peak, refused, abortedConnects, abortedClients, idle];
