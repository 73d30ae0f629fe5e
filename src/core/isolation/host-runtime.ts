// Runs inside an isolation host (worker thread, child process, or in-process for --isolation none):
// imports the plugin lazily, runs each call with its own AbortSignal and deadline, replies.
import { ksaError, toErrorInfo } from '../errors.js';
import { redactValue } from '../redact.js';
import { targetSecrets } from '../plugin-options.js';
import { operationsInScope } from '../operation-entries.js';
import { isMiddlewarePluginModule, type MiddlewarePluginModule } from '../../sdk/define-plugin.js';
import { PLUGIN_API_VERSION } from '../versions.js';
import { embeddedModule } from '../embedded.js';
import type { Logger, LogLevel, PluginContext } from '../types.js';
import type { AnalyzePayload, DiagnosePayload, DiagnoseReply, ExecutePayload, FromHost, HostMethod, PluginRef, ToHost } from './protocol.js';

type Handler = (payload: never, ctx: PluginContext) => Promise<unknown>;

export function createHostRuntime(send: (message: FromHost) => void): (message: ToHost) => void {
  const modules = new Map<string, Promise<MiddlewarePluginModule>>();
  const controllers = new Map<number, AbortController>();

  const load = (ref: PluginRef): Promise<MiddlewarePluginModule> => {
    let p = modules.get(ref.entryUrl);
    if (!p) {
      p = importPlugin(ref);
      modules.set(ref.entryUrl, p);
    }
    return p;
  };

  const handlers: Record<HostMethod, Handler> = {
    init: async (p: PluginRef, ctx) => {
      const mod = await load(p);
      await mod.create().init(ctx, { enabled: true, config: p.config });
      return { ok: true };
    },
    diagnose: async (p: DiagnosePayload, ctx): Promise<DiagnoseReply> => {
      const plugin = (await load(p.plugin)).create();
      const secrets = targetSecrets(p.target, p.plugin.manifest);
      await plugin.connect(ctx, p.target);
      try {
        const startedAt = Date.now();
        const snapshot = await plugin.collect(ctx, p.opts);
        const result = plugin.analyze(snapshot, p.opts);
        result.startedAt = new Date(startedAt).toISOString();
        result.durationMs = Date.now() - startedAt;
        return redactValue(p.withSnapshot ? { result, snapshot } : { result }, secrets);
      } finally {
        await plugin.disconnect(ctx);
      }
    },
    analyze: async (p: AnalyzePayload) => (await load(p.plugin)).create().analyze(p.snapshot, p.opts),
    health: async (p: PluginRef, ctx) => (await load(p)).create().healthCheck(ctx),
    // What the code declares beyond the manifest: the thresholds with their defaults and sources.
    describe: async (p: PluginRef) => ({
      thresholds: ((await load(p)).parts.thresholds ?? []).map(({ id, warning, critical, direction, unit, source }) => ({ id, warning, critical, direction, unit, source })),
    }),
    metrics: async (p: DiagnosePayload, ctx) => {
      const plugin = (await load(p.plugin)).create();
      await plugin.connect(ctx, p.target);
      try {
        await plugin.collect(ctx, p.opts);
        return await plugin.getMetrics(ctx);
      } finally {
        await plugin.disconnect(ctx);
      }
    },
    execute: async (p: ExecutePayload, ctx) => {
      const plugin = (await load(p.plugin)).create();
      const spec = p.plugin.manifest.actions.find((a) => a.name === p.action);
      if (!spec) throw ksaError('KSA_ERR_UNKNOWN_ACTION', `plugin ${p.plugin.manifest.id} declares no action ${p.action}`);
      // Refuse before connecting: nothing is sent to the target for a refused write.
      if (spec.mutating && !p.allowWrite) throw ksaError('KSA_ERR_WRITE_NOT_ALLOWED', `action ${p.action} writes to the target`);
      await plugin.connect(ctx, p.target);
      try {
        return redactValue(await plugin.execute(ctx, p.action, p.params, p.allowWrite), targetSecrets(p.target, p.plugin.manifest));
      } finally {
        await plugin.disconnect(ctx);
      }
    },
  };

  return (message) => {
    if (message.type === 'ping') return send({ type: 'pong', id: message.id });
    if (message.type === 'abort') return controllers.get(message.id)?.abort(ksaError('KSA_ERR_TIMEOUT', 'call aborted'));
    if (message.type === 'preload') return void Promise.resolve().then(() => embeddedModule(message.entryUrl) ?? import(message.entryUrl)).catch(() => undefined);
    const controller = new AbortController();
    controllers.set(message.id, controller);
    const timer = setTimeout(() => controller.abort(ksaError('KSA_ERR_TIMEOUT', 'deadline reached')), Math.max(0, message.deadline - Date.now()));
    timer.unref?.();
    const payload = message.payload as { plugin?: PluginRef; manifest?: PluginRef['manifest'] };
    const ref = payload.plugin ?? (payload as unknown as PluginRef);
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

async function importPlugin(ref: PluginRef): Promise<MiddlewarePluginModule> {
  let mod: { default?: unknown };
  try {
    // Inside the single executable a built-in plugin is an embedded module, not a file.
    mod = embeddedModule(ref.entryUrl) ?? ((await import(ref.entryUrl)) as { default?: unknown });
  } catch (error) {
    throw ksaError('KSA_ERR_PLUGIN_IMPORT', `cannot import ${ref.manifest.id} from ${ref.entryUrl}: ${(error as Error).message}`);
  }
  if (!isMiddlewarePluginModule(mod.default)) {
    throw ksaError('KSA_ERR_PLUGIN_INVALID', `${ref.manifest.id}: the entry's default export is not a ksa plugin`);
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
