// The event bus's documented guarantees: order, isolation from slow/throwing/hung subscribers,
// bounded queues with the two overflow policies, kind filters, unsubscribe, durable replay + acks.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';

import { EventBus, type AckSink } from '../../../src/watch/event-bus.js';
import type { WatchEvent } from '../../../src/watch/events.js';
import { waitFor } from '../../support/wait-for.js';

const ev = (seq: number, kind: 'watcher' | 'config-reload' = 'watcher'): WatchEvent => (kind === 'watcher'
  ? { schemaVersion: 1, seq, id: `ev-0000abcd-1-${seq}`, at: new Date(seq).toISOString(), kind, action: 'started', pid: 1 }
  : { schemaVersion: 1, seq, id: `ev-0000abcd-1-${seq}`, at: new Date(seq).toISOString(), kind, outcome: 'accepted', added: [], removed: [], changed: [] });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const quietLog = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** An in-memory AckSink standing in for the store: a log of events, cursors per subscriber. */
function memoryAcks(events: WatchEvent[] = []): AckSink & { cursors: Map<string, number>; log: WatchEvent[] } {
  const cursors = new Map<string, number>();
  return {
    cursors,
    log: events,
    pending: (sub) => {
      if (!cursors.has(sub)) { cursors.set(sub, 0); }
      return events.filter((e) => e.seq > cursors.get(sub)!);
    },
    ack: async (sub, seq) => { cursors.set(sub, Math.max(seq, cursors.get(sub) ?? 0)); },
  };
}

describe('EventBus', () => {
  it('publish returns before any handler runs; each subscriber gets events in order, one at a time', async () => {
    const bus = new EventBus();
    const got: number[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    bus.subscribe({ name: 'a', handler: async (e) => { concurrent++; maxConcurrent = Math.max(maxConcurrent, concurrent); await sleep(1); got.push(e.seq); concurrent--; } });
    bus.publish(range(1, 20));
    expect(got).toEqual([]);
    await bus.drain(5000);
    expect(got).toEqual(range(1, 20).map((e) => e.seq));
    expect(maxConcurrent).toBe(1);
  });

  it('a throwing, a rejecting and a hung subscriber do not hold up the others; each is counted', async () => {
    const bus = new EventBus({ logger: quietLog });
    const fast: number[] = [];
    bus.subscribe({ name: 'throws', handler: () => { throw new Error('boom'); } });
    bus.subscribe({ name: 'rejects', handler: async () => { throw new Error('boom'); } });
    const hung = bus.subscribe({ name: 'hung', handlerTimeoutMs: 50, handler: () => new Promise(() => {}) });
    bus.subscribe({ name: 'fast', handler: (e) => { fast.push(e.seq); } });
    bus.publish(range(1, 3));
    await waitFor('the fast subscriber', () => fast.length === 3, 2000);
    const stats = Object.fromEntries(bus.stats().map((s) => [s.name, s]));
    expect(stats.throws).toMatchObject({ failed: 3, delivered: 0 });
    expect(stats.rejects).toMatchObject({ failed: 3 });
    await waitFor('the hung subscriber to be abandoned three times', () => hung.stats().timedOut === 3, 2000);
  });

  it('a live subscriber past its queue limit loses the OLDEST queued events, counted', async () => {
    const bus = new EventBus({ logger: quietLog });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const got: number[] = [];
    const sub = bus.subscribe({ name: 'slow', queueLimit: 5, handler: async (e) => { await gate; got.push(e.seq); } });
    bus.publish(range(1, 1));
    await sleep(5); // seq 1 is in the handler now
    bus.publish(range(2, 12));
    expect(sub.stats()).toMatchObject({ queued: 5, overflowed: 6 });
    release();
    await bus.drain(2000);
    expect(got).toEqual([1, 8, 9, 10, 11, 12]);
  });

  it('a durable subscriber past its queue limit loses nothing: it re-reads the rest from the store, in order', async () => {
    const acks = memoryAcks();
    const bus = new EventBus({ acks, logger: quietLog });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const got: number[] = [];
    bus.subscribe({ name: 'd', durable: true, queueLimit: 3, handler: async (e) => { await gate; got.push(e.seq); } });
    const events = range(1, 40);
    acks.log.push(...events); // the store persisted them first
    bus.publish(events);
    release();
    await bus.drain(5000);
    expect(got).toEqual(events.map((e) => e.seq));
    expect(acks.cursors.get('d')).toBe(40);
  });

  it('kinds and filter select events; a throwing filter counts as no', async () => {
    const bus = new EventBus();
    const kinds: number[] = [];
    const filtered: number[] = [];
    bus.subscribe({ name: 'k', kinds: ['config-reload'], handler: (e) => { kinds.push(e.seq); } });
    bus.subscribe({ name: 'f', filter: (e) => { if (e.seq === 3) throw new Error('x'); return e.seq % 2 === 1; }, handler: (e) => { filtered.push(e.seq); } });
    bus.publish([ev(1), ev(2, 'config-reload'), ev(3), ev(4, 'config-reload'), ev(5)]);
    await bus.drain(2000);
    expect(kinds).toEqual([2, 4]);
    expect(filtered).toEqual([1, 5]);
  });

  it('unsubscribe stops delivery at once', async () => {
    const bus = new EventBus();
    const got: number[] = [];
    const sub = bus.subscribe({ name: 'u', handler: (e) => { got.push(e.seq); if (e.seq === 2) sub.unsubscribe(); } });
    bus.publish(range(1, 5));
    await bus.drain(2000);
    expect(got).toEqual([1, 2]);
    expect(bus.stats()).toEqual([]);
  });

  it('durable: first the unacknowledged backlog (marked replayed), then live events, each acknowledged after its handler', async () => {
    const acks = memoryAcks(range(1, 3));
    acks.cursors.set('d', 1);
    const bus = new EventBus({ acks });
    const got: string[] = [];
    bus.subscribe({ name: 'd', durable: true, handler: (e, info) => { got.push(`${e.seq}${info.replayed ? 'r' : ''}`); } });
    acks.log.push(ev(4));
    bus.publish([ev(3), ev(4)]); // 3 was already replayed: not twice
    await bus.drain(2000);
    expect(got).toEqual(['2r', '3r', '4']);
    expect(acks.cursors.get('d')).toBe(4);
  });

  it('one name, one subscriber; durable needs an AckSink', () => {
    const bus = new EventBus();
    bus.subscribe({ name: 'x', handler: () => {} });
    expect(() => bus.subscribe({ name: 'x', handler: () => {} })).toThrow(/already subscribed/);
    expect(() => bus.subscribe({ name: 'y', durable: true, handler: () => {} })).toThrow(/acks/);
  });
});
