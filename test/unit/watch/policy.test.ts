// The `for:` / `hysteresis:` keys as ksa.yaml spells them, and the policy the machine gets.
import { describe, expect, it } from 'vitest';

import { DEFAULT_WATCH_POLICY, resolvePolicy, WatchPolicySchema } from '../../../src/watch/policy.js';

describe('watch policy', () => {
  it.each([
    [{ for: '2m' }, { forCycles: 0, forMs: 120_000, hysteresis: 0.05 }],
    [{ for: 3 }, { forCycles: 3, forMs: 0, hysteresis: 0.05 }],
    [{ for: { cycles: 2, duration: '30s' } }, { forCycles: 2, forMs: 30_000, hysteresis: 0.05 }],
    [{ hysteresis: '10%' }, { forCycles: 0, forMs: 0, hysteresis: 0.1 }],
    [{ hysteresis: 0 }, { forCycles: 0, forMs: 0, hysteresis: 0 }],
  ])('%j -> %j', (input, policy) => {
    expect(resolvePolicy(WatchPolicySchema.parse(input))).toEqual(policy);
  });

  it('defaults: fire on the first breach (Prometheus for: 0), 5% deadband', () => {
    expect(resolvePolicy()).toEqual({ forCycles: 0, forMs: 0, hysteresis: 0.05 });
    expect(DEFAULT_WATCH_POLICY.hysteresis).toBe(0.05);
  });

  it('later layers (the target) win key by key over earlier ones (defaults:)', () => {
    expect(resolvePolicy({ for: '1m', hysteresis: '2%' }, { for: 3 })).toEqual({ forCycles: 3, forMs: 0, hysteresis: 0.02 });
  });

  it.each([
    [{ for: '10' }, /duration/],
    [{ for: -1 }, /./],
    [{ for: 1.5 }, /whole number/],
    [{ hysteresis: 5 }, /percentage such as 5%/],
    [{ hysteresis: '150%' }, /at most 100%/],
    [{ hysterisis: '5%' }, /hysterisis/],
  ])('refuses %j', (input, message) => {
    const r = WatchPolicySchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toMatch(message);
  });
});
