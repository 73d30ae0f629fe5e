// Runs inside an isolation host (worker thread, child process, or in-process for --isolation none):
// imports the plugin lazily and keeps ONE instance of it, which the lifecycle calls (init, start,
// stop, reload) and every diagnosis, analysis and action use. Each call, lifecycle hooks included,
// runs with its own AbortSignal and the deadline its message carries.
import { ksaError, toErrorInfo } from '../errors.js';
import { redactedJson, redactValue } from '../redact.js';
import { targetSecrets } from '../plugin-options.js';
import { operationsInScope } from '../operation-entries.js';
import { isMiddlewarePluginModule, isNotifierPluginModule, MODULE_KIND_OF_TYPE, type AnyPluginModule } from '../plugin-module.js';
import { PLUGIN_API_VERSION } from '../versions.js';
import { embeddedModule } from '../embedded.js';
import type { Logger, LogLevel, MiddlewarePlugin, MiddlewareSession, MiddlewareTarget, NotifierPlugin, PluginContext } from '../types.js';
import type {
  AnalyzePayload, DiagnosePayload, DiagnoseReply, ExecutePayload, FromHost, HostMethod, NotifyPayload, PluginRef, SessionClosePayload, SessionDiagnosePayload, SessionOpenPayload, ToHost,
} from './protocol.js';

type Handler = (payload: never, ctx: PluginContext) => Promise<unknown>;

export function createHostRuntime(send: (message: FromHost) => void): (message: ToHost) => void {
  const modules = new Map<string, Promise<AnyPluginModule>>();
  /** THE instance of each plugin in this host, made by init and kept until the host ends. */
  const instances = new Map<string, MiddlewarePlugin | NotifierPlugin>();
  const controllers = new Map<number, AbortController>();
  /** Kept sessions (watch) by the id their owner gave them, with the target and plugin they were opened for. */
  const kept = new Map<string, { session: MiddlewareSession; target: MiddlewareTarget; ref: PluginRef }>();

  const load = (ref: PluginRef): Promise<AnyPluginModule> => {
    let p = modules.get(ref.entryUrl);
    if (!p) {
      p = importPlugin(ref);
      modules.set(ref.entryUrl, p);
    }
    return p;
  };
  const anyInstanceOf = (ref: PluginRef): MiddlewarePlugin | NotifierPlugin => {
    const instance = instances.get(ref.entryUrl);
    if (!instance) throw ksaError('KSA_ERR_INTERNAL', `plugin ${ref.manifest.id} was called before init`);
    return instance;
  };
  const instanceOf = (ref: PluginRef): MiddlewarePlugin => {
    const instance = anyInstanceOf(ref);
    if (!('openSession' in instance)) throw ksaError('KSA_ERR_BAD_INPUT', `plugin ${ref.manifest.id} is a ${ref.manifest.type} plugin: it diagnoses nothing`);
    return instance;
  };
  const notifierOf = (ref: PluginRef): NotifierPlugin => {
    const instance = anyInstanceOf(ref);
    if (!('send' in instance)) throw ksaError('KSA_ERR_BAD_INPUT', `plugin ${ref.manifest.id} is a ${ref.manifest.type} plugin, not a notifier`);
    return instance;
  };
  /** A session on the instance for one call; closed whatever happens. */
  const withSession = async <T>(ref: PluginRef, target: MiddlewareTarget, ctx: PluginContext, work: (s: MiddlewareSession) => Promise<T>): Promise<T> => {
    const session = await instanceOf(ref).openSession(ctx, target);
    try {
      return await work(session);
    } finally {
      await session.close(ctx);
    }
  };

  /** One analysed diagnosis of an open session (the one-shot call and the kept session alike). */
  const diagnoseIn = async (session: MiddlewareSession, ref: PluginRef, target: MiddlewareTarget, opts: DiagnosePayload['opts'], withSnapshot: boolean, ctx: PluginContext): Promise<DiagnoseReply> => {
    const startedAt = Date.now();
    const snapshot = await session.collect(ctx, opts);
    const result = instanceOf(ref).analyze(snapshot, opts);
    result.startedAt = new Date(startedAt).toISOString();
    result.durationMs = Date.now() - startedAt;
    return { json: redactedJson(withSnapshot ? { result, snapshot } : { result }, targetSecrets(target, ref.manifest)) };
  };

  const handlers: Record<HostMethod, Handler> = {
    init: async (p: PluginRef, ctx) => {
      const instance = instances.get(p.entryUrl) ?? (await load(p)).create();
      instances.set(p.entryUrl, instance);
      try {
        await instance.init(ctx, { enabled: true, config: p.config });
      } catch (error) {
        instances.delete(p.entryUrl); // a failed init leaves nothing to serve calls with
        throw error;
      }
      return { ok: true };
    },
    start: async (p: PluginRef, ctx) => anyInstanceOf(p).start(ctx),
    // The instance closes its sessions itself on stop and reload; their ids go with them.
    stop: async (p: PluginRef, ctx) => { kept.clear(); await anyInstanceOf(p).stop(ctx); },
    reload: async (p: PluginRef, ctx) => { kept.clear(); await anyInstanceOf(p).reload(ctx, { enabled: true, config: p.config }); },
    diagnose: async (p: DiagnosePayload, ctx): Promise<DiagnoseReply> =>
      withSession(p.plugin, p.target, ctx, (session) => diagnoseIn(session, p.plugin, p.target, p.opts, p.withSnapshot, ctx)),
    sessionOpen: async (p: SessionOpenPayload, ctx) => {
      await closeKept(p.session, ctx); // an id reused after a failure: the old connection goes first
      kept.set(p.session, { session: await instanceOf(p.plugin).openSession(ctx, p.target), target: p.target, ref: p.plugin });
      return { ok: true };
    },
    sessionDiagnose: async (p: SessionDiagnosePayload, ctx): Promise<DiagnoseReply> => {
      const open = kept.get(p.session);
      if (!open) throw notOpen(p.session);
      try {
        return await diagnoseIn(open.session, open.ref, open.target, p.opts, p.withSnapshot, ctx);
      } catch (error) {
        // A failed collect leaves the connection in doubt: it is closed, the owner reconnects.
        await closeKept(p.session, ctx);
        throw error;
      }
    },
    sessionClose: async (p: SessionClosePayload, ctx) => closeKept(p.session, ctx),
    analyze: async (p: AnalyzePayload) => instanceOf(p.plugin).analyze(p.snapshot, p.opts),
    health: async (p: PluginRef, ctx) => anyInstanceOf(p).healthCheck(ctx),
    // What the code declares beyond the manifest: the thresholds with their defaults and sources.
    describe: async (p: PluginRef) => ({
      thresholds: ((await load(p)).parts.thresholds ?? []).map(({ id, warning, critical, direction, unit, source }) => ({ id, warning, critical, direction, unit, source })),
    }),
    metrics: async (p: DiagnosePayload, ctx) => withSession(p.plugin, p.target, ctx, async (session) => {
      await session.collect(ctx, p.opts);
      return session.getMetrics(ctx);
    }),
    // Whether the action may run (declared, --allow-write) was decided by the manager before this call.
    execute: async (p: ExecutePayload, ctx) => withSession(p.plugin, p.target, ctx, async (session) =>
      redactValue(await session.execute(ctx, p.action, p.params), targetSecrets(p.target, p.plugin.manifest))),
    // The answer is checked (DeliveryOutcomeSchema) and redacted with the receiver's secrets by the manager.
    notify: async (p: NotifyPayload, ctx) => notifierOf(p.plugin).send(ctx, p.delivery),
  };

  async function closeKept(id: string, ctx: PluginContext): Promise<void> {
    const open = kept.get(id);
    kept.delete(id);
    await open?.session.close(ctx).catch(() => undefined);
  }

  return (message) => {
    if (message.type === 'ping') return send({ type: 'pong', id: message.id });
    if (message.type === 'abort') return controllers.get(message.id)?.abort(ksaError('KSA_ERR_TIMEOUT', 'call aborted'));
    if (message.type === 'preload') return void Promise.resolve().then(() => embeddedModule(message.entryUrl) ?? import(message.entryUrl)).catch(() => undefined);
    const controller = new AbortController();
    controllers.set(message.id, controller);
    const timer = setTimeout(() => controller.abort(ksaError('KSA_ERR_TIMEOUT', 'deadline reached')), Math.max(0, message.deadline - Date.now()));
    timer.unref?.();
    const payload = message.payload as { plugin?: PluginRef; manifest?: PluginRef['manifest']; session?: string };
    const ref = message.method === 'sessionDiagnose' ? kept.get(payload.session ?? '')?.ref : payload.plugin ?? (payload as unknown as PluginRef);
    if (!ref) {
      clearTimeout(timer);
      controllers.delete(message.id);
      return send({ type: 'reply', id: message.id, ok: false, error: notOpen(payload.session ?? '').toInfo() });
    }
    const ctx: PluginContext = {
      pluginId: ref.manifest.id,
      signal: controller.signal,
      logger: hostLogger(send, ref.manifest.id),
      config: ref.config ?? {},
      deadline: message.deadline,
      // An action's own operations (e.g. FUNCTION pg_terminate_backend) are admitted only in its call.
      operations: operationsInScope(ref.manifest, (message.payload as Partial<ExecutePayload>).action),
      allowWrite: (message.payload as Partial<ExecutePayload>).allowWrite === true,
      ...(ref.manifest.defaultPort !== undefined ? { defaultPort: ref.manifest.defaultPort } : {}),
    };
    handlers[message.method](message.payload as never, ctx).then(
      (value) => send({ type: 'reply', id: message.id, ok: true, value }),
      (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: toErrorInfo(error, 'KSA_ERR_PLUGIN_CRASH'), ...stackOf(error) }),
    ).finally(() => {
      clearTimeout(timer);
      controllers.delete(message.id);
    });
  };
}

function notOpen(session: string) {
  return ksaError('KSA_ERR_INTERNAL', `session ${session} is not open in this host`);
}

async function importPlugin(ref: PluginRef): Promise<AnyPluginModule> {
  let mod: { default?: unknown };
  try {
    // Inside the single executable a built-in plugin is an embedded module, not a file.
    mod = embeddedModule(ref.entryUrl) ?? ((await import(ref.entryUrl)) as { default?: unknown });
  } catch (error) {
    throw ksaError('KSA_ERR_PLUGIN_IMPORT', `cannot import ${ref.manifest.id} from ${ref.entryUrl}: ${(error as Error).message}`);
  }
  if (!isMiddlewarePluginModule(mod.default) && !isNotifierPluginModule(mod.default)) {
    throw ksaError('KSA_ERR_PLUGIN_INVALID', `${ref.manifest.id}: the entry's default export is not a ksa plugin`);
  }
  const expected = MODULE_KIND_OF_TYPE[ref.manifest.type];
  if (mod.default.kind !== expected) {
    throw ksaError('KSA_ERR_PLUGIN_INVALID', `${ref.manifest.id}: its manifest says type ${ref.manifest.type}, but the entry exports a ${mod.default.kind === MODULE_KIND_OF_TYPE.middleware ? 'middleware' : 'notifier'} plugin`);
  }
  if (mod.default.apiVersion !== PLUGIN_API_VERSION) {
    throw ksaError('KSA_ERR_API_VERSION', `${ref.manifest.id} was built for plugin API ${mod.default.apiVersion}, ksa runs ${PLUGIN_API_VERSION}`);
  }
  return mod.default;
}

function hostLogger(send: (m: FromHost) => void, pluginId: string): Logger {
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
    send({ type: 'log', level, message: `[${pluginId}] ${message}`, ...(fields ? { fields } : {}) });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export function stackOf(error: unknown): { stack?: string } {
  return error instanceof Error && error.stack ? { stack: error.stack } : {};
}

/** Installs last-resort handlers in a host: anything escaping the plugin is reported, then the host dies. */
export function installFatalHandlers(send: (m: FromHost) => void, exit: () => void): void {
  const fatal = (error: unknown) => {
    send({ type: 'fatal', error: toErrorInfo(error, 'KSA_ERR_PLUGIN_CRASH'), ...stackOf(error) });
    exit();
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
