// The delivery queue's bounds and the worker's retry policy on a fake clock: a receiver that keeps
// failing is retried with growing waits capped at maxBackoff and expires after retryFor into the
// dead-letter file; Retry-After is honoured; beyond queueLimit the oldest waiting notification
// expires; a permanent failure is not retried; per receiver one lane, oldest first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_FILE, DeliveryQueue } from '../../../src/notify/delivery-queue.js';
import { DeliveryWorker } from '../../../src/notify/delivery-worker.js';
import { sampleNotification } from '../../../src/notify/sample-notification.js';
import type { DeliveryOutcome } from '../../../src/notify/notification.js';
import type { WatchEventDraft } from '../../../src/watch/events.js';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(Date.parse('2026-12-04T10:00:00Z')); });
afterEach(() => vi.useRealTimers());

function worker(answers: (n: number) => DeliveryOutcome, policy = { retryForMs: 3_600_000, minBackoffMs: 1000, maxBackoffMs: 300_000, queueLimit: 10 }, sub = 'a') {
  const stateDir = mkdtempSync(join(dir, sub));
  const queue = new DeliveryQueue([], stateDir, logger);
  const events: WatchEventDraft[] = [];
  const attempts: number[] = [];
  const w = new DeliveryWorker({
    queue, logger, policy: () => policy,
    rooms: { section: () => undefined, sectionNames: () => [], commit: async (c) => { events.push(...(c.events ?? [])); } },
    receiver: (name) => ({ name, plugin: 'p', config: {}, timeoutMs: 1000, secrets: [] }),
    attempt: async () => { attempts.push(Date.now()); return answers(attempts.length - 1); },
  });
  return { queue, w, events, attempts, stateDir };
}
let made = 0;
/** n new notifications (distinct keys) for receiver r. */
const add = (q: DeliveryQueue, n = 1, limit = 10) => q.add(Array.from({ length: n }, () => ({ notification: sampleNotification({ now: Date.now() + made++, receiver: 'r' }), plugin: 'p' })), Date.now(), limit);

describe('delivery worker', () => {
  it('retries with growing waits capped at maxBackoff, then expires after retryFor into the dead-letter file', async () => {
    const { queue, w, events, attempts, stateDir } = worker(() => ({ outcome: 'retry', detail: 'HTTP 503', status: 503 }));
    add(queue);
    w.kickAll();
    await vi.advanceTimersByTimeAsync(3_700_000);
    await w.idle();
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
    expect(gaps[0]).toBeLessThanOrEqual(1000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300_000);
    expect(gaps.slice(-3).every((g) => g >= 150_000)).toBe(true); // capped steps: half fixed, half jitter
    expect(events.at(-1)).toMatchObject({ action: 'expired', receiver: 'r' });
    expect(queue.all()[0]!.status).toBe('expired');
    const dead = JSON.parse(readFileSync(join(stateDir, DEAD_LETTER_FILE), 'utf8').trim()) as { status: string; reason: string };
    expect(dead.status).toBe('expired');
    expect(dead.reason).toMatch(/^not delivered within the retry period: HTTP 503/);
  });

  it('honours Retry-After; a permanent failure is not retried', async () => {
    const { queue, w, attempts, events } = worker((n) => (n === 0 ? { outcome: 'retry', detail: 'HTTP 429', status: 429, retryAfterMs: 42_000 } : { outcome: 'failed', detail: 'HTTP 400', status: 400 }), undefined, 'b');
    add(queue);
    w.kickAll();
    await vi.advanceTimersByTimeAsync(41_000);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(600_000);
    await w.idle();
    expect(attempts).toHaveLength(2);
    expect(events.map((e) => (e as { action: string }).action)).toEqual(['retrying', 'failed']);
  });

  it('beyond queueLimit the oldest waiting notification expires; one lane per receiver, oldest first', async () => {
    const { queue, w, events } = worker(() => ({ outcome: 'sent', detail: 'ok' }), undefined, 'c');
    const first = add(queue, 2, 3);
    const second = add(queue, 2, 3);
    expect(first.pushedOut).toEqual([]);
    expect(second.pushedOut.map((e) => e.key)).toEqual([first.added[0]!.key]);
    w.kickAll();
    await vi.advanceTimersByTimeAsync(10);
    await w.idle();
    expect(events.map((e) => (e as { key: string }).key)).toEqual([first.added[1]!.key, ...second.added.map((e) => e.key)]);
  });
});
