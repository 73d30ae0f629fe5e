// How a session appears in evidence (connection and locks findings): who, where, how long, what.
import { roundSeconds } from './format.js';
import type { Session } from './snapshot.js';

export function sessionEvidence(s: Session): Record<string, unknown> {
  return {
    pid: s.pid,
    user: s.user,
    database: s.database,
    client: s.client,
    application: s.application,
    state: s.state,
    transactionSeconds: roundSeconds(s.xactSeconds),
    stateSeconds: roundSeconds(s.stateSeconds),
    querySeconds: roundSeconds(s.querySeconds),
    waitEvent: s.waitEvent,
    query: s.query,
  };
}

export const HIDDEN_SESSIONS_REASON = (user: string) =>
  `sessions of other roles are hidden from ${user} (state and query are NULL): GRANT pg_read_all_stats (or pg_monitor) TO ${user}`;
