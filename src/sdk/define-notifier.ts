// defineNotifierPlugin builds a NotifierPlugin from the parts an author writes: send() and,
// optionally, lifecycle hooks. A notifier is also the watch loop's user hook (docs/NOTIFY.md
// "Hooks"): the notification carries the watch events verbatim. Built-in notifiers use exactly this.
import { PLUGIN_API_VERSION } from '../core/versions.js';
import { NOTIFIER_MODULE_KIND } from '../core/plugin-module.js';
import type { HealthStatus, NotifierPlugin, PluginConfig, PluginContext, PluginInfo } from '../core/types.js';
import type { DeliveryOutcome, NotifierDelivery } from '../notify/notification.js';

export { isNotifierPluginModule } from '../core/plugin-module.js';

/** S: the instance's state, what init returns (a transport pool, a client), handed to every hook and send. */
export interface NotifierPluginParts<S = void> {
  info: { id: string; version: string; name?: string; description?: string };
  /** Once per host, with plugins.<id>.config (receiver settings come with each delivery instead). */
  init?(ctx: PluginContext, config: PluginConfig): Promise<S> | S;
  start?(ctx: PluginContext, state: S): Promise<void>;
  stop?(ctx: PluginContext, state: S): Promise<void>;
  reload?(ctx: PluginContext, config: PluginConfig, state: S): Promise<S>;
  healthCheck?(ctx: PluginContext, state: S): Promise<HealthStatus>;
  /**
   * One delivery attempt, before ctx.deadline (abort on ctx.signal). Answer `sent`, `retry`
   * (receiver down, 5xx, 429: ksa retries with backoff, after retryAfterMs if given) or `failed`
   * (permanent: never retried). A throw counts as `retry`.
   */
  send(ctx: PluginContext, delivery: NotifierDelivery, state: S): Promise<DeliveryOutcome>;
}

export interface NotifierPluginModule<S = void> {
  readonly kind: typeof NOTIFIER_MODULE_KIND;
  readonly apiVersion: number;
  readonly parts: NotifierPluginParts<S> & { readonly thresholds?: undefined };
  create(): NotifierPlugin;
}

export function defineNotifierPlugin<S = void>(parts: NotifierPluginParts<S>): NotifierPluginModule<S> {
  if (typeof parts.send !== 'function') throw new Error(`notifier ${parts.info?.id}: send(ctx, delivery) is required`);
  return { kind: NOTIFIER_MODULE_KIND, apiVersion: PLUGIN_API_VERSION, parts: parts as NotifierPluginParts<S> & { thresholds?: undefined }, create: () => createNotifier(parts) };
}

function createNotifier<S>(parts: NotifierPluginParts<S>): NotifierPlugin {
  let state: S | undefined;
  const init = async (ctx: PluginContext, config: PluginConfig) => {
    state = parts.init ? await parts.init(ctx, config) : undefined;
  };
  return {
    info: (): PluginInfo => ({
      id: parts.info.id, name: parts.info.name ?? parts.info.id, version: parts.info.version, type: 'notifier',
      description: parts.info.description ?? '', capabilities: ['health-check'], categories: [], source: 'builtin', location: '',
    }),
    init,
    async start(ctx) { await parts.start?.(ctx, state as S); },
    async stop(ctx) { await parts.stop?.(ctx, state as S); },
    async reload(ctx, config) {
      if (parts.reload) state = await parts.reload(ctx, config, state as S);
      else {
        await parts.stop?.(ctx, state as S);
        await init(ctx, config);
      }
    },
    async healthCheck(ctx) { return parts.healthCheck ? parts.healthCheck(ctx, state as S) : { healthy: true }; },
    send: (ctx, delivery) => parts.send(ctx, delivery, state as S),
  };
}
