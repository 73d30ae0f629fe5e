// What the recovery engine keeps in the state dir (the store's `recovery` section, written through
// its journal): every episode a rule opened and where it stands, the action in flight per target,
// when each (rule, target) last acted (cooldown), the recent action times (global rate limit) and
// the history of attempts. A watcher that crash-loops reads all of it back: it cannot run a
// second action in the cooldown, exceed the rate limit, or lose an escalation it owed.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

import { SeveritySchema } from '../core/schemas.js';
import { AttemptOutcomeSchema } from '../watch/events.js';

export const RECOVERY_SECTION = 'recovery';
/** History entries kept (oldest dropped first). */
export const HISTORY_LIMIT = 300;

const FindingRefSchema = z.strictObject({ id: z.string(), node: z.string().optional(), severity: SeveritySchema.optional() });

export const AttemptSummarySchema = z.strictObject({ attempt: z.number().int().positive(), at: z.string(), ok: z.boolean(), detail: z.string().max(500) });

/** An attempt's outcome: the event schema's (one definition). */
export const OutcomeSchema = AttemptOutcomeSchema;

export const EpisodeSchema = z.strictObject({
  rule: z.string(),
  target: z.string(),
  episode: z.string(),
  trigger: z.enum(['finding', 'unreachable']),
  finding: FindingRefSchema.optional(),
  /** The finding's evidence as last seen (the event's, then each re-diagnosis'): what templates read. */
  evidence: z.record(z.string(), z.unknown()).default({}),
  /**
   * waiting: for its `for:` or a gate (cooldown, in flight, rate limit); running: an attempt runs;
   * verifying: re-diagnosing after an attempt; backoff: waiting to retry. The rest are final.
   */
  phase: z.enum(['waiting', 'running', 'verifying', 'backoff', 'succeeded', 'escalated', 'closed']),
  /** ms: when to look at it next. */
  dueAt: z.number(),
  attempts: z.number().int().nonnegative(),
  failed: z.array(AttemptSummarySchema).default([]),
  verifyUntil: z.number().optional(),
  /** The last attempt's outcome (reported with success). */
  last: OutcomeSchema.optional(),
  /** Gates already reported for this episode (each is said once, not every tick). */
  said: z.array(z.string()).default([]),
  /** The finding resolved while an attempt ran. */
  resolvedSeen: z.boolean().optional(),
  /** The attempt that runs (or ran last): what it was given, for the history after a crash too. */
  current: z.strictObject({ params: z.record(z.string(), z.unknown()), argv: z.array(z.string()).optional(), snapshot: z.string().optional() }).optional(),
  updatedAt: z.number(),
});

export const HistoryEntrySchema = z.strictObject({
  at: z.string(),
  target: z.string(),
  rule: z.string(),
  episode: z.string(),
  action: z.string(),
  attempt: z.number().int().nonnegative(),
  dryRun: z.boolean(),
  outcome: z.enum(['planned', 'skipped', 'succeeded', 'failed', 'interrupted', 'escalated', 'rolled-back']),
  detail: z.string().max(2000),
  params: z.record(z.string(), z.unknown()).optional(),
  argv: z.array(z.string()).optional(),
  exitCode: z.number().int().nullable().optional(),
  stdout: z.string().max(4000).optional(),
  stderr: z.string().max(4000).optional(),
  durationMs: z.number().nonnegative().optional(),
  /** The snapshot taken before the attempt (a file in the state dir). */
  snapshot: z.string().optional(),
});

export const RecoverySectionSchema = z.strictObject({
  v: z.literal(1),
  /** By `<rule>|<episode>`. */
  episodes: z.record(z.string(), EpisodeSchema),
  /** By target: the episode whose attempt runs, and since when (ms). */
  inFlight: z.record(z.string(), z.strictObject({ key: z.string(), startedAt: z.number() })),
  /** By `<rule>|<target>`: when it last started an action (ms). */
  lastAction: z.record(z.string(), z.number()),
  /** Start times (ms) of the actions inside the rate-limit window. */
  rate: z.array(z.number()),
  history: z.array(HistoryEntrySchema),
  /** By rule name: the rule as the last process (or reload) ran it, so a rule new or changed across a restart takes up what fires. */
  rules: z.record(z.string(), z.string()).optional(),
});

export type Episode = z.infer<typeof EpisodeSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type RecoverySection = z.infer<typeof RecoverySectionSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;

export function emptySection(): RecoverySection {
  return { v: 1, episodes: {}, inFlight: {}, lastAction: {}, rate: [], history: [] };
}

/** The section as stored, or an empty one (with the reason) when there is none or it cannot be read. */
export function readSection(raw: unknown): { section: RecoverySection; problem?: string } {
  if (raw === undefined || raw === null) return { section: emptySection() };
  const parsed = RecoverySectionSchema.safeParse(raw);
  if (parsed.success) return { section: parsed.data };
  return { section: emptySection(), problem: parsed.error.issues[0]?.message ?? 'invalid' };
}

export const FINAL_PHASES: ReadonlySet<Episode['phase']> = new Set(['succeeded', 'escalated', 'closed']);

/**
 * The global rate window: drops the starts older than `per`, then says when the next action is
 * allowed if `actions` already started inside it (undefined: one may start now).
 */
export function rateLimitedUntil(section: RecoverySection, limit: { actions: number; per: string }, now: number): number | undefined {
  const windowMs = parseDuration(limit.per);
  section.rate = section.rate.filter((t) => t > now - windowMs);
  return section.rate.length >= limit.actions ? section.rate[0]! + windowMs : undefined;
}
