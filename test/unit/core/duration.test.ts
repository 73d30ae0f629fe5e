// `500ms`, `10s`, `2m`, `1h`: a unit is required; 0 and more than 24h are refused.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['1ms', 1], ['500ms', 500], ['10s', 10_000], ['1.5s', 1500], ['0.5s', 500], ['2m', 120_000], ['1h', 3_600_000],
    ['24h', 86_400_000], [' 3s ', 3000], ['0.0004s', 0], // rounds to 0 -> refused below, listed for clarity
  ] as const)('%j -> %d ms', (text, ms) => {
    if (ms === 0) expect(() => parseDuration(text)).toThrowError(expect.objectContaining({ code: 'KSA_ERR_BAD_DURATION' }));
    else expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '-1s', 'abc', '', 's', '1 s', '1sec', '10S', '1d', '0s', '0ms', '25h', '1441m', '.5s', '1e3ms', 'Infinitys', 'NaNs'])(
    '%j -> KSA_ERR_BAD_DURATION with the fix',
    (text) => {
      let error: unknown;
      try {
        parseDuration(text, '--timeout');
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'KSA_ERR_BAD_DURATION' });
      expect((error as Error).message).toContain('--timeout');
      expect((error as Error).message).toContain('use a number with a unit');
    },
  );
});
