// The in-process event bus (seed 004's hook system): the watch loop publishes persisted events,
// subscribers (audit log, notifiers, recovery engine, serve's caches, user hooks) receive them.
//
// Guarantees, per subscriber:
// - publish() only enqueues: it never waits for, and is never broken by, a subscriber;
// - events arrive in seq order, one at a time (the next after the handler's promise settles);
// - a bounded queue (`queueLimit`, default 1000). Overflow, counted in stats() and logged:
//   live subscribers lose the OLDEST queued event (the newest state matters most);
//   durable subscribers lose nothing: events past the limit stay in the state store and are
//   re-read from it when the queue drains (the store's outbox is bounded in turn);
// - a handler that throws or rejects has consumed the event (counted as failed, logged); one
//   that hangs past `handlerTimeoutMs` (default 30 s) is abandoned, counted, and the queue moves on;
// - durable subscribers acknowledge each event to the store when their handler settles, and get
//   every unacknowledged event again after a restart (same id): at-least-once, exactly-once for
//   acknowledged events. A handler that must not lose an event persists it before returning.
// A handler that blocks the thread synchronously (a busy loop) cannot be stopped in-process: that
// is what isolated hook plugins are for.
import type { Logger } from '../core/types.js';
import type { WatchEvent, WatchEventKind } from './events.js';

/** Where durable subscribers' deliveries are acknowledged and replayed from: the state store. */
export interface AckSink {
  /** Events after the subscriber's last acknowledgement, in seq order (registers a new name at the current seq). */
  pending(subscriber: string): readonly WatchEvent[];
  /** Everything up to `seq` was handled (or is of no interest). `lazy`: no need to sync it to disk now. */
  ack(subscriber: string, seq: number, options?: { lazy?: boolean }): Promise<void>;
}

export interface DeliveryInfo {
  /** The event was delivered before (to this subscriber, before a restart) and may have been handled. */
  readonly replayed: boolean;
}

export type EventHandler = (event: WatchEvent, info: DeliveryInfo) => void | Promise<void>;

export interface SubscribeOptions {
  /** Names the subscriber in stats, logs and (durable) the store's acknowledgement cursor. */
  name: string;
  /** Only these kinds (default: all). */
  kinds?: readonly WatchEventKind[];
  /** Only events this returns true for (after `kinds`); a throwing filter counts as false. */
  filter?: (event: WatchEvent) => boolean;
  handler: EventHandler;
  /** Queued events at most (default 1000). */
  queueLimit?: number;
  /** A handler running longer is abandoned (default 30 s). */
  handlerTimeoutMs?: number;
  /** Acknowledge to the bus's AckSink and replay what was not acknowledged (needs `acks`). */
  durable?: boolean;
}

export interface SubscriberStats {
  name: string;
  durable: boolean;
  queued: number;
  delivered: number;
  failed: number;
  timedOut: number;
  /** Events dropped from the queue (live) or left in the store to re-read (durable). */
  overflowed: number;
  /** Highest seq handed to the handler. */
  lastSeq: number;
}

export interface Subscription {
  readonly name: string;
  unsubscribe(): void;
  stats(): SubscriberStats;
}

export interface EventBusOptions {
  acks?: AckSink;
  logger?: Logger;
}

const DEFAULT_QUEUE_LIMIT = 1000;
const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

class Subscriber implements Subscription {
  readonly name: string;
  private readonly queue: WatchEvent[] = [];
  private running = false;
  private closed = false;
  /** Durable and past the queue limit: the rest is in the store, from `behindAfter` on. */
  private behindAfter: number | null = null;
  private lastEnqueued = 0;
  private idleWaiters: Array<() => void> = [];
  /** Queued events that came from the store's backlog (delivered before a restart, maybe handled). */
  private readonly replayedSeqs = new Set<number>();
  private readonly s: SubscriberStats;

  constructor(private readonly opts: SubscribeOptions, private readonly acks: AckSink | undefined, private readonly logger: Logger | undefined, private readonly onClose: () => void) {
    this.name = opts.name;
    this.s = { name: opts.name, durable: opts.durable === true, queued: 0, delivered: 0, failed: 0, timedOut: 0, overflowed: 0, lastSeq: 0 };
    if (opts.durable) {
      const backlog = acks!.pending(opts.name);
      for (const e of backlog) this.offer(e, true);
    }
  }

  private wants(event: WatchEvent): boolean {
    if (this.opts.kinds && !this.opts.kinds.includes(event.kind)) return false;
    try {
      return this.opts.filter ? this.opts.filter(event) === true : true;
    } catch {
      return false;
    }
  }

  offer(event: WatchEvent, replayed = false): void {
    if (this.closed || event.seq <= this.lastEnqueued) return;
    const limit = this.opts.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    if (this.opts.durable && this.behindAfter !== null) {
      this.s.overflowed++;
      return; // still behind: read from the store when the queue drains
    }
    this.lastEnqueued = event.seq;
    if (!this.wants(event)) {
      // Of no interest: a durable cursor may move past it, cheaply, once nothing is in front of it.
      if (this.opts.durable && this.queue.length === 0 && !this.running) void this.acks!.ack(this.name, event.seq, { lazy: true }).catch(() => undefined);
      return;
    }
    if (this.queue.length >= limit) {
      this.s.overflowed++;
      if (this.opts.durable) {
        this.behindAfter = this.lastEnqueued = event.seq - 1;
      } else {
        this.queue.shift();
        this.queue.push(event);
      }
      if (this.s.overflowed === 1 || this.s.overflowed % 1000 === 0) this.logger?.warn(`event subscriber ${this.name} is behind: ${this.s.overflowed} event(s) overflowed its queue of ${limit}`, { subscriber: this.name });
      return;
    }
    this.queue.push(event);
    if (replayed) this.replayedSeqs.add(event.seq);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    this.running = true;
    // Never run a handler inside publish(): the publisher's stack stays the publisher's.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) break;
        let event = this.queue.shift();
        if (!event && this.behindAfter !== null) {
          this.refill();
          event = this.queue.shift();
        }
        if (!event) break;
        await this.deliver(event);
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0 && !this.closed) this.pump();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Durable and behind: take the next events from the store. */
  private refill(): void {
    const after = this.behindAfter!;
    this.behindAfter = null;
    this.lastEnqueued = after;
    for (const e of this.acks!.pending(this.name)) if (e.seq > after) this.offer(e);
  }

  private async deliver(event: WatchEvent): Promise<void> {
    const replayed = this.replayedSeqs.delete(event.seq);
    const timeoutMs = this.opts.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      (async () => {
        await this.opts.handler(event, { replayed });
        return 'ok' as const;
      })().catch((error: unknown) => {
        this.logger?.warn(`event subscriber ${this.name} failed on ${event.id}: ${error instanceof Error ? error.message : String(error)}`, { subscriber: this.name, event: event.id });
        return 'failed' as const;
      }),
      new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); timer.unref(); }),
    ]);
    clearTimeout(timer);
    this.s.lastSeq = event.seq;
    if (outcome === 'ok') this.s.delivered++;
    else if (outcome === 'failed') this.s.failed++;
    else {
      this.s.timedOut++;
      this.logger?.warn(`event subscriber ${this.name} took longer than ${timeoutMs} ms on ${event.id}: abandoned`, { subscriber: this.name, event: event.id });
    }
    if (this.opts.durable && !this.closed) {
      await this.acks!.ack(this.name, event.seq).catch((error: unknown) => {
        this.logger?.warn(`could not acknowledge ${event.id} for ${this.name}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /** Resolves when the queue is empty and no handler runs. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  unsubscribe(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const w of this.idleWaiters.splice(0)) w();
    this.onClose();
  }

  stats(): SubscriberStats {
    return { ...this.s, queued: this.queue.length };
  }
}

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly options: EventBusOptions = {}) {}

  /** Durable subscribers first get what they have not acknowledged (from the AckSink), then live events. */
  subscribe(opts: SubscribeOptions): Subscription {
    if (opts.durable && !this.options.acks) throw new TypeError('a durable subscriber needs an EventBus with `acks` (the state store)');
    if ([...this.subscribers].some((s) => s.name === opts.name)) throw new TypeError(`an event subscriber named ${opts.name} is already subscribed`);
    const sub: Subscriber = new Subscriber(opts, this.options.acks, this.options.logger, () => this.subscribers.delete(sub));
    this.subscribers.add(sub);
    return sub;
  }

  /** Hands persisted events (from the store's commit) to every subscriber's queue; returns at once. */
  publish(events: readonly WatchEvent[]): void {
    for (const event of events) for (const sub of this.subscribers) sub.offer(event);
  }

  stats(): SubscriberStats[] {
    return [...this.subscribers].map((s) => s.stats());
  }

  /** Waits until every queue is empty (shutdown: flush before closing the store), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      Promise.all([...this.subscribers].map((s) => s.idle())).then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    return done;
  }
}
