// One registry of codes; every message ends with a fix; anything thrown becomes an ErrorInfo.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KsaError, ksaError, toErrorInfo, type ErrorCode } from '../../../src/core/errors.js';
import { ErrorInfoSchema } from '../../../src/core/schemas.js';

describe('error registry', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it.each(codes)('%s is well formed and has a fix', (code) => {
    expect(code).toMatch(/^KSA_ERR_[A-Z_]+$/);
    const e = ksaError(code, 'something happened');
    expect(e).toBeInstanceOf(KsaError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`something happened: ${ERROR_CODES[code].fix}`);
    expect(ERROR_CODES[code].fix.length).toBeGreaterThan(10);
    expect(ErrorInfoSchema.parse(e.toInfo())).toEqual({ code, message: e.message, retryable: ERROR_CODES[code].retryable });
  });

  it('a specific fix replaces the default one; cause is kept', () => {
    const cause = new Error('root');
    const e = ksaError('KSA_ERR_BAD_INPUT', 'bad --x', { fix: 'use --x 1', cause });
    expect(e.message).toBe('bad --x: use --x 1');
    expect(e.cause).toBe(cause);
  });

  it('timeouts are retryable, bad input is not', () => {
    expect(ksaError('KSA_ERR_TIMEOUT', 'x').retryable).toBe(true);
    expect(ksaError('KSA_ERR_BAD_ENDPOINT', 'x').retryable).toBe(false);
  });
});

describe('toErrorInfo', () => {
  it.each([
    { name: 'KsaError', input: ksaError('KSA_ERR_CONNECT', 'refused'), code: 'KSA_ERR_CONNECT' },
    { name: 'coded plain object', input: { code: 'KSA_ERR_AUTH', message: 'denied', retryable: false }, code: 'KSA_ERR_AUTH' },
    { name: 'plain Error', input: new Error('kaput'), code: 'KSA_ERR_INTERNAL' },
    { name: 'string', input: 'a string', code: 'KSA_ERR_INTERNAL' },
    { name: 'undefined', input: undefined, code: 'KSA_ERR_INTERNAL' },
    { name: 'object with an unregistered code', input: { code: 'ECONNREFUSED', message: 'x', retryable: true }, code: 'KSA_ERR_INTERNAL' },
  ])('$name -> $code', ({ input, code }) => {
    const info = toErrorInfo(input);
    expect(info.code).toBe(code);
    expect(ErrorInfoSchema.safeParse(info).success).toBe(true);
  });

  it('uses the given fallback code for unknown errors', () => {
    expect(toErrorInfo(new Error('x'), 'KSA_ERR_PLUGIN_CRASH')).toMatchObject({ code: 'KSA_ERR_PLUGIN_CRASH', message: expect.stringContaining('x: report it') });
  });
});
