// Lock waits are read as single-table statements and joined here (a server-side join would count
// as Select_full_join on every run): pairs -> transactions and locks, vanished ones dropped.
import { describe, expect, it } from 'vitest';
import { collectLockWaits, type LockWaitSql } from '../../../plugins/mysql/lock-waits.js';
import type { Ask } from '../../../plugins/mysql/ask.js';
import type { Probe, Row } from '../../../plugins/mysql/snapshot.js';

const SQL: LockWaitSql = { pairs: 'PAIRS', locks: 'LOCKS' };

function fakeAsk(tables: { pairs: Probe<Row[]>; trx?: Row[] | Probe<Row[]>; locks?: Probe<Row[]> }): Ask & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    query: async () => [],
    async probe<T>(sql: string, _what: string, _p: unknown, map: (rows: Row[]) => T): Promise<Probe<T>> {
      asked.push(sql.startsWith('SELECT trx_id') ? 'TRX' : sql);
      const trx = Array.isArray(tables.trx) || tables.trx === undefined ? { value: tables.trx ?? [] } : tables.trx;
      const probe = sql === 'PAIRS' ? tables.pairs : sql === 'LOCKS' ? tables.locks ?? { value: [] } : trx;
      return 'value' in probe ? { value: map(probe.value) } : probe;
    },
  };
}

describe('collectLockWaits', () => {
  it('no waits: one statement, an empty list', async () => {
    const ask = fakeAsk({ pairs: { value: [] } });
    expect(await collectLockWaits(ask, SQL)).toEqual({ value: [] });
    expect(ask.asked).toEqual(['PAIRS']);
  });

  it('a refusal is passed on with its reason', async () => {
    const ask = fakeAsk({ pairs: { unavailable: 'needs PROCESS' } });
    expect(await collectLockWaits(ask, SQL)).toEqual({ unavailable: 'needs PROCESS' });
  });

  it('joins both transactions and the lock by id (numeric and string ids alike); a wait whose transaction ended is dropped', async () => {
    const ask = fakeAsk({
      pairs: { value: [{ requesting: 11, blocking: '10', lockId: '11:5:3:2' }, { requesting: 12, blocking: 99, lockId: 'x' }] },
      trx: [
        { id: '10', thread: 7, query: null, waitSeconds: null, trxSeconds: 42 },
        { id: 11, thread: 8, query: 'UPDATE t SET v = ? WHERE id = ?', waitSeconds: 3, trxSeconds: 3 },
        { id: 12, thread: 9, query: 'DELETE FROM t', waitSeconds: 1, trxSeconds: 1 },
      ],
      locks: { value: [{ lockId: '11:5:3:2', lockTable: '`app`.`t`', lockIndex: 'PRIMARY', lockMode: 'X' }] },
    });
    expect(await collectLockWaits(ask, SQL)).toEqual({
      value: [{
        waitingThread: 8, waitingQuery: 'UPDATE t SET v = ? WHERE id = ?', waitSeconds: 3,
        blockingThread: 7, blockingQuery: null, blockingTrxSeconds: 42,
        lockTable: '`app`.`t`', lockIndex: 'PRIMARY', lockMode: 'X', blockingRecent: [],
      }],
    });
    expect(ask.asked.sort()).toEqual(['LOCKS', 'PAIRS', 'TRX']);
  });

  it('waits visible but the transactions refused (MySQL 8: data_lock_waits readable, INNODB_TRX needs PROCESS): unavailable with the reason, never "no waits"', async () => {
    const ask = fakeAsk({ pairs: { value: [{ requesting: 2, blocking: 1, lockId: 'l' }] }, trx: { unavailable: 'reading information_schema.INNODB_TRX needs the PROCESS privilege' } });
    expect(await collectLockWaits(ask, SQL)).toEqual({ unavailable: 'reading information_schema.INNODB_TRX needs the PROCESS privilege' });
  });

  it('lock details refused: the wait is still reported, lock fields null', async () => {
    const ask = fakeAsk({
      pairs: { value: [{ requesting: 2, blocking: 1, lockId: 'l' }] },
      trx: [{ id: 1, thread: 1, query: 'a', waitSeconds: null, trxSeconds: 5 }, { id: 2, thread: 2, query: 'b', waitSeconds: 4, trxSeconds: 4 }],
      locks: { unavailable: 'no data_locks' },
    });
    const out = await collectLockWaits(ask, SQL);
    expect(out).toMatchObject({ value: [{ waitingThread: 2, blockingThread: 1, lockTable: null, lockIndex: null, lockMode: null }] });
  });
});
