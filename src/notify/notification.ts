// What a notifier plugin (built-in or a user's hook) is handed and what it answers: one zod schema
// each, the single source of truth for the router, the durable queue, the plugin contract and
// `ksa schema notification` (docs/NOTIFY.md documents the fields).
import { z } from 'zod';

import { ObservedSchema, SeveritySchema, ThresholdSchema } from '../core/schemas.js';
import { WatchEventSchema } from '../watch/events.js';

/** Bumped only on an incompatible change of an existing field. */
export const NOTIFICATION_SCHEMA_VERSION = 1 as const;

const IsoTimeSchema = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'an ISO 8601 UTC timestamp');

/** One alert episode in a notification: a finding (or an unreachable target) firing or resolved. */
export const NotificationAlertSchema = z.strictObject({
  /** The episode key of the watch events (`<target>/<finding id>[@node]/<ms>`): stable from firing to resolved. */
  episode: z.string(),
  status: z.enum(['firing', 'resolved']),
  /** The notice kind that put it here: firing, resolved, unknown, or another event kind (recovery-*). */
  kind: z.string(),
  /** Finding id, or `target.unknown` for an unreachable target. */
  id: z.string(),
  node: z.string().optional(),
  category: z.string().optional(),
  title: z.string(),
  severity: SeveritySchema,
  /** When the episode entered its current status. */
  since: IsoTimeSchema,
  /** When the transition was observed. */
  at: IsoTimeSchema,
  reason: z.string(),
  observed: ObservedSchema.optional(),
  threshold: ThresholdSchema.optional(),
  evidence: z.record(z.string(), z.unknown()).default({}),
  /** The fix, as the check states it. */
  suggestion: z.string().default(''),
  /** The plugin that produced it. */
  plugin: z.string(),
});

export const NotificationSchema = z.strictObject({
  schemaVersion: z.literal(NOTIFICATION_SCHEMA_VERSION),
  /**
   * Idempotency key: the same on every retry and after a restart of the watcher, different for
   * every notification. Sent to receivers (webhook `Idempotency-Key`, email Message-ID, PagerDuty
   * dedup_key uses the episode instead); a receiver that de-duplicates on it sees each notification once.
   */
  key: z.string().regex(/^ntf-[0-9a-f]{8}-[0-9a-f]{16}$/),
  route: z.string(),
  receiver: z.string(),
  /** firing if any alert in it still fires, else resolved. */
  status: z.enum(['firing', 'resolved']),
  /** The notice kinds in it (firing, resolved, unknown, recovery-...), sorted. */
  kinds: z.array(z.string()),
  /** A reminder of alerts still firing after the route's repeat interval. */
  repeat: z.boolean().default(false),
  /** Sent by `ksa notify test`: not a real alert. */
  test: z.boolean().default(false),
  createdAt: IsoTimeSchema,
  target: z.strictObject({
    name: z.string(),
    /** The middleware type (ksa.yaml targets[].type). */
    type: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
  }),
  alerts: z.array(NotificationAlertSchema),
  /** The watch events behind it, as `ksa schema events` describes them (hooks get them verbatim). */
  events: z.array(WatchEventSchema),
  /** The receiver's templates (or the defaults) applied: docs/NOTIFY.md "Templates". */
  rendered: z.strictObject({ title: z.string(), text: z.string(), html: z.string() }),
});

/**
 * A notifier's answer for one delivery attempt. `retry`: the receiver is down, slow, or answered
 * 5xx/429 (after `retryAfterMs` when it said so); `failed`: permanent (4xx other than 429, a
 * refused payload): logged with the reason, never retried.
 */
export const DeliveryOutcomeSchema = z.strictObject({
  outcome: z.enum(['sent', 'retry', 'failed']),
  /** One line for logs, `ksa notify status` and the audit log (no secrets: it is redacted anyway). */
  detail: z.string().max(1000),
  /** The receiver's status code, when it has one (HTTP status, SMTP reply code). */
  status: z.number().int().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  /** What the receiver calls it (a message id, an event id), for the audit trail. */
  receiverId: z.string().max(300).optional(),
});

/** What a notifier plugin's send() gets: the notification and the receiver's checked config. */
export interface NotifierDelivery {
  notification: Notification;
  /** The receiver's name in ksa.yaml (`notify.receivers.<name>`). */
  receiver: string;
  /** `notify.receivers.<name>.config`, checked against the plugin's declared options. */
  config: Record<string, unknown>;
  /** The deadline of this attempt, also in ctx.deadline. */
  timeoutMs: number;
}

export type Notification = z.infer<typeof NotificationSchema>;
export type NotificationAlert = z.infer<typeof NotificationAlertSchema>;
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;
