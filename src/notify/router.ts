// The notify router: a durable subscriber of the watch event bus. Each routed event joins its
// (route, target) group; a group waits its route's group window from its first event, then
// becomes ONE notification per receiver (every alert of the target in that window), queued
// durably. Alerts still firing are sent again after the repeat interval. The group state, the
// queued notifications and the router's cursor are committed together, so a kill -9 at any point
// neither loses an event nor queues one twice (a redelivered event at or below the cursor is skipped).
import { createHash } from 'node:crypto';
import { z } from 'zod';

import type { Logger } from '../core/types.js';
import type { WatchEvent, WatchEventDraft } from '../watch/events.js';
import { WatchEventSchema } from '../watch/events.js';
import type { RoomState } from '../watch/watch-sink.js';
import { sectionOf, type DeliveryQueue } from './delivery-queue.js';
import { NotificationAlertSchema, NOTIFICATION_SCHEMA_VERSION, type Notification, type NotificationAlert } from './notification.js';
import type { Route, Templates } from './notify-config.js';
import { matchRoutes } from './route-match.js';
import { alertOf } from './notice.js';
import { render } from './templates.js';

export const ROUTER_SECTION = 'notify';
export const GROUP_SECTION_PREFIX = 'notify-g-';
/** A group sends at once when this many events wait in it (a storm), without waiting for its window. */
const MAX_PENDING = 200;

const CursorSchema = z.strictObject({ through: z.number().int().nonnegative(), instance: z.string().regex(/^[0-9a-f]{8}$/) });

export const GroupSchema = z.strictObject({
  route: z.string(),
  target: z.string(),
  /** Events waiting for the window to close, with the notice kind each matched on. */
  pending: z.array(z.strictObject({ kind: z.string(), event: WatchEventSchema })),
  flushAt: z.number().int().nullable(),
  /** Alerts notified as firing and not resolved since, by episode (what a repeat sends). */
  firing: z.record(z.string(), NotificationAlertSchema),
  lastSentAt: z.number().int().nullable(),
});
type Group = z.infer<typeof GroupSchema>;

export interface RouterReceiver {
  plugin: string;
  templates?: Templates;
}

export interface RouterDeps {
  rooms: RoomState;
  queue: DeliveryQueue;
  logger: Logger;
  routes: () => readonly Route[];
  receiver: (name: string) => RouterReceiver | undefined;
  labelsOf: (target: string) => Readonly<Record<string, string>>;
  typeOf: (target: string) => string | undefined;
  queueLimit: () => number;
  link: () => string | undefined;
  /** Told after notifications were queued (the worker starts their lanes). */
  queued: (receivers: readonly string[]) => void;
  now?: () => number;
  /** Random bytes for a new state dir's router instance id. */
  instanceId: () => string;
}

const groupSection = (route: string, target: string) => `${GROUP_SECTION_PREFIX}${createHash('sha256').update(`${route}\0${target}`).digest('hex').slice(0, 16)}`;

export class NotifyRouter {
  private cursor: z.infer<typeof CursorSchema>;
  private readonly groups = new Map<string, Group>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Flushes and event handling run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly d: RouterDeps) {
    const c = CursorSchema.safeParse(d.rooms.section(ROUTER_SECTION));
    this.cursor = c.success ? c.data : { through: 0, instance: d.instanceId() };
    for (const name of d.rooms.sectionNames(GROUP_SECTION_PREFIX)) {
      const g = GroupSchema.safeParse(d.rooms.section(name));
      if (g.success) this.groups.set(name, g.data);
      else d.logger.warn(`notify: ignoring unreadable group ${name} in the state dir`);
    }
    this.schedule();
  }

  private now(): number {
    return (this.d.now ?? Date.now)();
  }

  /** Whether any route wants the event (the bus filter: the rest never reaches the handler). */
  wants = (event: WatchEvent): boolean => matchRoutes(event, this.d.routes(), this.d.labelsOf).length > 0;

  /** The bus handler: the event joins its groups, committed before it returns (then the bus acknowledges it). */
  handle = (event: WatchEvent): Promise<void> => this.serial(async () => {
    if (event.seq <= this.cursor.through) return; // redelivered after a restart: already in a group
    const changed: Record<string, unknown> = {};
    const now = this.now();
    for (const { route, kind } of matchRoutes(event, this.d.routes(), this.d.labelsOf)) {
      const target = event.target ?? '';
      const name = groupSection(route.name, target);
      const g = this.groups.get(name) ?? { route: route.name, target, pending: [], flushAt: null, firing: {}, lastSentAt: null };
      g.pending.push({ kind, event });
      if (g.flushAt === null) g.flushAt = now + route.groupWindowMs;
      if (g.pending.length >= MAX_PENDING) g.flushAt = now;
      this.groups.set(name, g);
      changed[name] = g;
    }
    this.cursor = { ...this.cursor, through: event.seq };
    await this.d.rooms.commit({ sections: { ...changed, [ROUTER_SECTION]: this.cursor }, sync: true });
    this.schedule();
  });

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Runs every due group now (tests; the timer calls it). */
  flushDue(): Promise<void> {
    return this.serial(() => this.flush());
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private dueAt(g: Group, route: Route | undefined): number | null {
    if (!route) return g.pending.length > 0 ? this.now() : null; // route removed: send what waits
    if (g.flushAt !== null) return g.flushAt;
    if (Object.keys(g.firing).length > 0 && g.lastSentAt !== null) return g.lastSentAt + route.repeatIntervalMs;
    return null;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const routes = new Map(this.d.routes().map((r) => [r.name, r]));
    let next = Infinity;
    for (const g of this.groups.values()) {
      const at = this.dueAt(g, routes.get(g.route));
      if (at !== null) next = Math.min(next, at);
    }
    if (next === Infinity) return;
    this.timer = setTimeout(() => void this.flushDue().catch((error: unknown) => this.d.logger.error(`notify: flush failed: ${(error as Error).message}`)), Math.max(0, Math.min(next - this.now(), 2 ** 31 - 1)));
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const now = this.now();
    const routes = new Map(this.d.routes().map((r) => [r.name, r]));
    const sections: Record<string, unknown> = {};
    const events: WatchEventDraft[] = [];
    const items: Array<{ notification: Notification; plugin: string }> = [];
    for (const [name, g] of this.groups) {
      const route = routes.get(g.route);
      const at = this.dueAt(g, route);
      if (at === null || at > now) continue;
      const repeat = g.flushAt === null;
      const alerts = repeat ? Object.values(g.firing) : latestPerEpisode(g.pending);
      for (const a of repeat ? [] : alerts) {
        if (a.status === 'firing' && (a.kind === 'firing' || a.kind === 'unknown')) g.firing[a.episode] = a;
        else if (a.status === 'resolved') delete g.firing[a.episode];
      }
      const sendable = route && !route.sendResolved ? alerts.filter((a) => a.status === 'firing') : alerts;
      if (route && sendable.length > 0) {
        for (const receiverName of route.receivers) {
          const receiver = this.d.receiver(receiverName);
          if (!receiver) continue;
          const n = this.notification(route.name, receiverName, g, sendable, repeat ? [] : g.pending.map((p) => p.event), repeat, now, receiver.templates);
          items.push({ notification: n, plugin: receiver.plugin });
        }
      }
      g.pending = [];
      g.flushAt = null;
      g.lastSentAt = now;
      const idle = Object.keys(g.firing).length === 0;
      if (idle || !route) this.groups.delete(name);
      sections[name] = idle || !route ? null : g;
    }
    if (Object.keys(sections).length === 0) return this.schedule();
    const { added, pushedOut } = this.d.queue.add(items, now, this.d.queueLimit());
    for (const e of added) {
      sections[sectionOf(e.key)] = e;
      events.push({ kind: 'notification', at: new Date(now).toISOString(), target: e.target, action: 'queued', key: e.key, route: e.route, receiver: e.receiver, plugin: e.plugin, attempts: 0 });
    }
    for (const e of pushedOut) {
      sections[sectionOf(e.key)] = e;
      events.push({ kind: 'notification', at: new Date(now).toISOString(), target: e.target, action: 'expired', key: e.key, route: e.route, receiver: e.receiver, plugin: e.plugin, attempts: e.attempts, ...(e.lastDetail ? { detail: e.lastDetail } : {}) });
    }
    await this.d.rooms.commit({ sections, events, sync: true });
    this.schedule();
    if (added.length > 0) this.d.queued([...new Set(added.map((e) => e.receiver))]);
  }

  private notification(route: string, receiver: string, g: Group, alerts: NotificationAlert[], events: WatchEvent[], repeat: boolean, now: number, templates: Templates | undefined): Notification {
    const createdAt = new Date(now).toISOString();
    const hash = createHash('sha256').update(JSON.stringify([route, receiver, g.target, events.map((e) => e.id), alerts.map((a) => `${a.episode}:${a.status}`), createdAt])).digest('hex').slice(0, 16);
    const base: Omit<Notification, 'rendered'> = {
      schemaVersion: NOTIFICATION_SCHEMA_VERSION, key: `ntf-${this.cursor.instance}-${hash}`, route, receiver,
      status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      kinds: [...new Set(alerts.map((a) => a.kind))].sort(), repeat, test: false, createdAt,
      target: { name: g.target, ...(this.d.typeOf(g.target) ? { type: this.d.typeOf(g.target)! } : {}), labels: { ...this.d.labelsOf(g.target) } }, alerts, events,
    };
    return { ...base, rendered: renderOrDefault(base, templates, this.d.link(), this.d.logger) };
  }
}

/** One alert per episode: its latest state in the window (fired then resolved = resolved). */
function latestPerEpisode(pending: ReadonlyArray<{ kind: string; event: WatchEvent }>): NotificationAlert[] {
  const out = new Map<string, NotificationAlert>();
  for (const { kind, event } of pending) {
    const a = alertOf(event, kind);
    if (a) out.set(a.episode, a);
  }
  return [...out.values()];
}

/** A receiver template that fails at render time falls back to the defaults (and says so). */
export function renderOrDefault(n: Omit<Notification, 'rendered'>, templates: Templates | undefined, link: string | undefined, logger: Logger): Notification['rendered'] {
  try {
    return render(n, templates, link);
  } catch (error) {
    logger.warn(`notify: a template of receiver ${n.receiver} failed (${(error as Error).message.split('\n')[0]}); the default templates were used`);
    return render(n, undefined, link);
  }
}
