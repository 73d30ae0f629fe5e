// ksa.yaml: the zod schema is the contract; every error names the path in the file and the fix.
import { z } from 'zod';
import { PluginConfigSchema, ThresholdOverrideSchema, TlsOptionsSchema } from '../core/schemas.js';
import { SANDBOX_SETTINGS } from '../core/isolation/plugin-sandbox.js';
import { WatchPolicySchema } from '../watch/policy.js';
import { DEFAULT_ROTATION } from '../watch/rotating-file.js';
import { byteSize } from './byte-size.js';
import { NotifyConfigSchema } from '../notify/notify-config.js';
import { RecoveryConfigSchema } from '../recovery/rule-schema.js';
import { ServeConfigSchema } from '../serve/serve-config.js';

const duration = z.string().regex(/^\d+(?:\.\d+)?(ms|s|m|h)$/, 'a duration such as 500ms, 10s or 2m');

export const TargetAuthSchema = z.strictObject({
  username: z.string().optional(),
  passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  passwordFile: z.string().optional(),
  /** Allowed for `${ENV}` references; a literal secret in a file is the user's call. */
  password: z.string().optional(),
  mechanism: z.string().optional(),
});

/** What a target and each of its `also:` sources say: how to reach one thing and what to judge. */
const SOURCE_SHAPE = {
  type: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a middleware type (ksa plugin list)'),
  /** May be left out when an option the plugin declares supplies them (a socket path, Sentinels): checked per plugin. */
  endpoints: z.array(z.string().min(1)).default([]),
  auth: TargetAuthSchema.optional(),
  tls: TlsOptionsSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  thresholds: z.record(z.string(), ThresholdOverrideSchema).optional(),
  categories: z.array(z.string()).optional(),
  timeout: duration.optional(),
};

/**
 * Another source for the same system (`also:` of a target): e.g. the Prometheus that holds a
 * cluster's exporter metrics, beside the cluster's own plugin. Diagnosed as a target of its own,
 * named `<target>/<type>`, in the target's group, with the target's labels and watch policy.
 */
export const TargetSourceSchema = z.strictObject(SOURCE_SHAPE);

export const TargetSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / -'),
  ...SOURCE_SHAPE,
  /** Targets of one group are one system: the report shows them together (set for `also:` sources). */
  group: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / -').optional(),
  /** More sources for this system, each diagnosed by its own plugin and reported in this target's group. */
  also: z.array(TargetSourceSchema).optional(),
  /** Free-form labels (team, env, region): recovery rules and notification routes match on them; exported as labels. */
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name: letters, digits and _, as in Prometheus'), z.string()).optional(),
  /** ksa watch: how often this target is diagnosed (default: defaults.interval). */
  interval: duration.optional(),
  /** ksa watch: for: and hysteresis: (src/watch/policy.ts), over those of defaults:. */
  ...WatchPolicySchema.shape,
});

export const DiscoverySchema = z.strictObject({
  directories: z.array(z.string()).default([]),
  packages: z.array(z.string()).default([]),
});

/** ksa watch, watcher-wide settings (per-target ones are in defaults: and targets:). */
export const WatchConfigSchema = z.strictObject({
  /** The audit log's size-based rotation (docs/WATCH.md "Audit log"); read when the watcher starts. */
  audit: z.strictObject({
    /** Rotate once audit.log reaches this size. */
    maxSize: byteSize(1024, 1024 ** 3).optional(),
    /** Compressed archives kept (audit.log.1.gz newest ... audit.log.<keep>.gz oldest). */
    keep: z.number().int().min(1).max(100).optional(),
  }).transform(({ maxSize, keep }) => ({ maxBytes: maxSize ?? DEFAULT_ROTATION.maxBytes, keep: keep ?? DEFAULT_ROTATION.keep })).optional(),
});

export const ConfigSchema = z.strictObject({
  defaults: z.strictObject({
    timeout: duration.default('10s'),
    concurrency: z.number().int().min(1).max(512).default(16),
    failOn: z.enum(['warning', 'critical']).optional(),
    /** ksa watch: how often each target is diagnosed. */
    interval: duration.default('30s'),
    ...WatchPolicySchema.shape,
  }).default({ timeout: '10s', concurrency: 16, interval: '30s' }),
  targets: z.array(TargetSchema).min(1, 'at least one target'),
  /** `sandbox:` is how external plugin hosts are isolated (--plugin-sandbox wins); every other key is a plugin id. */
  plugins: z.object({ discovery: DiscoverySchema.optional(), sandbox: z.enum(SANDBOX_SETTINGS as [string, ...string[]]).optional() }).catchall(PluginConfigSchema).default({}),
  /** ksa watch: where transitions are sent (docs/NOTIFY.md). */
  notify: NotifyConfigSchema.optional(),
  /** ksa watch: recovery rules, dry-run unless `mode: enforce` or --enforce (docs/RECOVERY.md). */
  recovery: RecoveryConfigSchema.optional(),
  /** ksa serve: listen address, TLS, API tokens, /probe (docs/SERVE.md). */
  serve: ServeConfigSchema.optional(),
  /** ksa watch: watcher-wide settings (audit log rotation). */
  watch: WatchConfigSchema.optional(),
});

export type KsaConfig = z.infer<typeof ConfigSchema>;
export type TargetConfig = z.infer<typeof TargetSchema>;
