// The contracts: every shape that crosses a boundary (CLI <-> manager <-> isolation host <-> plugin,
// manifest files, JSON output) is a zod schema here; TypeScript types are inferred in types.ts.
import { z } from 'zod';

import { manifestOperationProblems } from './operation-entries.js';
import { SCHEMA_VERSION } from './versions.js';
import { PLUGIN_TYPES } from './plugin-types.js';
import { declarationProblems, FIELD_TYPES, OPTION_TYPES } from './option-values.js';
import { ConventionsSchema, conventionProblems } from './conventions-schema.js';

export { SCHEMA_VERSION, PLUGIN_API_VERSION } from './versions.js';

export const SeveritySchema = z.enum(['info', 'warning', 'critical']);
export const StatusSchema = z.enum(['healthy', 'warning', 'critical', 'unknown']);
export const PluginStateSchema = z.enum(['Unloaded', 'Loaded', 'Initialized', 'Running', 'Stopped', 'Failed']);
export const PluginTypeSchema = z.enum(PLUGIN_TYPES);
export const CapabilitySchema = z.enum(['health-check', 'metrics', 'diagnose', 'execute']);

const idPattern = /^[a-z][a-z0-9-]*$/;
export const PluginIdSchema = z.string().regex(idPattern, 'lowercase letters, digits and dashes, starting with a letter');

/**
 * A parameter of an action (`--param key=value`, a recovery rule's `params:`), checked and coerced
 * to its type before the action runs, like an option: the same types and rules.
 */
export const ActionParamSchema = z.strictObject({
  type: z.enum(OPTION_TYPES),
  description: z.string().max(200).optional(),
  required: z.boolean().optional(),
  enum: z.array(z.union([z.string(), z.number()])).min(1).max(50).optional(),
  /** A JavaScript regular expression the value (each item of a list) must match. */
  pattern: z.string().max(200).optional(),
  min: z.union([z.number(), z.string()]).optional(),
  max: z.union([z.number(), z.string()]).optional(),
  /** Redacted from events, history and the audit log. */
  secret: z.boolean().optional(),
}).superRefine((spec, ctx) => {
  for (const p of declarationProblems(spec)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
});

export const ActionSpecSchema = z.strictObject({
  name: z.string().regex(idPattern),
  mutating: z.boolean(),
  description: z.string().optional(),
  /** Operations admitted only while this action runs (e.g. `FUNCTION pg_terminate_backend`). */
  operations: z.array(z.string().min(1)).optional(),
  /** Its parameters, typed: checked by ksa before the plugin (or the program) is called. */
  params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _'), ActionParamSchema).optional(),
});

/**
 * What a recovery plugin runs for one of its actions: ksa's engine starts the program, never a
 * shell; each argv item is one argument. `{{params.<name>}}` and `{{target.name}}` are replaced
 * by the checked value (a list parameter standing alone fills several arguments).
 */
export const RecoveryCommandSchema = z.strictObject({
  argv: z.array(z.string().min(1).max(500)).min(1).max(100),
  /** Run when every attempt failed (the rollback the action declares). */
  rollback: z.array(z.string().min(1).max(500)).min(1).max(100).optional(),
  /** What it changes, in words, for `ksa plugin info` and the audit trail. */
  mutates: z.string().min(1).max(200),
});

/** Text a manifest supplies for `ksa diagnose --help`: one terminal line, no control characters. */
const HelpLineSchema = z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'one line without control characters');

/** A usage example shown by `ksa diagnose --help` (so the CLI itself names no middleware). */
export const ManifestExampleSchema = z.strictObject({ command: HelpLineSchema, description: HelpLineSchema });

/** Conventional credential sources of the middleware's own tools (e.g. its CLI's password variable). */
export const ManifestCredentialsSchema = z.strictObject({
  /** Variables read for the password, in order, when no --password-file/--password-env is given. */
  passwordEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).max(8).default([]),
});

/** What judges a value, for an option and for a field of a `records` option's items. */
const VALUE_RULE_SHAPE = {
  description: HelpLineSchema.optional(),
  enum: z.array(z.union([z.string(), z.number()])).min(1).max(50).optional(),
  /** A JavaScript regular expression the value (each item of a list) must match somewhere. */
  pattern: z.string().max(200).optional(),
  /** Bounds of a number, a duration (`100ms`) or the length of a list. */
  min: z.union([z.number(), z.string()]).optional(),
  max: z.union([z.number(), z.string()]).optional(),
  required: z.boolean().optional(),
};

/** A field of a `records` option's items. */
export const FieldSpecSchema = z.strictObject({
  type: z.enum(FIELD_TYPES),
  ...VALUE_RULE_SHAPE,
  /** No two items may share the value (an id). */
  unique: z.boolean().optional(),
});

/**
 * A plugin option: a key of a target's `options:` (`--option key=value`) and of the plugin's
 * `plugins.<id>.config`, checked and coerced by ksa before any plugin code runs. `flag:` makes it
 * a `ksa diagnose` flag (help text: description); the CLI itself declares no middleware flag.
 */
export const OptionSpecSchema = z.strictObject({
  type: z.enum(OPTION_TYPES),
  default: z.unknown().optional(),
  ...VALUE_RULE_SHAPE,
  /** Redacted from every output (report, snapshot, errors, logs), like a password. */
  secret: z.boolean().optional(),
  /** `plugin`: only in plugins.<id>.config (ctx.config), one value for every target. Default: target. */
  scope: z.enum(['target', 'plugin']).optional(),
  /** `ksa diagnose --<flag>`; per type: two plugins may declare the same flag, it applies to the type given. */
  flag: z.string().regex(/^(?!no-)[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a lowercase long flag name without dashes in front, e.g. max-depth').max(40).optional(),
  /** The flag's value placeholder in help (`--peers <host:port,...>`). */
  valueName: z.string().regex(/^[^\s<>[\]]{1,30}$/, 'up to 30 characters without spaces or brackets').optional(),
  /** Environment variables read, in order, when the option is not given (the middleware's own conventions). */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).max(8).optional(),
  /** A string option naming a Unix socket: given without an endpoint, the endpoint is unix:<value>. */
  unixSocket: z.boolean().optional(),
  /** An endpoints option whose items are the target's endpoints when none is given (e.g. Sentinels: clients are configured with them alone). */
  suppliesEndpoints: z.boolean().optional(),
  /** `endpoints`: the port of an item written without one. */
  port: z.number().int().min(1).max(65535).optional(),
  /** `records`: the fields of each item (`checks: [{ id, query, warning }]`). */
  fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _'), FieldSpecSchema).optional(),
}).superRefine((spec, ctx) => {
  for (const p of declarationProblems(spec)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
});

/** Option keys as plugins read them from target.options (camelCase is usual: maxDepth). */
export const OptionsDeclarationSchema = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _'), OptionSpecSchema)
  .superRefine((options, ctx) => {
    const byFlag = new Map<string, string>();
    for (const [key, spec] of Object.entries(options)) {
      if (spec.flag === undefined) continue;
      const other = byFlag.get(spec.flag);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: [key, 'flag'], message: `--${spec.flag} is already the flag of option ${other}` });
      byFlag.set(spec.flag, key);
    }
  });

/** Documentation text (`ksa explain`, docs/checks/*.md): prose without control characters. */
const DocTextSchema = z.string().min(1).max(800).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'one paragraph without control characters');

/**
 * A check's documentation, declared in the manifest's `checks:` (an object instead of the bare id):
 * what it checks, why it matters, the fix, and the upstream section its verdict follows (one
 * specific https page or anchor). Thresholds with their sources come from the code (describe).
 */
export const CheckDocSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9_-]+)+$/, 'a check id such as <type>.<category>.<check>'),
  description: DocTextSchema,
  why: DocTextSchema,
  fix: DocTextSchema,
  url: z.url({ protocol: /^https$/ }).max(300),
});

/**
 * One path a sandboxed external plugin may read beyond its own package: an absolute path, a path
 * under the user's home (`~/...`), or a reference to a value the user configured, read when the
 * host starts: `${config.<key>}` (plugins.<id>.config), `${option.<key>}` (the target's option),
 * `${tls.caFile}`, `${tls.certFile}`, `${tls.keyFile}` (the target's TLS files).
 */
export const FS_READ_REFERENCE = /^\$\{(?:(?:config|option)\.[A-Za-z][A-Za-z0-9_]*|tls\.(?:caFile|certFile|keyFile))\}$/;
export const FsReadEntrySchema = z.string().max(300).refine(
  (v) => FS_READ_REFERENCE.test(v) || (/^(?:\/|~\/)/.test(v) && !v.includes('${') && !/[\u0000-\u001f,]/.test(v)),
  'an absolute path, ~/path, or one of ${config.<key>}, ${option.<key>}, ${tls.caFile}, ${tls.certFile}, ${tls.keyFile}',
);

/**
 * What a sandboxed external plugin needs beyond its own files (docs/PLUGINS.md "Permissions"),
 * shown by `ksa plugin info` and at `ksa plugin install`, like a mobile app's permissions.
 */
export const ManifestPermissionsSchema = z.strictObject({
  /** Files or directories the host may read (never write). */
  fsRead: z.array(FsReadEntrySchema).max(32).default([]),
});

/** A plugin manifest: read and validated before any plugin code is imported. */
export const ManifestSchema = z.strictObject({
  id: PluginIdSchema,
  name: z.string().min(1),
  version: z.string().min(1),
  apiVersion: z.number().int().positive(),
  type: PluginTypeSchema,
  middleware: z.string().regex(idPattern).optional(),
  /** Port assumed when an endpoint omits it (the middleware's well-known port). */
  defaultPort: z.number().int().min(1).max(65535).optional(),
  /** The plugin's code; a recovery plugin is data only (its `commands:`) and has none. */
  entry: z.string().min(1).optional(),
  description: z.string().default(''),
  capabilities: z.array(CapabilitySchema).default([]),
  categories: z.array(z.string().regex(idPattern)).default([]),
  /** Check ids, each a bare id or documented ({id, description, why, fix, url}); parsed into `checks` (ids) and `checkDocs`. */
  checks: z.array(z.union([z.string(), CheckDocSchema])).default([]),
  /** The parsed form of documented checks (by id); accepted as input so a parsed manifest validates again. */
  checkDocs: z.record(z.string(), CheckDocSchema.omit({ id: true })).optional(),
  /**
   * Threshold override keys: ids of the numeric thresholds the checks judge by (`ksa plugin info`
   * shows their defaults). When present, ksa refuses an override of any other id (a state check
   * with a fixed severity, a typo) when --threshold / ksa.yaml are parsed, before plugin code runs.
   */
  thresholds: z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9_-]+)+$/, 'a finding id such as <type>.<category>.<check>')).optional(),
  operations: z.array(z.string().min(1)).default([]),
  actions: z.array(ActionSpecSchema).default([]),
  requires: z.array(z.string()).default([]),
  supportedVersions: z.array(z.string()).default([]),
  /** Deprecated (read as `options:` when those are absent): JSON-Schema-like properties. */
  config_schema: z.record(z.string(), z.unknown()).optional(),
  options: OptionsDeclarationSchema.optional(),
  /** The target `ksa config example` shows for this middleware (a ksa.yaml target without its type). */
  configExample: z.strictObject({ comment: HelpLineSchema.optional(), target: z.record(z.string(), z.unknown()) }).optional(),
  examples: z.array(ManifestExampleSchema).max(20).optional(),
  credentials: ManifestCredentialsSchema.optional(),
  /** The middleware client's own connection conventions (variables, files, URI), in its precedence order. */
  conventions: ConventionsSchema.optional(),
  /** Reads beyond the plugin's own package under the sandbox (external plugins; built-ins are trusted code). */
  permissions: ManifestPermissionsSchema.optional(),
  /** type recovery: the program each action runs (ksa runs it; the plugin never starts processes). */
  commands: z.record(z.string().regex(idPattern), RecoveryCommandSchema).optional(),
}).superRefine((m, ctx) => {
  if (m.type !== 'recovery' && m.entry === undefined) ctx.addIssue({ code: 'custom', path: ['entry'], message: `is required for a ${m.type} plugin` });
  if (m.type === 'recovery') {
    for (const a of m.actions) if (!m.commands?.[a.name]) ctx.addIssue({ code: 'custom', path: ['commands'], message: `action ${a.name} has no command` });
    for (const name of Object.keys(m.commands ?? {})) if (!m.actions.some((a) => a.name === name)) ctx.addIssue({ code: 'custom', path: ['commands', name], message: 'is not a declared action' });
  } else if (m.commands) ctx.addIssue({ code: 'custom', path: ['commands'], message: 'only recovery plugins declare commands' });
  for (const p of manifestOperationProblems(m)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  for (const p of conventionProblems(m)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}).transform(({ checks, checkDocs, ...manifest }) => {
  // Every reader of `checks` wants ids; the documentation travels beside them.
  const docs: Record<string, Omit<z.infer<typeof CheckDocSchema>, 'id'>> = { ...checkDocs };
  const ids = checks.map((c) => {
    if (typeof c === 'string') return c;
    const { id, ...doc } = c;
    docs[id] = doc;
    return id;
  });
  return { ...manifest, checks: ids, ...(Object.keys(docs).length > 0 ? { checkDocs: docs } : {}) };
});

export const PluginInfoSchema = z.object({
  id: PluginIdSchema,
  name: z.string(),
  version: z.string(),
  type: PluginTypeSchema,
  middleware: z.string().optional(),
  description: z.string(),
  capabilities: z.array(CapabilitySchema),
  categories: z.array(z.string()),
  source: z.enum(['builtin', 'external']),
  location: z.string(),
});

export const PluginConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** `full`: this external plugin runs unsandboxed (a warning says so each run); default sandboxed. */
  trust: z.enum(['sandboxed', 'full']).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const TlsOptionsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  caFile: z.string().optional(),
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
  servername: z.string().optional(),
  rejectUnauthorized: z.boolean().default(true),
});

/** Secrets travel only inside `auth`; every renderer and log line redacts them. */
export const AuthSchema = z.strictObject({
  username: z.string().optional(),
  password: z.string().optional(),
  mechanism: z.string().optional(),
  /** Where the user and password came from (a variable, `~/.x.cnf [client]`, `the OS user`) and how to set them: for auth errors. */
  origin: z.strictObject({ user: z.string().optional(), password: z.string().optional(), fix: z.string().optional() }).optional(),
});

export const MiddlewareTargetSchema = z.object({
  type: z.string().regex(idPattern),
  name: z.string().min(1),
  /** The ksa.yaml group (a target and its `also:` sources): the report shows the group's results together. */
  group: z.string().optional(),
  endpoints: z.array(z.string().min(1)).min(1),
  auth: AuthSchema.default({}),
  tls: TlsOptionsSchema.optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const ThresholdOverrideSchema = z.strictObject({
  warning: z.number().nullable().optional(),
  critical: z.number().nullable().optional(),
});

export const DiagnoseOptionsSchema = z.object({
  categories: z.array(z.string()).default([]),
  thresholds: z.record(z.string(), ThresholdOverrideSchema).default({}),
  timeoutMs: z.number().int().positive(),
  allowWrite: z.boolean().default(false),
});

export const ObservedSchema = z.object({
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  unit: z.string().optional(),
});

/** Finding ids (and so threshold override keys): `<type>.<category>.<check>`, `<check id>.<suffix>`. */
const FINDING_ID = /^[a-z0-9-]+(\.[a-z0-9_-]+)+$/;

export const ThresholdSchema = z.object({
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  direction: z.enum(['above', 'below']),
  source: z.string(),
});

/** Plugin-supplied text shown on one terminal line: no control characters at all (escapes, NULs, newlines). */
const PrintableSchema = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'control characters are not allowed');

/** A threshold as a plugin declares it: its override key (id), defaults, unit and source. */
export const ThresholdDefaultSchema = ThresholdSchema.extend({
  id: z.string().max(200).regex(FINDING_ID, 'dotted lowercase id such as <type>.<category>.<check>'),
  unit: PrintableSchema(40),
  source: PrintableSchema(500),
});

/** What `describe` returns from a plugin's host (code-level facts the manifest does not hold). */
export const PluginDescriptionSchema = z.object({ thresholds: z.array(ThresholdDefaultSchema).max(1000) });

export const FindingSchema = z.strictObject({
  id: z.string().regex(FINDING_ID, 'dotted lowercase id such as <type>.<category>.<check>'),
  category: z.string(),
  severity: SeveritySchema,
  title: z.string().min(1),
  detail: z.string(),
  observed: ObservedSchema.optional(),
  threshold: ThresholdSchema.optional(),
  suggestion: z.string(),
  evidence: z.record(z.string(), z.unknown()).default({}),
  node: z.string().optional(),
  /** Set by `--baseline`: a known finding that does not fail the gate. */
  baselined: z.boolean().optional(),
  /** Set by `--fail-on critical` on a warning: shown, but it does not fail the gate. */
  belowFailOn: z.boolean().optional(),
});

/** A value a check judged against a threshold, recorded whether or not it fired (stable perfdata). */
export const MeasurementSchema = z.strictObject({
  id: z.string().regex(FINDING_ID),
  value: z.number(),
  unit: z.string(),
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  direction: z.enum(['above', 'below']),
  node: z.string().optional(),
});

export const ErrorInfoSchema = z.object({
  code: z.string().regex(/^KSA_ERR_[A-Z_]+$/),
  message: z.string(),
  retryable: z.boolean(),
});

export const CategoryResultSchema = z.object({
  name: z.string(),
  /** Effective status (after --fail-on and --baseline). */
  status: StatusSchema,
  /** The status as found, present only when the gate changed it. */
  rawStatus: StatusSchema.optional(),
  durationMs: z.number().nonnegative(),
  skipped: z.string().optional(),
  /** The category does not apply to this deployment (e.g. cluster checks on a standalone server): not a failure. */
  notApplicable: z.boolean().optional(),
  /** Ids of the checks of this category (whether or not they found anything). */
  checks: z.array(z.string()).optional(),
});

/** A target as results and snapshots name it (no secrets): `group` when it is one of several sources of a system. */
export const ResultTargetSchema = z.object({ type: z.string(), name: z.string(), group: z.string().optional(), endpoints: z.array(z.string()) });

export const DiagnosticResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  plugin: z.object({ id: z.string(), version: z.string() }),
  target: ResultTargetSchema,
  /** Effective status: worst finding that fails the gate, or unknown when it could not diagnose. */
  status: StatusSchema,
  /** The status as found (worst severity), present only when --fail-on or --baseline changed it. */
  rawStatus: StatusSchema.optional(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  categories: z.array(CategoryResultSchema),
  findings: z.array(FindingSchema),
  metrics: z.record(z.string(), z.union([z.number(), z.string()])),
  /** Every value a check judged against a threshold in this run, fired or not. */
  measurements: z.array(MeasurementSchema).optional(),
  errors: z.array(ErrorInfoSchema),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /**
   * The effective status of the run: worst effective result status, ordered
   * critical > unknown > warning > healthy. exitCode, the Nagios word, JUnit failures and the
   * table header all derive from it.
   */
  status: StatusSchema,
  /** The gate: the exit code of `status` (0/1/2/3; a tool failure is never 0). */
  exitCode: z.number().int().min(0).max(3),
  /** The --fail-on level the statuses were computed with. */
  failOn: z.enum(['warning', 'critical']).optional(),
  /** Worst status as found, present only when --fail-on or --baseline changed it. */
  rawStatus: StatusSchema.optional(),
  /** suppressed: findings in the baseline; new: findings that fail the gate. */
  baseline: z.object({ file: z.string(), suppressed: z.number().int().nonnegative(), new: z.number().int().nonnegative().optional() }).optional(),
  results: z.array(DiagnosticResultSchema),
});

export const PluginListingSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  plugins: z.array(
    PluginInfoSchema.extend({
      state: PluginStateSchema,
      /** Check ids: the finding ids (and threshold override keys) are these or `<id>.<suffix>`. */
      checks: z.array(z.string()),
      operations: z.array(z.string()),
      actions: z.array(ActionSpecSchema),
      requires: z.array(z.string()),
      /** External plugins: what their sandbox lets them read beyond their own package. */
      permissions: z.object({ fsRead: z.array(z.string()) }).optional(),
      /** Only in `ksa plugin info`: read from the plugin's code in its host. */
      thresholds: z.array(ThresholdDefaultSchema).optional(),
      lastError: ErrorInfoSchema.optional(),
    }),
  ),
});

export const HealthReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  plugins: z.array(
    z.object({
      id: z.string(),
      state: PluginStateSchema,
      healthy: z.boolean(),
      latencyMs: z.number().nonnegative(),
      lastError: ErrorInfoSchema.optional(),
    }),
  ),
});

/** A snapshot is plain JSON data gathered by collect; checks read it, nothing else. */
export const SnapshotSchema = z.object({
  plugin: z.string(),
  collectedAt: z.string(),
  target: ResultTargetSchema,
  categories: z.array(z.string()),
  skipped: z.record(z.string(), z.string()).default({}),
  /** category -> why it does not apply to this deployment (absent in files written before it existed). */
  notApplicable: z.record(z.string(), z.string()).optional(),
  data: z.record(z.string(), z.unknown()),
});

/** A target whose snapshot could not be collected, kept in the file so `ksa analyze` reports it too. */
export const SnapshotFailureSchema = z.object({
  plugin: z.string(),
  target: ResultTargetSchema,
  categories: z.array(z.string()),
  startedAt: z.string(),
  error: ErrorInfoSchema,
});

/** The file `ksa diagnose --save-snapshot` writes and `ksa analyze` reads (`ksa schema snapshot`). */
export const SnapshotFileSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z.literal('ksa-snapshots'),
  snapshots: z.array(SnapshotSchema),
  /** Targets that could not be reached (absent in files written before this field existed). */
  failures: z.array(SnapshotFailureSchema).default([]),
});
