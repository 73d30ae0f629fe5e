// defineMiddlewarePlugin builds the full MiddlewarePlugin interface from the parts a plugin author
// writes: connect, collect (I/O only) and pure checks. Built-in plugins use exactly this.
import { KsaError, ksaError } from '../core/errors.js';
import { PLUGIN_API_VERSION, SCHEMA_VERSION } from '../core/versions.js';
import { statusOfSeverity, worstStatus } from '../core/status.js';
import { redactEndpoint } from '../core/redact.js';
import { createCheckContext, roundToHundredths, type CheckDefinition } from './checks.js';
import type { ThresholdSpec } from './thresholds.js';
import type {
  ActionOutcome, CategoryResult, DiagnoseOptions, DiagnosticResult, ErrorInfo, Finding, HealthStatus, Measurement,
  MiddlewarePlugin, MiddlewareTarget, PluginConfig, PluginContext, PluginInfo, Snapshot, Status,
} from '../core/types.js';

export interface CollectOutput<D> {
  data: D;
  /** category -> reason it could not be collected (with the fix), e.g. a missing privilege. */
  skipped?: Record<string, string>;
  /**
   * category -> why it does not apply to this deployment (cluster checks on a standalone node).
   * Not a failure: the category is reported `notApplicable: true` and never makes a result unknown.
   */
  notApplicable?: Record<string, string>;
}

export interface ActionDefinition<C> {
  mutating: boolean;
  description?: string;
  run(ctx: PluginContext, conn: C, params: Record<string, unknown>): Promise<ActionOutcome>;
}

export interface MiddlewarePluginParts<C, D> {
  info: { id: string; version: string; middleware: string; name?: string; description?: string; supportedVersions?: string[] };
  categories: readonly string[];
  connect(ctx: PluginContext, target: MiddlewareTarget): Promise<C>;
  disconnect?(ctx: PluginContext, conn: C): Promise<void>;
  collect(ctx: PluginContext, conn: C, request: { categories: readonly string[] }): Promise<CollectOutput<D>>;
  checks: ReadonlyArray<CheckDefinition<D>>;
  /** The thresholds the checks judge by (see thresholdsIn): listed by `ksa plugin info` as override keys with defaults. */
  thresholds?: readonly ThresholdSpec[];
  metrics?(data: D): Record<string, number | string>;
  healthCheck?(ctx: PluginContext): Promise<HealthStatus>;
  actions?: Record<string, ActionDefinition<C>>;
}

/** What a plugin module exports as default. */
export interface MiddlewarePluginModule<C = unknown, D = unknown> {
  readonly kind: 'ksa-middleware-plugin';
  readonly apiVersion: number;
  readonly parts: MiddlewarePluginParts<C, D>;
  create(): MiddlewarePlugin;
}

export function defineMiddlewarePlugin<C, D>(parts: MiddlewarePluginParts<C, D>): MiddlewarePluginModule<C, D> {
  for (const check of parts.checks) {
    if (!parts.categories.includes(check.category)) {
      throw new Error(`check ${check.id} has category ${check.category}, which is not in categories`);
    }
  }
  for (const t of parts.thresholds ?? []) {
    if (!parts.checks.some((c) => t.id === c.id || t.id.startsWith(`${c.id}.`))) {
      throw new Error(`threshold ${t.id} belongs to no check: its id must be a check id or <check id>.<suffix>`);
    }
  }
  return { kind: 'ksa-middleware-plugin', apiVersion: PLUGIN_API_VERSION, parts, create: () => createPlugin(parts) };
}

export function isMiddlewarePluginModule(value: unknown): value is MiddlewarePluginModule {
  const v = value as Partial<MiddlewarePluginModule> | null;
  return typeof v === 'object' && v !== null && v.kind === 'ksa-middleware-plugin' && typeof v.create === 'function';
}

/** Pure: snapshot -> result. Shared by live diagnosis and `ksa analyze`. */
export function analyzeSnapshot<D>(
  parts: MiddlewarePluginParts<unknown, D>,
  snapshot: Snapshot<D>,
  opts: Pick<DiagnoseOptions, 'thresholds'>,
  startedAt: number = Date.now(),
): DiagnosticResult {
  const findings: Finding[] = [];
  const categories: CategoryResult[] = [];
  const measurements: Measurement[] = [];
  for (const category of snapshot.categories) {
    const t0 = performance.now();
    const skips: string[] = [];
    const notApplicable: string[] = [];
    const collectSkip = snapshot.skipped[category];
    const collectNotApplicable = snapshot.notApplicable?.[category];
    const own: Finding[] = [];
    if (collectSkip === undefined && collectNotApplicable !== undefined) {
      notApplicable.push(collectNotApplicable);
    } else if (collectSkip === undefined) {
      const ctx = createCheckContext(category, opts.thresholds, (reason) => skips.push(reason), (m) => measurements.push(m), (reason) => notApplicable.push(reason));
      for (const check of parts.checks.filter((c) => c.category === category)) {
        const out = check.run(snapshot.data, ctx);
        for (const f of (Array.isArray(out) ? out : [out]).filter((x): x is Finding => x !== null)) {
          if (f.id !== check.id && !f.id.startsWith(`${check.id}.`)) {
            throw ksaError('KSA_ERR_PLUGIN_INVALID', `check ${check.id} emitted finding ${f.id}; finding ids must start with the check id`);
          }
          own.push(f);
        }
      }
    } else {
      skips.push(collectSkip);
    }
    findings.push(...own);
    const status = worstStatus(own.map((f) => statusOfSeverity(f.severity)));
    const checks = parts.checks.filter((c) => c.category === category).map((c) => c.id);
    const durationMs = roundToHundredths(performance.now() - t0);
    // Not applicable only when nothing else was said: a finding or a failed look says more.
    if (own.length === 0 && skips.length === 0 && notApplicable.length > 0) {
      categories.push({ name: category, status: 'healthy', durationMs, skipped: [...new Set(notApplicable)].join('; '), notApplicable: true, checks });
      continue;
    }
    const skipped = skips.length > 0 ? skips.join('; ') : undefined;
    // A category that could not be looked at is never reported healthy.
    const categoryStatus: Status = skipped && own.length === 0 ? 'unknown' : status;
    categories.push({ name: category, status: categoryStatus, durationMs, ...(skipped ? { skipped } : {}), checks });
  }
  findings.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity]);
  // Not-applicable categories are healthy, so they never make a result unknown (even all of them).
  const evaluated = categories.filter((c) => !(c.skipped && c.status === 'unknown'));
  const status: Status = evaluated.length === 0 && categories.length > 0
    ? 'unknown'
    : worstStatus(findings.map((f) => statusOfSeverity(f.severity)));
  return {
    schemaVersion: SCHEMA_VERSION,
    plugin: { id: parts.info.id, version: parts.info.version },
    target: snapshot.target,
    status,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, Date.now() - startedAt),
    categories,
    findings,
    metrics: parts.metrics ? parts.metrics(snapshot.data) : {},
    measurements,
    errors: [],
  };
}

const SEVERITY_ORDER = { info: 0, warning: 1, critical: 2 } as const;

/** The result shape for a run that could not diagnose: status unknown with the coded error. */
export function unknownResult(
  plugin: { id: string; version: string },
  target: Pick<MiddlewareTarget, 'type' | 'name' | 'endpoints'>,
  error: ErrorInfo,
  startedAt: number,
  categories: readonly string[] = [],
): DiagnosticResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    plugin,
    target: { type: target.type, name: target.name, endpoints: target.endpoints.map(redactEndpoint) },
    status: 'unknown',
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, Date.now() - startedAt),
    categories: categories.map((name) => ({ name, status: 'unknown', durationMs: 0, skipped: `not evaluated: ${error.code}` })),
    findings: [],
    metrics: {},
    errors: [error],
  };
}

function createPlugin<C, D>(parts: MiddlewarePluginParts<C, D>): MiddlewarePlugin {
  let conn: C | undefined;
  let target: MiddlewareTarget | undefined;
  let lastData: D | undefined;
  const requireConn = (): C => {
    if (conn === undefined) throw ksaError('KSA_ERR_INTERNAL', 'plugin used before connect');
    return conn;
  };
  const info = (): PluginInfo => ({
    id: parts.info.id, name: parts.info.name ?? parts.info.id, version: parts.info.version, type: 'middleware',
    middleware: parts.info.middleware, description: parts.info.description ?? '', capabilities: ['health-check', 'metrics', 'diagnose', 'execute'],
    categories: [...parts.categories], source: 'builtin', location: '',
  });
  const plugin: MiddlewarePlugin = {
    middlewareType: parts.info.middleware,
    supportedVersions: parts.info.supportedVersions ?? [],
    info,
    async init(_ctx: PluginContext, _config: PluginConfig) {},
    async start() {},
    async stop(ctx) { await plugin.disconnect(ctx); },
    async healthCheck(ctx) { return parts.healthCheck ? parts.healthCheck(ctx) : { healthy: true }; },
    async connect(ctx, t) {
      target = t;
      try {
        conn = await parts.connect(ctx, t);
      } catch (error) {
        throw error instanceof KsaError ? error : ksaError('KSA_ERR_CONNECT', describe(error), { cause: error });
      }
    },
    async disconnect(ctx) {
      const c = conn;
      conn = undefined;
      if (c !== undefined && parts.disconnect) await parts.disconnect(ctx, c).catch(() => undefined);
    },
    async collect(ctx, opts) {
      if (!target) throw ksaError('KSA_ERR_INTERNAL', 'collect called before connect');
      const categories = opts.categories.length > 0 ? opts.categories : [...parts.categories];
      const out = await parts.collect(ctx, requireConn(), { categories });
      lastData = out.data;
      const notApplicable = Object.entries(out.notApplicable ?? {}).filter(([c]) => categories.includes(c));
      return {
        plugin: parts.info.id,
        collectedAt: new Date().toISOString(),
        target: { type: target.type, name: target.name, endpoints: target.endpoints.map(redactEndpoint) },
        categories,
        skipped: out.skipped ?? {},
        ...(notApplicable.length > 0 ? { notApplicable: Object.fromEntries(notApplicable) } : {}),
        data: out.data as Record<string, unknown>,
      };
    },
    analyze(snapshot, opts) {
      return analyzeSnapshot(parts as MiddlewarePluginParts<unknown, D>, snapshot as Snapshot<D>, opts);
    },
    async diagnose(ctx, opts) {
      const startedAt = Date.now();
      const snapshot = await plugin.collect(ctx, opts);
      return analyzeSnapshot(parts as MiddlewarePluginParts<unknown, D>, snapshot as Snapshot<D>, opts, startedAt);
    },
    async getMetrics() {
      if (lastData === undefined || !parts.metrics) return {};
      const numeric: Record<string, number> = {};
      for (const [k, v] of Object.entries(parts.metrics(lastData))) if (typeof v === 'number') numeric[k] = v;
      return numeric;
    },
    async execute(ctx, action, params, allowWrite) {
      const def = parts.actions?.[action];
      if (!def) throw ksaError('KSA_ERR_UNKNOWN_ACTION', `plugin ${parts.info.id} has no action ${action}`);
      if (def.mutating && !allowWrite) throw ksaError('KSA_ERR_WRITE_NOT_ALLOWED', `action ${action} writes to the target`);
      return def.run(ctx, requireConn(), params);
    },
  };
  return plugin;
}

function describe(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null;
  const message = e && typeof e.message === 'string' && e.message ? e.message : String(error);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code} ${message}` : message;
}
