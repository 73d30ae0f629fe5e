// ksa.yaml `notify:` (docs/NOTIFY.md): receivers (a notifier plugin and its settings) and routes
// (which events go to which receivers, grouped how). The zod schema here is what
// src/config/schema.ts embeds; resolveNotifyConfig turns it into the milliseconds the router uses.
import { z } from 'zod';

import { parseDuration } from '../core/duration.js';
import { SeveritySchema } from '../core/schemas.js';

const DurationText = z.string().regex(/^\d+(?:\.\d+)?(ms|s|m|h)$/, 'a duration such as 30s, 5m or 4h');
const NameSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes, starting with a letter').max(60);

export const TemplatesSchema = z.strictObject({
  /** One line: the email subject, the chat message's heading. */
  title: z.string().max(2000).optional(),
  /** Plain text (email text part, chat fallback, pager summary). */
  text: z.string().max(20_000).optional(),
  /** HTML (email HTML part); values are HTML-escaped unless written with triple braces. */
  html: z.string().max(50_000).optional(),
});

export const ReceiverSchema = z.strictObject({
  /** A notifier plugin id: a built-in (webhook, slack, email, alertmanager, pagerduty, teams) or an external one (a user hook). */
  plugin: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a plugin id (ksa plugin list --type notifier)'),
  /** The plugin's settings, checked against the options its manifest declares (secret ones are redacted everywhere). */
  config: z.record(z.string(), z.unknown()).default({}),
  /** One delivery attempt's deadline; the plugin is stopped there (isolated like every plugin call). */
  timeout: DurationText.default('10s'),
  templates: TemplatesSchema.optional(),
});

export const RouteMatchSchema = z.strictObject({
  /**
   * Notice kinds: firing, resolved, unknown (a target that cannot be diagnosed), or any watch event
   * kind (recovery-succeeded, recovery-escalated, host-failed, ...). Default: firing, resolved,
   * unknown and every recovery-* kind.
   */
  kinds: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1).optional(),
  /** Alerts of these severities (a resolved alert keeps the severity it fired with). */
  severity: z.array(SeveritySchema).min(1).optional(),
  /** Target names or globs (`db-*`, `{a,b}`: picomatch, as recovery rules take them). */
  targets: z.array(z.string().min(1)).min(1).optional(),
  /** Every label must be set on the target (ksa.yaml targets[].labels) to this value (or glob). */
  labels: z.record(z.string(), z.string()).optional(),
});

export const RouteSchema = z.strictObject({
  name: NameSchema,
  receivers: z.array(NameSchema).min(1),
  match: RouteMatchSchema.default({}),
  /** Events of one target within this window make one notification (Alertmanager's group_wait). */
  groupWindow: DurationText.optional(),
  /** Still-firing alerts are sent again after this long (Alertmanager's repeat_interval). */
  repeatInterval: DurationText.optional(),
  /** Send a notice when alerts resolve (default true). */
  sendResolved: z.boolean().optional(),
});

export const NotifyDefaultsSchema = z.strictObject({
  groupWindow: DurationText.default('30s'),
  repeatInterval: DurationText.default('4h'),
  sendResolved: z.boolean().default(true),
  /** How long a notification is retried before it expires into the dead-letter file. */
  retryFor: DurationText.default('24h'),
  /** The first wait after a failed attempt; it doubles (with jitter) up to maxBackoff. */
  minBackoff: DurationText.default('1s'),
  /** The longest wait between two attempts. */
  maxBackoff: DurationText.default('5m'),
  /** Notifications waiting for delivery, at most; beyond, the oldest expire into the dead-letter file. */
  queueLimit: z.number().int().min(1).max(100_000).default(1000),
  /** A link put into every notification (a dashboard, a runbook index). */
  link: z.url().optional(),
});

export const NotifyConfigSchema = z.strictObject({
  defaults: NotifyDefaultsSchema.default({ groupWindow: '30s', repeatInterval: '4h', sendResolved: true, retryFor: '24h', minBackoff: '1s', maxBackoff: '5m', queueLimit: 1000 }),
  receivers: z.record(NameSchema, ReceiverSchema),
  routes: z.array(RouteSchema).min(1, 'at least one route'),
}).superRefine((n, ctx) => {
  const seen = new Set<string>();
  n.routes.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `route name ${r.name} is used twice` });
    seen.add(r.name);
    r.receivers.forEach((name, j) => {
      if (!Object.hasOwn(n.receivers, name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'receivers', j], message: `no receiver ${name} under notify.receivers (receivers: ${Object.keys(n.receivers).join(', ') || 'none'})` });
    });
  });
});

export type NotifyConfigInput = z.input<typeof NotifyConfigSchema>;
export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
export type ReceiverConfig = z.infer<typeof ReceiverSchema>;
export type RouteConfig = z.infer<typeof RouteSchema>;
export type Templates = z.infer<typeof TemplatesSchema>;

/** A route as the router uses it: durations in ms, defaults applied. */
export interface Route {
  name: string;
  receivers: readonly string[];
  match: z.infer<typeof RouteMatchSchema>;
  groupWindowMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
}

export interface DeliveryPolicy {
  retryForMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  queueLimit: number;
}

export function resolveRoutes(n: NotifyConfig): Route[] {
  return n.routes.map((r) => ({
    name: r.name,
    receivers: r.receivers,
    match: r.match,
    groupWindowMs: parseDuration(r.groupWindow ?? n.defaults.groupWindow, `notify.routes ${r.name} groupWindow`),
    repeatIntervalMs: parseDuration(r.repeatInterval ?? n.defaults.repeatInterval, `notify.routes ${r.name} repeatInterval`),
    sendResolved: r.sendResolved ?? n.defaults.sendResolved,
  }));
}

export function deliveryPolicy(n: NotifyConfig): DeliveryPolicy {
  return { retryForMs: parseDuration(n.defaults.retryFor, 'notify.defaults.retryFor'), minBackoffMs: parseDuration(n.defaults.minBackoff, 'notify.defaults.minBackoff'), maxBackoffMs: parseDuration(n.defaults.maxBackoff, 'notify.defaults.maxBackoff'), queueLimit: n.defaults.queueLimit };
}
