// Delivers the queue: one lane per receiver, oldest first, one attempt at a time (so a firing
// notice reaches a receiver before its resolved notice), lanes independent of each other. A
// failed attempt waits with exponential backoff and jitter (minBackoff doubling up to maxBackoff),
// or what the receiver's Retry-After asked; past `retryFor` the notification expires. Each
// outcome is committed with its `notification` event (the audit log records it) before the next.
import { backoffDelay } from '../core/backoff.js';
import type { Logger } from '../core/types.js';
import type { RoomState } from '../watch/watch-sink.js';
import type { WatchEventDraft } from '../watch/events.js';
import { sectionOf, type DeliveryQueue, type QueueEntry } from './delivery-queue.js';
import type { DeliveryOutcome } from './notification.js';
import type { DeliveryPolicy } from './notify-config.js';
import type { ResolvedReceiver } from './deliver.js';

export interface WorkerDeps {
  queue: DeliveryQueue;
  rooms: RoomState;
  logger: Logger;
  policy: () => DeliveryPolicy;
  receiver: (name: string) => ResolvedReceiver | undefined;
  attempt: (receiver: ResolvedReceiver, entry: QueueEntry) => Promise<DeliveryOutcome>;
  now?: () => number;
}

export class DeliveryWorker {
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly d: WorkerDeps) {}

  private now(): number {
    return (this.d.now ?? Date.now)();
  }

  /** Looks at every lane (after a start, a flush or a config change). */
  kickAll(): void {
    for (const r of this.d.queue.receiversWaiting()) this.kick(r);
  }

  kick(receiver: string): void {
    if (this.stopped || this.busy.has(receiver)) return;
    clearTimeout(this.timers.get(receiver));
    this.timers.delete(receiver);
    this.busy.add(receiver);
    const run = this.lane(receiver).catch((error: unknown) => {
      this.d.logger.error(`notify: delivery to ${receiver} stopped on an internal error: ${(error as Error).message}`);
    }).finally(() => {
      this.busy.delete(receiver);
      this.inFlight.delete(run);
    });
    this.inFlight.add(run);
  }

  /** No new attempts; the one in flight is abandoned (still queued: it is sent again, same key, after a restart). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async lane(name: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const head = this.d.queue.head(name);
      if (!head) return;
      const wait = head.nextAt - this.now();
      if (wait > 0) {
        const t = setTimeout(() => { this.timers.delete(name); this.kick(name); }, Math.min(wait, 2 ** 31 - 1));
        t.unref();
        this.timers.set(name, t);
        return;
      }
      const receiver = this.d.receiver(name);
      if (!receiver) {
        // Removed from ksa.yaml by a reload: what was queued for it cannot go anywhere.
        await this.commit(this.d.queue.finish(head, 'failed', this.now(), `receiver ${name} is no longer in notify.receivers`), 'failed');
        continue;
      }
      const entry = this.d.queue.attempted(head);
      const outcome = await this.d.attempt(receiver, entry);
      if (this.stopped) return;
      await this.record(entry, outcome);
    }
  }

  private async record(entry: QueueEntry, o: DeliveryOutcome): Promise<void> {
    const now = this.now();
    const policy = this.d.policy();
    if (o.outcome === 'sent') {
      this.d.logger.info(`notify: ${entry.key} sent to ${entry.receiver} (attempt ${entry.attempts}): ${o.detail}`);
      return this.commit(this.d.queue.finish(entry, 'sent', now, o.detail, o.status), 'sent');
    }
    if (o.outcome === 'failed') {
      this.d.logger.error(`notify: ${entry.key} to ${entry.receiver} failed for good (attempt ${entry.attempts}), not retried: ${o.detail}`);
      return this.commit(this.d.queue.finish(entry, 'failed', now, o.detail, o.status), 'failed');
    }
    const delay = o.retryAfterMs ?? backoffDelay(entry.attempts, { baseMs: policy.minBackoffMs, maxMs: policy.maxBackoffMs });
    if (now + delay > entry.createdAt + policy.retryForMs) {
      this.d.logger.error(`notify: ${entry.key} to ${entry.receiver} expired after ${entry.attempts} attempts: ${o.detail}`);
      return this.commit(this.d.queue.finish(entry, 'expired', now, `not delivered within the retry period: ${o.detail}`, o.status), 'expired');
    }
    this.d.logger.warn(`notify: ${entry.key} to ${entry.receiver} attempt ${entry.attempts} failed, retrying in ${Math.round(delay / 1000)} s: ${o.detail}`);
    return this.commit(this.d.queue.retryLater(entry, now + delay, o.detail, o.status), 'retrying');
  }

  private async commit(e: QueueEntry, action: 'sent' | 'failed' | 'expired' | 'retrying'): Promise<void> {
    const event: WatchEventDraft = {
      kind: 'notification', at: new Date(this.now()).toISOString(), target: e.target, action, key: e.key, route: e.route, receiver: e.receiver, plugin: e.plugin, attempts: e.attempts,
      ...(action === 'retrying' ? { retryAt: new Date(e.nextAt).toISOString() } : {}),
      ...(e.lastDetail ? { detail: e.lastDetail } : {}), ...(e.lastStatus !== undefined ? { status: e.lastStatus } : {}),
    };
    const pruned = this.d.queue.prune(this.now());
    await this.d.rooms.commit({ sections: { [sectionOf(e.key)]: e, ...Object.fromEntries(pruned.map((s) => [s, null])) }, events: [event] });
  }

  /** Resolves when no lane is running (tests, shutdown with a bound). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
