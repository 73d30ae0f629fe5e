// ksa.yaml `recovery:`: which firing finding (or unreachable target) runs which action, and the
// safety limits around it. The zod schema is the contract; src/config/schema.ts embeds it, so an
// unknown key gets the same did-you-mean as the rest of the file. Action names, parameter names
// and literal parameter values are checked against the plugins' declarations when the engine is
// built (src/recovery/rule-check.ts); templated values once rendered, before every run.
import { z } from 'zod';

import { SeveritySchema } from '../core/schemas.js';

const Duration = z.string().regex(/^\d+(?:\.\d+)?(ms|s|m|h)$/, 'a duration such as 500ms, 10s or 2m');
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits and . _ - (at most 100)');

/** What fires the rule. Globs (`*`, `?`, `{a,b}`) on finding ids and target names, as in a shell. */
export const RuleMatchSchema = z.strictObject({
  /** Finding id glob: `<type>.locks.blocked`, `<type>.memory.*`. */
  finding: z.string().min(1).max(200).optional(),
  /** The target could not be diagnosed (state unknown): for rules meant for it, e.g. a restart. */
  unreachable: z.literal(true).optional(),
  /** The finding's severity at least this (default warning). */
  severity: SeveritySchema.exclude(['info']).optional(),
  /** Target name glob. */
  target: z.string().min(1).max(300).optional(),
  /** Every label given must equal the target's (ksa.yaml targets[].labels). */
  labels: z.record(z.string(), z.string()).optional(),
  /** The finding (or the unreachable state) must have lasted this long before the action runs. */
  for: Duration.optional(),
}).refine((m) => (m.finding === undefined) !== (m.unreachable === undefined), { message: 'give exactly one of finding: <id glob> or unreachable: true' });

/** The action a rule runs: a middleware plugin's declared action or a recovery plugin's command. */
export const RuleActionSchema = z.strictObject({
  /** Plugin id: a middleware plugin's (`ksa plugin list`) or a recovery plugin's (`recovery-script`, `recovery-systemd`, ...). */
  plugin: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a plugin id (ksa plugin list)'),
  /** The plugin's action (`ksa plugin info <id>`) or the recovery plugin's command (`run`, `restart`). */
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'an action name (ksa plugin info <id>)'),
  /**
   * Parameters: literals, or `{{finding.evidence.blockers.0.pid}}` / `{{target.name}}` templates;
   * each is checked against the type the plugin declares for it, after rendering, before use.
   */
  params: z.record(z.string(), z.unknown()).default({}),
});

export const BackoffSchema = z.strictObject({
  /** The wait before the second attempt; doubled for each further one, half of it random (jitter). */
  initial: Duration.default('10s'),
  max: Duration.default('5m'),
});

export const RecoveryRuleSchema = z.strictObject({
  name: Name,
  match: RuleMatchSchema,
  action: RuleActionSchema,
  /** Attempts per episode before escalating. */
  maxAttempts: z.number().int().min(1).max(20).optional(),
  backoff: BackoffSchema.optional(),
  /** After an action, no new episode of this (rule, target) runs one for this long. */
  cooldown: Duration.optional(),
  /** Wait after the action before re-diagnosing the target. */
  settle: Duration.optional(),
  /** Re-diagnose until the finding resolves or this long has passed since the action. */
  verifyFor: Duration.optional(),
  /** The action's own deadline. */
  timeout: Duration.optional(),
});

export const RecoveryDefaultsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(3),
  backoff: BackoffSchema.default({ initial: '10s', max: '5m' }),
  cooldown: Duration.default('15m'),
  settle: Duration.default('2s'),
  verifyFor: Duration.default('30s'),
  timeout: Duration.default('60s'),
});

export const RecoveryConfigSchema = z.strictObject({
  /** `dry-run` (default): log and emit what would run, run nothing. `enforce` (or `ksa watch --enforce`): run it. */
  mode: z.enum(['dry-run', 'enforce']).default('dry-run'),
  /** At most this many actions over all targets per window: an action storm stops here, and says so. */
  rateLimit: z.strictObject({ actions: z.number().int().min(1).max(10_000).default(5), per: Duration.default('1m') }).default({ actions: 5, per: '1m' }),
  defaults: RecoveryDefaultsSchema.default({ maxAttempts: 3, backoff: { initial: '10s', max: '5m' }, cooldown: '15m', settle: '2s', verifyFor: '30s', timeout: '60s' }),
  rules: z.array(RecoveryRuleSchema).default([]),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.rules.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name ${JSON.stringify(r.name)}` });
    seen.add(r.name);
  });
});

export type RecoveryConfig = z.infer<typeof RecoveryConfigSchema>;
export type RecoveryRule = z.infer<typeof RecoveryRuleSchema>;
export type RuleMatch = z.infer<typeof RuleMatchSchema>;
