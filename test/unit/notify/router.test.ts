// The notify router on a fake clock over an in-memory room: routing by kind, severity, target glob
// and labels; one notification per target per group window (not one per event); repeats of
// still-firing alerts after the repeat interval and none after they resolve; sendResolved: false;
// a redelivered event (seq at or below the cursor) is not grouped twice; and the group state and
// the queued notifications survive a new router over the same sections (a restart).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryQueue, QUEUE_SECTION_PREFIX, readQueue } from '../../../src/notify/delivery-queue.js';
import { NotifyRouter } from '../../../src/notify/router.js';
import type { Route } from '../../../src/notify/notify-config.js';
import type { RoomState } from '../../../src/watch/watch-sink.js';
import type { WatchEvent, WatchEventDraft } from '../../../src/watch/events.js';
import { noticeKinds } from '../../../src/notify/notice.js';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const T0 = Date.parse('2026-12-04T10:00:00.000Z');

function room(): RoomState & { sections: Map<string, unknown>; events: WatchEventDraft[] } {
  const sections = new Map<string, unknown>();
  const events: WatchEventDraft[] = [];
  return {
    sections, events,
    section: (n) => structuredClone(sections.get(n)),
    sectionNames: (p) => [...sections.keys()].filter((k) => k.startsWith(p)),
    async commit(c) {
      for (const [k, v] of Object.entries(c.sections ?? {})) (v === null ? sections.delete(k) : sections.set(k, structuredClone(v)));
      events.push(...(c.events ?? []));
    },
  };
}

let seq = 0;
function finding(target: string, to: 'firing' | 'resolved', severity: 'warning' | 'critical' = 'critical', id = 'x.mem.usage'): WatchEvent {
  seq++;
  return {
    schemaVersion: 1, seq, id: `ev-00000000-1-${seq}`, kind: 'finding', at: new Date(Date.now()).toISOString(), target, plugin: 'p', from: to === 'firing' ? 'pending' : 'firing', to,
    episode: `${target}/${id}/${T0}`, since: new Date(Date.now()).toISOString(), reason: 'r',
    finding: { id, category: 'mem', title: `${id} title`, severity, evidence: {}, suggestion: 'fix it' },
  } as WatchEvent;
}

const route = (o: Partial<Route> = {}): Route => ({ name: 'r', receivers: ['hook'], match: {}, groupWindowMs: 30_000, repeatIntervalMs: 4 * 3_600_000, sendResolved: true, ...o });

function setup(routes: Route[], r = room(), labels: Record<string, Record<string, string>> = {}) {
  const queued: string[][] = [];
  const queue = new DeliveryQueue(readQueue((n) => r.section(n), r.sectionNames(QUEUE_SECTION_PREFIX)), '/nonexistent', logger);
  const router = new NotifyRouter({
    rooms: r, queue, logger, routes: () => routes, receiver: () => ({ plugin: 'hook-notifier' }), labelsOf: (t) => labels[t] ?? {}, typeOf: () => 'fixture',
    queueLimit: () => 1000, link: () => undefined, queued: (rs) => queued.push([...rs]), instanceId: () => 'abcdef01',
  });
  const feed = async (e: WatchEvent) => { if (router.wants(e)) await router.handle(e); };
  return { r, queue, router, feed, queued };
}

beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(T0); seq = 0; });
afterEach(() => vi.useRealTimers());

describe('notify router', () => {
  it('groups one target\'s events of a window into one notification per receiver', async () => {
    const { feed, router, queue } = setup([route({ receivers: ['a', 'b'] })]);
    await feed(finding('t1', 'firing', 'critical', 'x.mem.usage'));
    vi.setSystemTime(T0 + 10_000);
    await feed(finding('t1', 'firing', 'warning', 'x.cpu.load'));
    vi.setSystemTime(T0 + 29_999);
    await router.flushDue();
    expect(queue.all()).toHaveLength(0); // the window (30 s from the first event) is not over
    vi.setSystemTime(T0 + 30_000);
    await router.flushDue();
    const all = queue.all();
    expect(all.map((e) => e.receiver)).toEqual(['a', 'b']);
    expect(all[0]!.notification.alerts.map((a) => a.id)).toEqual(['x.mem.usage', 'x.cpu.load']);
    expect(all[0]!.notification.events).toHaveLength(2);
    expect(all[0]!.key).not.toBe(all[1]!.key);
  });

  it('routes by kind, severity, target glob and labels', async () => {
    const routes = [
      route({ name: 'crit', match: { severity: ['critical'] } }),
      route({ name: 'db', match: { labels: { team: 'db' } } }),
      route({ name: 'caches', match: { targets: ['cache-*'] } }),
      route({ name: 'resolved-only', match: { kinds: ['resolved'] } }),
    ];
    const { feed, router, queue } = setup(routes, room(), { 'db-1': { team: 'db' } });
    await feed(finding('cache-1', 'firing', 'warning'));
    await feed(finding('db-1', 'firing', 'critical'));
    vi.setSystemTime(T0 + 30_000);
    await router.flushDue();
    const got = queue.all().map((e) => `${e.route}:${e.target}`).sort();
    expect(got).toEqual(['caches:cache-1', 'crit:db-1', 'db:db-1']);
  });

  it('repeats still-firing alerts after the repeat interval, not after they resolve; resolved notice sent', async () => {
    const { feed, router, queue } = setup([route({ repeatIntervalMs: 3_600_000 })]);
    await feed(finding('t1', 'firing'));
    vi.setSystemTime(T0 + 30_000);
    await router.flushDue();
    vi.setSystemTime(T0 + 30_000 + 3_599_999);
    await router.flushDue();
    expect(queue.all()).toHaveLength(1);
    vi.setSystemTime(T0 + 30_000 + 3_600_000);
    await router.flushDue();
    expect(queue.all().map((e) => e.notification.repeat)).toEqual([false, true]);
    await feed(finding('t1', 'resolved'));
    vi.setSystemTime(T0 + 30_000 + 3_600_000 + 30_000);
    await router.flushDue();
    const last = queue.all().at(-1)!.notification;
    expect([last.status, last.kinds]).toEqual(['resolved', ['resolved']]);
    vi.setSystemTime(T0 + 10 * 3_600_000);
    await router.flushDue();
    expect(queue.all()).toHaveLength(3);
  });

  it('sendResolved: false leaves resolved alerts out (no notification with nothing else)', async () => {
    const { feed, router, queue } = setup([route({ sendResolved: false })]);
    await feed(finding('t1', 'firing'));
    vi.setSystemTime(T0 + 30_000);
    await router.flushDue();
    await feed(finding('t1', 'resolved'));
    vi.setSystemTime(T0 + 60_000);
    await router.flushDue();
    expect(queue.all().map((e) => e.notification.status)).toEqual(['firing']);
  });

  it('a redelivered event is not grouped twice; groups and queue survive a restart (a new router over the same sections)', async () => {
    const first = setup([route()]);
    const e = finding('t1', 'firing');
    await first.feed(e);
    first.router.stop();
    const again = setup([route()], first.r);
    await again.feed(e); // the bus replays what was not acknowledged before a kill
    vi.setSystemTime(T0 + 30_000);
    await again.router.flushDue();
    expect(again.queue.all()).toHaveLength(1);
    expect(again.queue.all()[0]!.notification.events.map((x) => x.id)).toEqual([e.id]);
    const third = setup([route()], again.r);
    expect(third.queue.all().map((x) => x.key)).toEqual(again.queue.all().map((x) => x.key));
  });

  it('notice kinds: pending and notification events notify nobody; other kinds route by name', () => {
    expect(noticeKinds({ ...finding('t', 'firing'), to: 'pending', from: 'ok' } as WatchEvent)).toEqual([]);
    expect(noticeKinds({ kind: 'notification' } as WatchEvent)).toEqual([]);
    expect(noticeKinds({ kind: 'host', action: 'failed' } as unknown as WatchEvent)).toEqual(['host', 'host-failed']);
    expect(noticeKinds({ kind: 'recovery-escalated', action: 'redis/x' } as unknown as WatchEvent)).toEqual(['recovery-escalated']);
  });
});
