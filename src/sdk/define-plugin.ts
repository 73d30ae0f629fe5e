// defineMiddlewarePlugin builds the full MiddlewarePlugin interface from the parts a plugin author
// writes: connect, collect (I/O only), pure checks and, optionally, lifecycle hooks. Built-in
// plugins use exactly this.
import { PLUGIN_API_VERSION } from '../core/versions.js';
import { PLUGIN_MODULE_KIND } from '../core/plugin-module.js';
import { createPlugin } from './plugin-instance.js';
import type { CheckDefinition } from './checks.js';
import type { ThresholdSpec } from './thresholds.js';
import type { ActionOutcome, HealthStatus, MiddlewarePlugin, MiddlewareTarget, PluginConfig, PluginContext } from '../core/types.js';

// Shared with core (which must not load the sdk): re-exported here for plugin authors.
export { analyzeSnapshot } from './analyze-snapshot.js';
export { unknownResult } from '../core/unknown-result.js';
export { isMiddlewarePluginModule } from '../core/plugin-module.js';

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

/**
 * C: a target's connection (connect's result); D: the snapshot data collect returns; S: the
 * instance's state, what init returns (a pool, a cache), handed to start, stop, reload and connect.
 */
export interface MiddlewarePluginParts<C, D, S = void> {
  info: { id: string; version: string; middleware: string; name?: string; description?: string; supportedVersions?: string[] };
  categories: readonly string[];
  /**
   * Lifecycle hooks of the instance a host keeps for all its calls, each under its own deadline
   * (ctx.deadline, ctx.signal). init gets the plugin's config (plugins.<id>.config) once; start
   * runs before the first call; stop when ksa closes the plugin (open sessions are closed first);
   * reload applies a new config (default: stop, then init).
   */
  init?(ctx: PluginContext, config: PluginConfig): Promise<S> | S;
  start?(ctx: PluginContext, state: S): Promise<void>;
  stop?(ctx: PluginContext, state: S): Promise<void>;
  reload?(ctx: PluginContext, config: PluginConfig, state: S): Promise<S>;
  connect(ctx: PluginContext, target: MiddlewareTarget, state: S): Promise<C>;
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
export interface MiddlewarePluginModule<C = unknown, D = unknown, S = void> {
  readonly kind: typeof PLUGIN_MODULE_KIND;
  readonly apiVersion: number;
  readonly parts: MiddlewarePluginParts<C, D, S>;
  /** A new instance; a host makes one and keeps it for every call. */
  create(): MiddlewarePlugin;
}

export function defineMiddlewarePlugin<C, D, S = void>(parts: MiddlewarePluginParts<C, D, S>): MiddlewarePluginModule<C, D, S> {
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
  return { kind: PLUGIN_MODULE_KIND, apiVersion: PLUGIN_API_VERSION, parts, create: () => createPlugin(parts) };
}
