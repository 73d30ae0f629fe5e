// What the watcher remembers per target between cycles (and across restarts, in the state dir):
// the target's own state and one record per finding key. A zod schema because it crosses a
// boundary (the disk); `ksa watch status` and `ksa serve` read the same records.
import { z } from 'zod';

import { ErrorInfoSchema, StatusSchema } from '../core/schemas.js';
import { FindingStateSchema, FindingTransitionSchema, TargetStateSchema } from './events.js';

/** The finding as the last event described it (bounded evidence, observed value, threshold). */
export const FindingInfoSchema = FindingTransitionSchema.shape.finding;

/** A streak of breaching cycles: when it began and how many cycles in a row. */
const StreakSchema = z.strictObject({ since: z.number(), cycles: z.number().int().nonnegative() });

export const FindingRecordSchema = z.strictObject({
  state: FindingStateSchema.exclude(['ok']),
  /** ms since epoch: when it entered `state`. */
  since: z.number(),
  /** The current breach streak (pending/firing); absent once resolved. */
  streak: StreakSchema.optional(),
  episode: z.string(),
  plugin: z.string(),
  finding: FindingInfoSchema,
});

export const TargetRecordSchema = z.strictObject({
  target: z.string(),
  plugin: z.string(),
  state: TargetStateSchema,
  since: z.number(),
  /** The current streak of cycles that could not diagnose (pending/unknown). */
  streak: StreakSchema.optional(),
  /** Set while pending/unknown: the episode the way back to ok closes. */
  episode: z.string().optional(),
  error: ErrorInfoSchema.optional(),
  /** The last cycle: when it ran, its effective status and how long it took (for `watch status`). */
  last: z.strictObject({ at: z.number(), status: StatusSchema, durationMs: z.number().nonnegative() }),
  /** By finding key: `<finding id>` or `<finding id>@<node>`. Findings in state ok have no record. */
  findings: z.record(z.string(), FindingRecordSchema),
});

export type FindingInfo = z.infer<typeof FindingInfoSchema>;
export type FindingRecord = z.infer<typeof FindingRecordSchema>;
export type TargetRecord = z.infer<typeof TargetRecordSchema>;
