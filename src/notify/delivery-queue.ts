// The durable delivery queue (docs/NOTIFY.md "Delivery"): one state-store section per
// notification (`notify-q-<key>`) in the watch state dir, so queueing a notification, each
// attempt's outcome and the router's group state are journaled (fsynced) together, write-first.
// After a kill -9 every notification not yet sent is still queued and is sent again with the same
// idempotency key (at least once; at most the attempt in flight at the kill is repeated).
// Bounded: at most `queueLimit` waiting (the oldest expire beyond), none older than `retryFor`;
// what expires or fails for good is appended to the dead-letter file. Finished entries stay a
// while for `ksa notify status`, then go.
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

import type { Logger } from '../core/types.js';
import { NotificationSchema, type Notification } from './notification.js';

export const QUEUE_SECTION_PREFIX = 'notify-q-';
export const DEAD_LETTER_FILE = 'notify-dead-letter.jsonl';
/** Finished entries kept for `ksa notify status`: this long, and this many at most. */
const KEEP_DONE_MS = 3_600_000;
const KEEP_DONE_COUNT = 200;

export const DeliveryStatusSchema = z.enum(['queued', 'sent', 'failed', 'expired']);

export const QueueEntrySchema = z.strictObject({
  key: z.string(),
  route: z.string(),
  receiver: z.string(),
  plugin: z.string(),
  target: z.string(),
  /** FIFO order per receiver (a firing notice is delivered before its resolved notice). */
  order: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  /** The next attempt is not made before this (backoff, Retry-After). */
  nextAt: z.number().int(),
  attempts: z.number().int().nonnegative(),
  status: DeliveryStatusSchema,
  lastDetail: z.string().max(1000).optional(),
  lastStatus: z.number().int().optional(),
  doneAt: z.number().int().optional(),
  notification: NotificationSchema,
});

export type QueueEntry = z.infer<typeof QueueEntrySchema>;
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const sectionOf = (key: string): string => `${QUEUE_SECTION_PREFIX}${key.slice(-16)}`;

/** Reads the queue from sections (a state store's or a state dir read without its lock). */
export function readQueue(section: (name: string) => unknown, names: readonly string[], logger?: Logger): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const name of names) {
    const parsed = QueueEntrySchema.safeParse(section(name));
    if (parsed.success) out.push(parsed.data);
    else logger?.warn(`notify: ignoring unreadable queue entry ${name} in the state dir`);
  }
  return out.sort((a, b) => a.order - b.order);
}

export class DeliveryQueue {
  private readonly entries = new Map<string, QueueEntry>();
  private nextOrder = 0;

  constructor(entries: readonly QueueEntry[], private readonly stateDir: string, private readonly logger: Logger) {
    for (const e of entries) {
      this.entries.set(e.key, e);
      this.nextOrder = Math.max(this.nextOrder, e.order + 1);
    }
  }

  get(key: string): QueueEntry | undefined {
    return this.entries.get(key);
  }

  all(): QueueEntry[] {
    return [...this.entries.values()].sort((a, b) => a.order - b.order);
  }

  /** The receiver's oldest notification still waiting (its lane's head), if any. */
  head(receiver: string): QueueEntry | undefined {
    let best: QueueEntry | undefined;
    for (const e of this.entries.values()) if (e.receiver === receiver && e.status === 'queued' && (!best || e.order < best.order)) best = e;
    return best;
  }

  /** Notifications waiting, by receiver (ksa serve's ksa_notifier_queue_depth). */
  depth(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries.values()) if (e.status === 'queued') out[e.receiver] = (out[e.receiver] ?? 0) + 1;
    return out;
  }

  receiversWaiting(): string[] {
    return [...new Set([...this.entries.values()].filter((e) => e.status === 'queued').map((e) => e.receiver))];
  }

  /** New entries for notifications; returns them plus the entries pushed out to stay within `limit`. */
  add(items: ReadonlyArray<{ notification: Notification; plugin: string }>, now: number, limit: number): { added: QueueEntry[]; pushedOut: QueueEntry[] } {
    const added = items.map(({ notification: n, plugin }) => {
      const e: QueueEntry = { key: n.key, route: n.route, receiver: n.receiver, plugin, target: n.target.name, order: this.nextOrder++, createdAt: now, nextAt: now, attempts: 0, status: 'queued', notification: n };
      this.entries.set(e.key, e);
      return e;
    });
    const waiting = this.all().filter((e) => e.status === 'queued');
    const pushedOut = waiting.slice(0, Math.max(0, waiting.length - limit)).map((e) => this.finish(e, 'expired', now, `the queue holds at most ${limit} notifications: the oldest was dropped`));
    return { added, pushedOut };
  }

  /** Records an attempt's result on the entry (and the dead-letter file for failed/expired). */
  finish(entry: QueueEntry, status: Exclude<DeliveryStatus, 'queued'>, now: number, detail: string, code?: number): QueueEntry {
    const done: QueueEntry = { ...entry, status, doneAt: now, lastDetail: detail.slice(0, 1000), ...(code !== undefined ? { lastStatus: code } : {}) };
    this.entries.set(done.key, done);
    if (status !== 'sent') this.deadLetter(done);
    return done;
  }

  retryLater(entry: QueueEntry, nextAt: number, detail: string, code?: number): QueueEntry {
    const next: QueueEntry = { ...entry, nextAt, lastDetail: detail.slice(0, 1000), ...(code !== undefined ? { lastStatus: code } : {}) };
    this.entries.set(next.key, next);
    return next;
  }

  attempted(entry: QueueEntry): QueueEntry {
    const next = { ...entry, attempts: entry.attempts + 1 };
    this.entries.set(next.key, next);
    return next;
  }

  /** Finished entries past their keeping time (or beyond the count kept): their sections to remove. */
  prune(now: number): string[] {
    const done = this.all().filter((e) => e.status !== 'queued').sort((a, b) => (b.doneAt ?? 0) - (a.doneAt ?? 0));
    const gone = done.filter((e, i) => i >= KEEP_DONE_COUNT || now - (e.doneAt ?? 0) > KEEP_DONE_MS);
    for (const e of gone) this.entries.delete(e.key);
    return gone.map((e) => sectionOf(e.key));
  }

  /** One JSON line per notification that will not be delivered: what, to whom, why (fsynced). */
  private deadLetter(e: QueueEntry): void {
    const path = join(this.stateDir, DEAD_LETTER_FILE);
    try {
      appendFileSync(path, `${JSON.stringify({ at: new Date(e.doneAt ?? Date.now()).toISOString(), status: e.status, key: e.key, route: e.route, receiver: e.receiver, plugin: e.plugin, target: e.target, attempts: e.attempts, reason: e.lastDetail, notification: e.notification })}\n`, { mode: 0o600 });
      const fd = openSync(path, 'r+');
      try { fsyncSync(fd); } finally { closeSync(fd); }
    } catch (error) {
      this.logger.error(`notify: cannot write ${path}: ${(error as Error).message} (notification ${e.key} ${e.status})`);
    }
  }
}
