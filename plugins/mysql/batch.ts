// Statements asked for in the same turn of the event loop leave together as one multi-statement
// COM_QUERY: one round trip for the whole snapshot instead of one per statement (16 on a 100 ms
// link took 1.6 s). Chosen over a pool of parallel connections after measuring both through
// test/support/latency-proxy.ts (bench/mysql-batching.mjs, bench/RESULTS.md): at 150 ms each way
// the 17 statements took 6.1 s one by one, 3.1 s over 4 connections (each pays its own TCP
// handshake, authentication and read-only setup before its share: 9 round trips deep) and 1.2 s
// as one batch (3 with TCP and authentication). A pool also opens 4x the sessions on the server
// being diagnosed (max_connections, Threads_connected, the process list ksa itself reads).
//
// The guard checks each statement alone and the joined text again (guard.batchSql), the session
// was made read-only by the first statement of the first batch, and the session's
// max_statement_time / max_execution_time bounds every statement in it.
//
// MySQL stops a batch at the first failing statement. A refusal (privilege) or a missing table is
// that statement's answer, and the statements after it go again in the next message; a global
// privilege (PROCESS, REPLICATION CLIENT) refused once is refused for the batch's other statements
// needing it without asking (it cannot be granted on part of the server).
import type { Connection } from 'mysql2';
import type { Row } from './snapshot.js';

/** Server errors raised before a statement returns anything: "not allowed" and "not there". */
export const DENIED = new Set([1044, 1142, 1143, 1227, 1370]);
export const ABSENT = new Set([1054, 1064, 1109, 1146, 1193, 1286]);
/** ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the X privilege(s)". */
const GLOBAL_PRIVILEGE_DENIED = 1227;

export interface Statement {
  /** The text as sent (values already formatted in). */
  sql: string;
  /** A global privilege it needs (PROCESS, ...): one refusal answers every statement needing it. */
  globalPrivilege?: string;
}

interface MultiAnswer {
  /** Rows of the statements that completed, in order. */
  results: Row[][];
  /** The error of statement `results.length`; the statements after it did not run. */
  error?: unknown;
}

const errnoOf = (error: unknown): number => (error as { errno?: number })?.errno ?? 0;

/** Runs a multi-statement text; resolves with what completed when a statement fails on its own. */
export function runMulti(conn: Connection, sql: string, timeout: number): Promise<MultiAnswer> {
  return new Promise((resolve, reject) => {
    const results: Row[][] = [];
    const query = conn.query({ sql, timeout });
    // One 'fields' per result set: the column list of a row set, undefined for an OK packet.
    query.on('fields', () => { results.push([]); });
    query.on('result', (row: unknown, index?: number) => {
      if (typeof index === 'number') results[index]?.push(row as Row);
    });
    query.on('error', (error: unknown) => {
      // A refusal or a missing table arrives instead of the statement's result set, so every
      // result set seen so far is complete; any other error may have cut one short: fatal.
      const errno = errnoOf(error);
      if (DENIED.has(errno) || ABSENT.has(errno)) resolve({ results, error });
      else reject(error);
    });
    query.on('end', () => resolve({ results }));
  });
}

interface Pending extends Statement {
  resolve(rows: Row[]): void;
  reject(error: unknown): void;
}

export interface Batcher {
  /** Queues one statement; it leaves with every other one queued in this turn. */
  query(statement: Statement): Promise<Row[]>;
}

/**
 * `send` runs a list of statements as one message (setup first when due) and returns what
 * completed; statements refused alone are answered with their error and the rest sent again.
 */
export function batcher(send: (statements: readonly Statement[]) => Promise<MultiAnswer>): Batcher {
  let queue: Pending[] = [];
  let chain: Promise<void> = Promise.resolve();

  const settle = async (items: Pending[]): Promise<void> => {
    let rest = items;
    while (rest.length > 0) {
      let answer: MultiAnswer;
      try {
        answer = await send(rest);
      } catch (error) {
        for (const item of rest) item.reject(error);
        return;
      }
      const done = answer.results.length;
      rest.slice(0, done).forEach((item, i) => item.resolve(answer.results[i]!));
      if (answer.error === undefined) {
        // Fewer result sets than statements without an error would be a driver fault: say so.
        for (const item of rest.slice(done)) item.reject(new Error('the server answered the batch without this statement\'s result'));
        return;
      }
      const failed = rest[done]!;
      failed.reject(answer.error);
      const sharesRefusal = (item: Pending) => errnoOf(answer.error) === GLOBAL_PRIVILEGE_DENIED
        && failed.globalPrivilege !== undefined && item.globalPrivilege === failed.globalPrivilege;
      rest = rest.slice(done + 1).filter((item) => {
        if (!sharesRefusal(item)) return true;
        item.reject(answer.error);
        return false;
      });
    }
  };

  const flush = () => {
    const items = queue;
    queue = [];
    chain = chain.then(() => settle(items));
  };

  return {
    query(statement) {
      return new Promise<Row[]>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ ...statement, resolve, reject });
      });
    },
  };
}
