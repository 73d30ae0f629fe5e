// Actions an SRE takes on what the diagnosis shows: cancel a query or end a session by pid. Both
// interrupt someone's work, so both are mutating (refused without --allow-write).
import { ksaError } from '../../src/sdk/index.js';
import type { ActionDefinition } from '../../src/sdk/index.js';
import { MARK } from './queries.js';
import type { PgConn } from './connect.js';

function pidOf(params: Record<string, unknown>): number {
  const pid = Number(params.pid);
  if (!Number.isInteger(pid) || pid <= 0) throw ksaError('KSA_ERR_BAD_INPUT', `pid ${JSON.stringify(String(params.pid ?? '')).slice(0, 20)} is not a backend pid`, { fix: 'pass --param pid=<pid from the finding evidence>' });
  return pid;
}

function signalAction(fn: 'pg_cancel_backend' | 'pg_terminate_backend', what: string): ActionDefinition<PgConn> {
  return {
    mutating: true,
    description: `${what} (SELECT ${fn}(pid)); params: pid`,
    async run(_ctx, conn, params) {
      const pid = pidOf(params);
      const [row] = await conn.query<{ ok: boolean | null }>(`${MARK} SELECT ${fn}(${pid}) AS ok`);
      const ok = row?.ok === true;
      return { ok, detail: ok ? `${fn}(${pid}) sent` : `${fn}(${pid}) returned false: no such backend, or not allowed to signal it`, data: { pid } };
    },
  };
}

export const actions: Record<string, ActionDefinition<PgConn>> = {
  'cancel-backend': signalAction('pg_cancel_backend', 'cancel the running query of a backend'),
  'terminate-backend': signalAction('pg_terminate_backend', 'end a backend (its open transaction rolls back)'),
};
