// Query texts in evidence keep their shape but lose their literals.
import { describe, expect, it } from 'vitest';
import { redactQuery } from '../../../plugins/postgres/query-text.js';

describe('redactQuery', () => {
  it.each([
    ["SELECT * FROM users WHERE email = 'bob@example.com'", 'SELECT * FROM users WHERE email = ?'],
    ["ALTER ROLE app PASSWORD 'hunter2'", 'ALTER ROLE app PASSWORD ?'],
    ["SELECT 'it''s', E'a\\nb'", 'SELECT ?, ?'],
    ['SELECT $body$secret$body$, $$x$$', 'SELECT ?, ?'],
    ['UPDATE t SET v = 42, w = 3.5e3 WHERE id = $1', 'UPDATE t SET v = ?, w = ? WHERE id = $1'],
    ['SELECT t1.c2 FROM t1', 'SELECT t1.c2 FROM t1'],
    ["SELECT 'unterminated", 'SELECT ?'],
    ['  SELECT\n  1  ', 'SELECT ?'],
  ])('%j -> %j', (input, want) => {
    expect(redactQuery(input)).toBe(want);
  });

  it.each([[null], [undefined]])('%j stays null', (input) => {
    expect(redactQuery(input)).toBeNull();
  });

  it('truncates long texts', () => {
    expect(redactQuery(`SELECT ${'x, '.repeat(500)}y`)!.length).toBeLessThanOrEqual(303);
  });
});
