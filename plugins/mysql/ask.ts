// One statement, answered or explained: a refusal names the missing privilege and its GRANT, a
// missing table says so; anything else is a real error.
import { KsaError } from '../../src/sdk/index.js';
import { ABSENT, DENIED } from './batch.js';
import { driverError, type MysqlSession } from './connect.js';
import { needs, type Privilege } from './privileges.js';
import type { Probe, Row } from './snapshot.js';

export interface Ask {
  query(sql: string, values?: unknown[]): Promise<Row[]>;
  /** The rows, or the reason the server refused (privilege named) or lacks the table. */
  probe<T>(sql: string, what: string, privilege: Privilege, map: (rows: Row[]) => T, values?: unknown[]): Promise<Probe<T>>;
}

export function asker(session: MysqlSession): Ask {
  return {
    query: session.query,
    async probe(sql, what, privilege, map, values) {
      try {
        // A privilege granted on *.* only is refused for every statement needing it at once (batch.ts).
        const options = privilege.on === '*.*' ? { globalPrivilege: privilege.name } : {};
        return { value: map(await session.query(sql, values, options)) };
      } catch (error) {
        if (error instanceof KsaError) throw error;
        const errno = (error as { errno?: number }).errno ?? 0;
        const message = (error as Error).message;
        if (DENIED.has(errno)) return { unavailable: `${needs(what, privilege, session.server.currentUser)} (the server said: ${message})` };
        if (ABSENT.has(errno)) return { unavailable: `${what} is not available on this server: ${message}` };
        throw driverError(error, [], what);
      }
    },
  };
}
