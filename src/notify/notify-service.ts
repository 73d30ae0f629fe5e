// The notify room inside `ksa watch`: the router (a durable bus subscriber), the durable queue in
// the watch state dir and the delivery worker, wired to the watcher's plugin manager. A config
// reload swaps routes and receivers in place; the queue and the groups carry over.
import { randomBytes } from 'node:crypto';

import type { PluginManager } from '../core/manager.js';
import type { Logger } from '../core/types.js';
import type { KsaConfig } from '../config/schema.js';
import type { RoomState, WatchSink } from '../watch/watch-sink.js';
import { attemptDelivery } from './deliver.js';
import { DeliveryQueue, QUEUE_SECTION_PREFIX, readQueue } from './delivery-queue.js';
import { DeliveryWorker } from './delivery-worker.js';
import { deliveryPolicy, resolveRoutes, type DeliveryPolicy, type NotifyConfig, type Route } from './notify-config.js';
import { resolveReceivers, type Receiver } from './receivers.js';
import { NotifyRouter } from './router.js';

/** The bus subscriber name (its cursor in the state store). */
export const NOTIFY_SUBSCRIBER = 'notify';

export interface NotifySetup {
  routes: Route[];
  receivers: Map<string, Receiver>;
  policy: DeliveryPolicy;
  labels: Map<string, Record<string, string>>;
  types: Map<string, string>;
  link: string | undefined;
}

/** Checks notify: against the loaded plugins; throws a one-line KSA_ERR_CONFIG_INVALID. */
export function notifySetup(config: KsaConfig, file: string, manager: PluginManager, env: NodeJS.ProcessEnv): NotifySetup | null {
  const n: NotifyConfig | undefined = config.notify;
  if (!n) return null;
  return {
    routes: resolveRoutes(n), receivers: resolveReceivers(n, file, manager, env), policy: deliveryPolicy(n),
    labels: new Map(config.targets.map((t) => [t.name, t.labels ?? {}])), types: new Map(config.targets.map((t) => [t.name, t.type])), link: n.defaults.link,
  };
}

export interface NotifyService {
  /** A reload: new routes, receivers and labels (null: notify: was removed; queued ones still go out to receivers that remain). */
  reconfigure(setup: NotifySetup | null, manager: PluginManager): void;
  /** Notifications waiting for delivery, by receiver. */
  queueDepth(): Record<string, number>;
  stop(): void;
}

export function startNotify(setup: NotifySetup, sink: WatchSink, manager: PluginManager, logger: Logger): NotifyService {
  let current = setup;
  let mgr = manager;
  const rooms: RoomState = sink;
  const queue = new DeliveryQueue(readQueue((n) => rooms.section(n), rooms.sectionNames(QUEUE_SECTION_PREFIX), logger), sink.stateDir, logger);
  const worker = new DeliveryWorker({
    queue, rooms, logger,
    policy: () => current.policy,
    receiver: (name) => current.receivers.get(name),
    attempt: (receiver, entry) => attemptDelivery(mgr, receiver, entry.notification),
  });
  const router = new NotifyRouter({
    rooms, queue, logger,
    routes: () => current.routes,
    receiver: (name) => current.receivers.get(name),
    labelsOf: (target) => current.labels.get(target) ?? {},
    typeOf: (target) => current.types.get(target),
    queueLimit: () => current.policy.queueLimit,
    link: () => current.link,
    queued: (receivers) => { for (const r of receivers) worker.kick(r); },
    instanceId: () => randomBytes(4).toString('hex'),
  });
  const unsubscribe = sink.subscribe(NOTIFY_SUBSCRIBER, router.handle, { durable: true, filter: router.wants });
  worker.kickAll(); // what a previous run left queued
  return {
    reconfigure(next, nextManager) {
      mgr = nextManager;
      current = next ?? { ...current, routes: [] };
      void router.flushDue().catch(() => undefined);
      worker.kickAll();
    },
    // Every receiver, 0 when nothing waits: a series that exists before it grows.
    queueDepth: () => ({ ...Object.fromEntries([...current.receivers.keys()].map((r) => [r, 0])), ...queue.depth() }),
    stop() {
      unsubscribe();
      router.stop();
      worker.stop();
    },
  };
}
