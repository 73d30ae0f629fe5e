// The one mutating action: end a session (e.g. the blocker a lock-wait finding names). The SDK
// refuses it without --allow-write; KILL is declared in the manifest for this action only.
import { ksaError } from '../../src/sdk/index.js';
import type { ActionDefinition } from '../../src/sdk/index.js';
import type { MysqlSession } from './connect.js';

export const actions: Record<string, ActionDefinition<MysqlSession>> = {
  'kill-session': {
    mutating: true,
    description: 'KILL <id>: ends a session and rolls back its transaction',
    async run(_ctx, session, params) {
      const id = Number(params.id);
      if (!Number.isInteger(id) || id <= 0) throw ksaError('KSA_ERR_BAD_INPUT', 'kill-session needs params {id: <session id>}', { fix: 'take the id from a lock-wait or long-transaction finding' });
      if (id === session.connectionId) throw ksaError('KSA_ERR_BAD_INPUT', 'refusing to kill the diagnosing session itself');
      await session.query(`KILL ${id}`);
      return { ok: true, detail: `session ${id} killed`, data: { id } };
    },
  },
};
