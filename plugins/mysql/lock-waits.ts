// Current InnoDB lock waits with both transactions and the lock, read as single-table statements
// and joined here: the server-side join counted as three Select_full_join per run, so a cron'd ksa
// would by itself have pushed mysql.performance.joins-without-index past its threshold.
import { PROCESS } from './privileges.js';
import type { Ask } from './ask.js';
import { num, str } from './row-cells.js';
import type { LockWaitRow, Probe, Row } from './snapshot.js';

/** Columns: requesting, blocking (transaction ids) and lockId (the requested lock). */
export interface LockWaitSql {
  pairs: string;
  /** `IN (?)` over lock ids; columns lockId, lockTable, lockIndex, lockMode. */
  locks: string;
}

const TRANSACTIONS = `SELECT trx_id AS id, trx_mysql_thread_id AS thread, trx_query AS query,
    TIMESTAMPDIFF(SECOND, trx_wait_started, NOW()) AS waitSeconds, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS trxSeconds
  FROM information_schema.INNODB_TRX WHERE trx_id IN (?)`;


export async function collectLockWaits(ask: Ask, sql: LockWaitSql): Promise<Probe<LockWaitRow[]>> {
  const pairs = await ask.probe(sql.pairs, 'reading current InnoDB lock waits', PROCESS, (rows) => rows);
  if (!('value' in pairs)) return pairs;
  if (pairs.value.length === 0) return { value: [] };
  const trxIds = [...new Set(pairs.value.flatMap((p) => [String(p.requesting), String(p.blocking)]))];
  const lockIds = [...new Set(pairs.value.map((p) => String(p.lockId)))];
  const [trx, locks] = await Promise.all([
    ask.probe(TRANSACTIONS, 'reading information_schema.INNODB_TRX', PROCESS, (rows) => rows, [trxIds]),
    ask.probe(sql.locks, 'reading the waited-for InnoDB locks', PROCESS, (rows) => rows, [lockIds]),
  ]);
  // Without the transactions the waits cannot be described: say why, never "no waits".
  if (!('value' in trx)) return trx;
  const byId = (probe: Probe<Row[]>, key: string) => new Map(('value' in probe ? probe.value : []).map((r) => [String(r[key]), r]));
  const trxById = byId(trx, 'id');
  const lockById = byId(locks, 'lockId');
  return {
    value: pairs.value.flatMap((p): LockWaitRow[] => {
      const waiting = trxById.get(String(p.requesting));
      const blocking = trxById.get(String(p.blocking));
      // Either transaction may have ended between the two reads: then this wait is over too.
      if (!waiting || !blocking) return [];
      const lock = lockById.get(String(p.lockId));
      return [{
        waitingThread: num(waiting.thread), waitingQuery: str(waiting.query), waitSeconds: num(waiting.waitSeconds),
        blockingThread: num(blocking.thread), blockingQuery: str(blocking.query), blockingTrxSeconds: num(blocking.trxSeconds),
        lockTable: str(lock?.lockTable), lockIndex: str(lock?.lockIndex), lockMode: str(lock?.lockMode), blockingRecent: [],
      }];
    }),
  };
}
