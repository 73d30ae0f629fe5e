// The plugin instance defineMiddlewarePlugin builds: THE object a host keeps, initialises, starts,
// serves every call with and stops. Lifecycle hooks of the author's parts run on it with their
// own context (deadline, signal); per-target work runs in sessions (connect once, collect many).
import { KsaError, ksaError } from '../core/errors.js';
import { redactEndpoint } from '../core/redact.js';
import { analyzeSnapshot, type MiddlewarePluginParts } from './define-plugin.js';
import { createSessionContext } from './session-context.js';
import type {
  MiddlewarePlugin, MiddlewareSession, MiddlewareTarget, PluginConfig, PluginContext, PluginInfo, Snapshot,
} from '../core/types.js';

export function createPlugin<C, D, S>(parts: MiddlewarePluginParts<C, D, S>): MiddlewarePlugin {
  // The instance's own state: what init returned, kept until reload or stop.
  let state: S | undefined;
  const sessions = new Set<MiddlewareSession>();
  // connect/collect/disconnect on the instance itself use one default session.
  let current: MiddlewareSession | undefined;
  const requireCurrent = (what: string): MiddlewareSession => {
    if (!current) throw ksaError('KSA_ERR_INTERNAL', `${what} called before connect`);
    return current;
  };
  const closeSessions = async (ctx: PluginContext) => {
    current = undefined;
    await Promise.all([...sessions].map((s) => s.close(ctx)));
  };
  const init = async (ctx: PluginContext, config: PluginConfig) => {
    state = parts.init ? await parts.init(ctx, config) : undefined;
  };
  const info = (): PluginInfo => ({
    id: parts.info.id, name: parts.info.name ?? parts.info.id, version: parts.info.version, type: 'middleware',
    middleware: parts.info.middleware, description: parts.info.description ?? '', capabilities: ['health-check', 'metrics', 'diagnose', 'execute'],
    categories: [...parts.categories], source: 'builtin', location: '',
  });

  const openSession = async (ctx: PluginContext, target: MiddlewareTarget): Promise<MiddlewareSession> => {
    let conn: C;
    const live = createSessionContext(ctx);
    try {
      conn = await live.during(ctx, () => parts.connect(live.ctx, target, state as S));
    } catch (error) {
      throw error instanceof KsaError ? error : ksaError('KSA_ERR_CONNECT', describe(error), { cause: error });
    }
    // The last collect's numbers for getMetrics, not its data: a kept session (ksa watch) would
    // otherwise hold a whole snapshot per target between cycles (~50 KB of parsed replies each).
    let lastMetrics: Record<string, number> = {};
    let closed = false;
    const session: MiddlewareSession = {
      async collect(c, opts) {
        const categories = opts.categories.length > 0 ? opts.categories : [...parts.categories];
        const out = await live.during(c, () => parts.collect(c, conn, { categories }));
        lastMetrics = parts.metrics ? numericMetrics(parts.metrics(out.data)) : {};
        const notApplicable = Object.entries(out.notApplicable ?? {}).filter(([name]) => categories.includes(name));
        return {
          plugin: parts.info.id,
          collectedAt: new Date().toISOString(),
          target: { type: target.type, name: target.name, ...(target.group ? { group: target.group } : {}), endpoints: target.endpoints.map(redactEndpoint) },
          categories,
          skipped: out.skipped ?? {},
          ...(notApplicable.length > 0 ? { notApplicable: Object.fromEntries(notApplicable) } : {}),
          data: out.data as Record<string, unknown>,
        };
      },
      async getMetrics() {
        return { ...lastMetrics };
      },
      async execute(c, action, params) {
        // Whether the action may run was decided by the manager from the manifest; a name the
        // code does not define means manifest and code disagree.
        const def = parts.actions?.[action];
        if (!def) throw ksaError('KSA_ERR_PLUGIN_INVALID', `plugin ${parts.info.id} defines no action ${action} in its code`, { fix: 'make the manifest actions: and the code agree (the ksa/testing kit checks this)' });
        return live.during(c, () => def.run(c, conn, params));
      },
      async close(c) {
        if (closed) return;
        closed = true;
        sessions.delete(session);
        if (parts.disconnect) await live.during(c, () => parts.disconnect!(c, conn)).catch(() => undefined);
      },
    };
    sessions.add(session);
    return session;
  };

  const plugin: MiddlewarePlugin = {
    middlewareType: parts.info.middleware,
    supportedVersions: parts.info.supportedVersions ?? [],
    info,
    init,
    async start(ctx) {
      await parts.start?.(ctx, state as S);
    },
    async stop(ctx) {
      await closeSessions(ctx);
      await parts.stop?.(ctx, state as S);
    },
    async reload(ctx, config) {
      // Open sessions were made with the old config: close them, then re-initialise in place.
      await closeSessions(ctx);
      if (parts.reload) state = await parts.reload(ctx, config, state as S);
      else {
        await parts.stop?.(ctx, state as S);
        await init(ctx, config);
      }
    },
    async healthCheck(ctx) { return parts.healthCheck ? parts.healthCheck(ctx) : { healthy: true }; },
    openSession,
    async connect(ctx, t) {
      await current?.close(ctx);
      current = await openSession(ctx, t);
    },
    async disconnect(ctx) {
      const s = current;
      current = undefined;
      await s?.close(ctx);
    },
    collect: async (ctx, opts) => requireCurrent('collect').collect(ctx, opts),
    analyze(snapshot, opts) {
      return analyzeSnapshot(parts as MiddlewarePluginParts<unknown, D, void>, snapshot as Snapshot<D>, opts);
    },
    async diagnose(ctx, opts) {
      const startedAt = Date.now();
      const snapshot = await requireCurrent('diagnose').collect(ctx, opts);
      return analyzeSnapshot(parts as MiddlewarePluginParts<unknown, D, void>, snapshot as Snapshot<D>, opts, startedAt);
    },
    getMetrics: async (ctx) => (current ? current.getMetrics(ctx) : {}),
    execute: async (ctx, action, params) => requireCurrent('execute').execute(ctx, action, params),
  };
  return plugin;
}

function describe(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null;
  const message = e && typeof e.message === 'string' && e.message ? e.message : String(error);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code} ${message}` : message;
}

function numericMetrics(all: Record<string, unknown>): Record<string, number> {
  const numeric: Record<string, number> = {};
  for (const [k, v] of Object.entries(all)) if (typeof v === 'number') numeric[k] = v;
  return numeric;
}
