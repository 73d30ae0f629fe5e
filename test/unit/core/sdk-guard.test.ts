// The operation allowlist a plugin's driver calls go through.
import { describe, expect, it } from 'vitest';
import { createOperationGuard, normalizeOperation, sqlOperationOf } from '../../../src/sdk/guard.js';

describe('createOperationGuard', () => {
  const guard = createOperationGuard('redis-diagnostics', ['INFO', 'CONFIG GET', 'slowlog   get', 'SHOW']);

  it.each([
    ['INFO', true], ['info', true], ['  info  memory ', true], ['INFO memory', true],
    ['CONFIG GET maxmemory', true], ['config get', true], ['SLOWLOG GET 10', true], ['SHOW SLAVE STATUS', true],
    ['CONFIG SET maxmemory 1', false], ['CONFIG', false], ['INFOX', false], ['FLUSHALL', false], ['SLOWLOG RESET', false],
    ['SHOWX', false], ['', false], ['DEL INFO', false],
  ] as const)('%j allowed: %s', (op, allowed) => {
    expect(guard.allows(op)).toBe(allowed);
    if (allowed) expect(() => guard.assert(op)).not.toThrow();
    else expect(() => guard.assert(op)).toThrowError(expect.objectContaining({ code: 'KSA_ERR_OPERATION_DENIED' }));
  });

  it('the refusal names the plugin and at most three words of the operation (no values leak)', () => {
    try {
      guard.assert('CONFIG SET requirepass hunter2secret');
      expect.unreachable();
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('redis-diagnostics');
      expect(message).toContain('CONFIG SET REQUIREPASS');
      expect(message).not.toMatch(/hunter2secret/i);
      expect(message).toContain('operations:');
    }
  });

  it('an empty allowlist refuses everything', () => {
    expect(createOperationGuard('p', []).allows('INFO')).toBe(false);
  });
});

describe('normalizeOperation / sqlOperationOf', () => {
  it.each([
    ['  config   get\tmaxmemory ', 'CONFIG GET MAXMEMORY'],
    ['info', 'INFO'],
  ])('normalizeOperation(%j) = %j', (input, want) => {
    expect(normalizeOperation(input)).toBe(want);
  });

  it.each([
    ['/* hint */ SELECT 1', 'SELECT 1'],
    ['-- comment\nSHOW SLAVE STATUS', 'SHOW SLAVE STATUS'],
    ['SELECT 1 -- trailing', 'SELECT 1'],
    ['/* a */ /* b */DELETE FROM t', 'DELETE FROM t'],
  ])('sqlOperationOf(%j) = %j', (input, want) => {
    expect(sqlOperationOf(input)).toBe(want);
  });

  it('a comment cannot smuggle a write past a SELECT-only guard', () => {
    const guard = createOperationGuard('pg', ['SELECT']);
    expect(guard.allows(sqlOperationOf('/* SELECT */ DELETE FROM t'))).toBe(false);
    expect(guard.allows(sqlOperationOf('-- SELECT\nDROP TABLE t'))).toBe(false);
    expect(guard.allows(sqlOperationOf('SELECT 1'))).toBe(true);
  });
});
