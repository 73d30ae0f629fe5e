// The watch loop's events: one zod schema, the single source of truth for the bus, the state
// dir's journal, the audit log, `ksa schema events`, and later the notifiers, the recovery engine
// and `ksa serve`'s SSE stream. Types are inferred. A new kind (recovery-*, notification-*) is one
// more member of WatchEventSchema below, not a second event definition elsewhere.
import { z } from 'zod';

import { ErrorInfoSchema, ObservedSchema, SeveritySchema, ThresholdSchema } from '../core/schemas.js';

/** Bumped only on an incompatible change of an existing field; new kinds and optional fields keep it. */
export const WATCH_EVENT_SCHEMA_VERSION = 1 as const;

/** Per (target, finding id [, node]): `resolved` stays until the finding breaches again or is compacted away. */
export const FindingStateSchema = z.enum(['ok', 'pending', 'firing', 'resolved']);
/** Per target: `unknown` = could not be diagnosed (unreachable, auth, timeout) for the `for:` window. */
export const TargetStateSchema = z.enum(['ok', 'pending', 'unknown']);

const IsoTimeSchema = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'an ISO 8601 UTC timestamp');

/** Envelope fields every event carries; `seq` and `id` are assigned by the state store when it persists the event. */
const envelope = {
  schemaVersion: z.literal(WATCH_EVENT_SCHEMA_VERSION),
  /** Monotonically increasing per state dir, gap-free: 1, 2, 3, ... across restarts. */
  seq: z.number().int().positive(),
  /**
   * `ev-<state dir instance>-<epoch>-<seq>`: unique, and the same on every redelivery (also after
   * a restart); consumers de-duplicate on it.
   */
  id: z.string().regex(/^ev-[0-9a-f]{8}-\d+-\d+$/),
  /** When the transition was observed (the cycle's `now`), not when it was delivered. */
  at: IsoTimeSchema,
};

/** The target an event is about; absent only for watcher-wide events (started, config reload, store). */
const TargetNameSchema = z.string().min(1).max(300);

export const FindingTransitionSchema = z.strictObject({
  ...envelope,
  kind: z.literal('finding'),
  target: TargetNameSchema,
  /** Plugin that produced the finding. */
  plugin: z.string(),
  from: FindingStateSchema,
  /** `firing -> firing` means the severity changed while firing (e.g. warning -> critical). */
  to: FindingStateSchema,
  /**
   * One alert episode, from the first breach (pending or firing) to its resolution, keeps one key:
   * `<target>/<finding id>[@node]/<ms when it opened>`. Notifiers group and
   * de-duplicate by it (Alertmanager fingerprint, PagerDuty dedup_key), recovery attaches to it.
   */
  episode: z.string(),
  /** When the finding entered its current state `to`. */
  since: IsoTimeSchema,
  /** Why the machine moved: `for: 3 cycles met`, `value 84 back past 85.5 (90 - 5%)`, `finding absent`. */
  reason: z.string().max(500),
  finding: z.strictObject({
    id: z.string(),
    node: z.string().optional(),
    category: z.string(),
    title: z.string(),
    severity: SeveritySchema,
    /** Last observed value (also on resolve: the value that resolved it, when it was measured). */
    observed: ObservedSchema.optional(),
    /** The limits and the source of their defaults, as the check judged them. */
    threshold: ThresholdSchema.optional(),
    /** A bounded copy of the finding's evidence (at most 20 keys, short strings, 4 KB). */
    evidence: z.record(z.string(), z.unknown()),
    suggestion: z.string(),
  }),
});

export const TargetTransitionSchema = z.strictObject({
  ...envelope,
  kind: z.literal('target'),
  target: TargetNameSchema,
  plugin: z.string(),
  from: TargetStateSchema,
  to: TargetStateSchema,
  /** `<target>/unknown/<ms when it opened>` while the target is pending or unknown; the same for its way back to ok. */
  episode: z.string(),
  since: IsoTimeSchema,
  reason: z.string().max(500),
  /** Why it could not be diagnosed (the registry code), on the way to pending/unknown. */
  error: ErrorInfoSchema.optional(),
});

export const HostEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('host'),
  target: TargetNameSchema.optional(),
  plugin: z.string(),
  action: z.enum(['failed', 'restarted']),
  /** Restarts of this plugin's host since the watcher started. */
  restarts: z.number().int().nonnegative(),
  error: ErrorInfoSchema.optional(),
});

export const PluginEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('plugin'),
  target: TargetNameSchema.optional(),
  plugin: z.string(),
  /** `failed`: marked Failed in the registry (it keeps failing); `recovered`: running again. */
  action: z.enum(['failed', 'recovered']),
  error: ErrorInfoSchema.optional(),
  /** When it will be tried again (failed only). */
  retryAt: IsoTimeSchema.optional(),
});

export const ConfigReloadEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('config-reload'),
  target: TargetNameSchema.optional(),
  outcome: z.enum(['accepted', 'refused']),
  /** The config file that was read. */
  file: z.string().optional(),
  /** Refused: the one-line error (the old config keeps running). */
  reason: z.string().max(1000).optional(),
  added: z.array(z.string()).default([]),
  removed: z.array(z.string()).default([]),
  changed: z.array(z.string()).default([]),
});

export const WatcherEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('watcher'),
  target: TargetNameSchema.optional(),
  action: z.enum(['started', 'stopped']),
  pid: z.number().int().positive(),
  version: z.string().optional(),
  stateDir: z.string().optional(),
  targets: z.number().int().nonnegative().optional(),
  /** stopped: why (SIGTERM, SIGINT, --once, error). */
  reason: z.string().max(500).optional(),
});

/** The state dir or the audit log could not be written (full disk, read-only) or recovered; events keep flowing. */
export const StoreEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('store'),
  target: TargetNameSchema.optional(),
  /** degraded: writes fail; recovered: writes work again; overflow: undelivered events were dropped to stay bounded. */
  action: z.enum(['degraded', 'recovered', 'overflow']),
  /** Which file: `journal`, `state`, `audit`, `log`. */
  file: z.string(),
  error: ErrorInfoSchema.optional(),
  /** overflow: how many undelivered events were dropped (oldest first). */
  dropped: z.number().int().nonnegative().optional(),
});

/** Self-health of one plugin over a sliding window (seed 003's health checker). */
export const HealthEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('health'),
  target: TargetNameSchema.optional(),
  plugin: z.string(),
  windowMs: z.number().int().positive(),
  cycles: z.number().int().nonnegative(),
  latencyMs: z.strictObject({ p50: z.number().nonnegative(), p90: z.number().nonnegative(), p99: z.number().nonnegative() }),
  /** Cycles that ended unknown / all cycles, 0..1. */
  errorRate: z.number().min(0).max(1),
  /** How late cycles started, p99 over the window. */
  scheduleLagP99Ms: z.number().nonnegative(),
  hostRestarts: z.number().int().nonnegative(),
});

/**
 * A notification's delivery (src/notify): queued when a route's group window closed, sent, retrying
 * (the receiver is down or answered 5xx/429), failed (permanent: 4xx, a refused payload) or expired
 * (not delivered within the retry period, or pushed out of a full queue): the last two go to the
 * dead-letter file. Never routed to notifiers themselves.
 */
export const NotificationEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('notification'),
  target: TargetNameSchema.optional(),
  action: z.enum(['queued', 'sent', 'retrying', 'failed', 'expired']),
  /** The notification's idempotency key (the same on every attempt, also after a restart). */
  key: z.string(),
  route: z.string(),
  receiver: z.string(),
  /** The notifier plugin. */
  plugin: z.string(),
  /** Delivery attempts so far. */
  attempts: z.number().int().nonnegative(),
  /** retrying: when the next attempt is due. */
  retryAt: IsoTimeSchema.optional(),
  /** The receiver's answer or why it failed, one line, secrets redacted. */
  detail: z.string().max(1000).optional(),
  /** The receiver's status code (HTTP, SMTP), when it gave one. */
  status: z.number().int().optional(),
});

/** What a recovery event is about: the rule, the finding's episode, the action and the attempt (src/recovery/). */
const recoveryFields = {
  target: TargetNameSchema,
  /** The recovery rule's name (ksa.yaml `recovery.rules[].name`). */
  rule: z.string().max(200),
  /** The episode of the finding (or of the unreachable target) the recovery attaches to. */
  episode: z.string(),
  finding: z.strictObject({ id: z.string(), node: z.string().optional(), severity: SeveritySchema.optional() }).optional(),
  /** `<plugin>/<action>`: a middleware plugin's action or a recovery plugin's command. */
  action: z.string().max(300),
  /** Whether the action writes to the target (declared by its plugin). */
  mutating: z.boolean(),
  /** 1, 2, ...: the attempt this event is about (0 when none ran yet). */
  attempt: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  /** The engine was not enforcing: nothing ran. */
  dryRun: z.boolean(),
  /** The action's parameters as rendered from the finding (secrets redacted). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** The program and its arguments (recovery plugins); never run through a shell. */
  argv: z.array(z.string().max(2000)).max(200).optional(),
  /** Why: what would run (dry-run), why it was skipped, why it failed. */
  reason: z.string().max(1000).optional(),
};

/** An action attempt's outcome: exit code and output excerpt (commands), the plugin's detail (actions). */
export const AttemptOutcomeSchema = z.strictObject({
  ok: z.boolean(),
  detail: z.string().max(2000),
  exitCode: z.number().int().nullable().optional(),
  /** Truncated to 2 KB each. */
  stdout: z.string().max(4000).optional(),
  stderr: z.string().max(4000).optional(),
  durationMs: z.number().nonnegative(),
});

/** A rule matched: what will run (or, in dry-run, what would have run). */
export const RecoveryPlannedEventSchema = z.strictObject({ ...envelope, kind: z.literal('recovery-planned'), ...recoveryFields });

/** A rule matched but nothing ran: cooldown, another action in flight on the target, the global rate limit, an unreachable target. */
export const RecoverySkippedEventSchema = z.strictObject({
  ...envelope, kind: z.literal('recovery-skipped'), ...recoveryFields,
  why: z.enum(['cooldown', 'in-flight', 'rate-limited', 'unreachable', 'invalid-params']),
  /** cooldown / rate-limited: when an action may run again. */
  until: IsoTimeSchema.optional(),
});

/** An attempt starts (after the target's snapshot was saved). */
export const RecoveryStartedEventSchema = z.strictObject({
  ...envelope, kind: z.literal('recovery-started'), ...recoveryFields,
  /** The snapshot of the target taken before this mutating attempt (a file in the state dir). */
  snapshot: z.string().optional(),
});

/** The action ran and the re-diagnosis found the finding resolved. */
export const RecoverySucceededEventSchema = z.strictObject({ ...envelope, kind: z.literal('recovery-succeeded'), ...recoveryFields, outcome: AttemptOutcomeSchema });

/** An attempt failed (the action failed, or the finding still fires after it); `nextAttemptAt` when another follows. */
export const RecoveryFailedEventSchema = z.strictObject({
  ...envelope, kind: z.literal('recovery-failed'), ...recoveryFields,
  outcome: AttemptOutcomeSchema.optional(),
  nextAttemptAt: IsoTimeSchema.optional(),
});

/** Every attempt failed: a human is needed. Carries the attempts so routing can raise the severity after N failures. */
export const RecoveryEscalatedEventSchema = z.strictObject({
  ...envelope, kind: z.literal('recovery-escalated'), ...recoveryFields,
  /** Failed attempts so far (the notifiers' severity routing reads it). */
  failedAttempts: z.number().int().nonnegative(),
  attempts: z.array(z.strictObject({ attempt: z.number().int().positive(), at: IsoTimeSchema, ok: z.boolean(), detail: z.string().max(500) })).max(50),
  /** The action's rollback, when it declares one: what it gave. */
  rollback: AttemptOutcomeSchema.optional(),
});

/** A write call to ksa serve's API (docs/SERVE.md): who, what, and how it ended. Read calls are not recorded. */
export const ApiCallEventSchema = z.strictObject({
  ...envelope,
  kind: z.literal('api-call'),
  /** The target the call was about, if any. */
  target: TargetNameSchema.optional(),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  /** The request path without its query. */
  path: z.string().max(500),
  /** The name of the token that authorized it (serve.auth.tokens[].name), never the token. */
  caller: z.string().max(64),
  scope: z.enum(['read', 'admin']),
  /** The HTTP status answered. */
  status: z.number().int().min(100).max(599),
  remote: z.string().max(100).optional(),
  /** What it did or why it was refused (one line). */
  detail: z.string().max(1000).optional(),
});

/** Every event kind; recovery and notification events are added here by their issues. */
export const WatchEventSchema = z.discriminatedUnion('kind', [
  FindingTransitionSchema,
  TargetTransitionSchema,
  HostEventSchema,
  PluginEventSchema,
  ConfigReloadEventSchema,
  WatcherEventSchema,
  StoreEventSchema,
  HealthEventSchema,
  RecoveryPlannedEventSchema,
  RecoverySkippedEventSchema,
  RecoveryStartedEventSchema,
  RecoverySucceededEventSchema,
  RecoveryFailedEventSchema,
  RecoveryEscalatedEventSchema,
  ApiCallEventSchema,
  NotificationEventSchema,
]);

export type FindingState = z.infer<typeof FindingStateSchema>;
export type TargetState = z.infer<typeof TargetStateSchema>;
export type WatchEvent = z.infer<typeof WatchEventSchema>;
export type WatchEventKind = WatchEvent['kind'];
export type FindingTransition = z.infer<typeof FindingTransitionSchema>;
export type TargetTransition = z.infer<typeof TargetTransitionSchema>;
export type EventOfKind<K extends WatchEventKind> = Extract<WatchEvent, { kind: K }>;

type Envelope = 'schemaVersion' | 'seq' | 'id';
/** An event before the store persisted it: everything but schemaVersion, seq and id. */
export type WatchEventDraft = WatchEvent extends infer E ? (E extends WatchEvent ? Omit<E, Envelope> : never) : never;

/** The kinds, for `--kind` filters and completion (one list, derived from the schema). */
export const WATCH_EVENT_KINDS: readonly WatchEventKind[] = WatchEventSchema.options.map((o) => o.shape.kind.value);
