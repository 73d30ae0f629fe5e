// The alerting policy of the state machine, as ksa.yaml spells it (`for:` and `hysteresis:` under
// `defaults:` and per target) and as the machine uses it (milliseconds, cycles, a fraction).
// The zod schemas here are what src/config/schema.ts embeds: one definition of the keys.
import { z } from 'zod';

import { parseDuration } from '../core/duration.js';

const DurationText = z.string().regex(/^\d+(?:\.\d+)?(ms|s|m|h)$/, 'a duration such as 30s, 2m or 1h');
const Cycles = z.number().int('a whole number of cycles').min(0).max(10_000);

/**
 * `for:` like a Prometheus alert rule's: how long a breach must last before it fires.
 * `2m` (duration), `3` (consecutive cycles), or `{duration: 2m, cycles: 3}` (both must hold).
 */
export const ForSchema = z.union([
  DurationText,
  Cycles,
  z.strictObject({ duration: DurationText.optional(), cycles: Cycles.optional() }),
]);

/**
 * The deadband of a firing finding: it resolves only once its value is back past the threshold by
 * this share of the threshold. `5%` or `0.05`; `0` resolves as soon as the value is within it.
 */
export const HysteresisSchema = z.union([
  z.number().min(0).max(1, 'a fraction from 0 to 1 (or a percentage such as 5%)'),
  z.string().regex(/^\d+(?:\.\d+)?%$/, 'a percentage such as 5%').refine((s) => Number.parseFloat(s) <= 100, 'at most 100%'),
]);

/** The keys a `defaults:` block or a target adds to ksa.yaml. */
export const WatchPolicySchema = z.strictObject({
  for: ForSchema.optional(),
  hysteresis: HysteresisSchema.optional(),
});

export type WatchPolicyInput = z.infer<typeof WatchPolicySchema>;

/** The policy in the machine's units. A breach fires once BOTH forCycles and forMs are met. */
export interface WatchPolicy {
  /** Consecutive breaching cycles needed to fire (0 and 1 both mean: on the first breach). */
  readonly forCycles: number;
  /** Time since the first breach needed to fire. */
  readonly forMs: number;
  /** Share of the threshold a value must be back past for a firing finding to resolve. */
  readonly hysteresis: number;
}

/** Prometheus's default (`for: 0`: fire on the first breach) and a 5% deadband. */
export const DEFAULT_WATCH_POLICY: WatchPolicy = Object.freeze({ forCycles: 0, forMs: 0, hysteresis: 0.05 });

function forOf(value: z.infer<typeof ForSchema>): Pick<WatchPolicy, 'forCycles' | 'forMs'> {
  if (typeof value === 'number') return { forCycles: value, forMs: 0 };
  if (typeof value === 'string') return { forCycles: 0, forMs: parseDuration(value, 'for:') };
  return { forCycles: value.cycles ?? 0, forMs: value.duration === undefined ? 0 : parseDuration(value.duration, 'for:') };
}

function hysteresisOf(value: z.infer<typeof HysteresisSchema>): number {
  return typeof value === 'number' ? value : Number.parseFloat(value) / 100;
}

/**
 * The effective policy of a target: later layers win key by key (`defaults:`, then the target).
 * Inputs must have passed WatchPolicySchema (the config loader did).
 */
export function resolvePolicy(...layers: ReadonlyArray<WatchPolicyInput | undefined>): WatchPolicy {
  let policy: WatchPolicy = DEFAULT_WATCH_POLICY;
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.for !== undefined) policy = { ...policy, ...forOf(layer.for) };
    if (layer.hysteresis !== undefined) policy = { ...policy, hysteresis: hysteresisOf(layer.hysteresis) };
  }
  return policy;
}
