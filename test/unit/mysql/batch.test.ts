// The MySQL batcher (plugins/mysql/batch.ts) on a scripted server: statements asked for in one
// turn leave as one message; a refusal answers its statement and the rest go again; a refused
// global privilege answers every statement needing it; anything else fails them all.
import { describe, expect, it } from 'vitest';
import { batcher, type Statement } from '../../../plugins/mysql/batch.js';

const refusal = (errno: number) => Object.assign(new Error(`refused ${errno}`), { errno });

/** A server that refuses the statements named in `refuse` (sql -> errno) and records each message. */
function server(refuse: Record<string, number> = {}, fatal?: string) {
  const messages: string[][] = [];
  const send = async (statements: readonly Statement[]) => {
    messages.push(statements.map((s) => s.sql));
    const results = [];
    for (const s of statements) {
      if (s.sql === fatal) throw Object.assign(new Error('connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });
      if (refuse[s.sql] !== undefined) return { results, error: refusal(refuse[s.sql]!) };
      results.push([{ sql: s.sql }]);
    }
    return { results };
  };
  return { messages, b: batcher(send) };
}

const settle = (ps: Array<Promise<unknown>>) => Promise.allSettled(ps).then((r) => r.map((x) => (x.status === 'fulfilled' ? 'ok' : (x.reason as { errno?: number }).errno ?? (x.reason as Error).message)));

describe('mysql batcher', () => {
  it('one message for everything asked in the same turn, one more for what is asked after the answers', async () => {
    const { messages, b } = server();
    const first = await Promise.all(['a', 'b', 'c'].map((sql) => b.query({ sql })));
    expect(first).toEqual([[{ sql: 'a' }], [{ sql: 'b' }], [{ sql: 'c' }]]);
    await b.query({ sql: 'd' });
    expect(messages).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('a refused statement gets its refusal; the statements after it go again in the next message', async () => {
    const { messages, b } = server({ b: 1142 });
    expect(await settle(['a', 'b', 'c', 'd'].map((sql) => b.query({ sql })))).toEqual(['ok', 1142, 'ok', 'ok']);
    expect(messages).toEqual([['a', 'b', 'c', 'd'], ['c', 'd']]);
  });

  it('a refused global privilege answers the other statements needing it without sending them', async () => {
    const { messages, b } = server({ b: 1227, d: 1227 });
    const asked = [{ sql: 'a' }, { sql: 'b', globalPrivilege: 'PROCESS' }, { sql: 'c' }, { sql: 'd', globalPrivilege: 'PROCESS' }, { sql: 'e', globalPrivilege: 'SLAVE MONITOR' }];
    expect(await settle(asked.map((s) => b.query(s)))).toEqual(['ok', 1227, 'ok', 1227, 'ok']);
    expect(messages).toEqual([['a', 'b', 'c', 'd', 'e'], ['c', 'e']]);
  });

  it('a table refusal (1142) is not taken for the other statements of the same privilege', async () => {
    const { messages, b } = server({ b: 1142 });
    await settle([{ sql: 'b', globalPrivilege: 'X' }, { sql: 'c', globalPrivilege: 'X' }].map((s) => b.query(s)));
    expect(messages).toEqual([['b', 'c'], ['c']]);
  });

  it('any other failure fails every statement of the message', async () => {
    const { b } = server({}, 'b');
    expect(await settle(['a', 'b', 'c'].map((sql) => b.query({ sql })))).toEqual(['connection lost', 'connection lost', 'connection lost']);
  });
});
