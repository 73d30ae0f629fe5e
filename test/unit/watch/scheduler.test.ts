// The scheduler on short real intervals: phases spread over the interval, concurrency bounded and
// queued cycles counted, a hung job neither overlaps itself nor holds a slot past its deadline,
// stop() gives up at its grace, a removed job's queued cycle never starts.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type Job } from '../../../src/watch/scheduler.js';

const schedulers: Scheduler[] = [];
afterEach(async () => { for (const s of schedulers.splice(0)) await s.stop(0); });
const make = (concurrency: number, random?: () => number) => {
  const s = new Scheduler({ concurrency, ...(random ? { random } : {}) });
  s.start();
  schedulers.push(s);
  return s;
};
const job = (name: string, periodMs: number, run: () => Promise<void>, deadlineMs = 1000): Job => ({ name, periodMs, deadlineMs, run });

describe('Scheduler', () => {
  it('gives each job a random phase inside its interval (1000 jobs do not share a millisecond)', async () => {
    // Fake timers: the phases are what is tested, not how late a loaded machine runs its timers
    // (on real timers a busy event loop fires many due timers in one millisecond).
    vi.useFakeTimers();
    try {
      const starts = new Map<string, number>();
      let i = 0;
      const s = make(1000, () => (i++ % 1000) / 1000);
      const t0 = Date.now();
      for (let n = 0; n < 1000; n++) s.add(job(`j${n}`, 1000, async () => { if (!starts.has(`j${n}`)) starts.set(`j${n}`, Date.now() - t0); }));
      await vi.advanceTimersByTimeAsync(1100);
      expectSpread(starts);
    } finally {
      vi.useRealTimers();
    }
  });
});

function expectSpread(starts: Map<string, number>): void {
  expect(starts.size).toBe(1000);
  const perMs = new Map<number, number>();
  for (const at of starts.values()) perMs.set(at, (perMs.get(at) ?? 0) + 1);
  // Spread over the whole second: with the phases i/1000 of the interval, no two in one millisecond.
  expect(Math.max(...perMs.values())).toBeLessThanOrEqual(2);
  expect(Math.max(...starts.values()) - Math.min(...starts.values())).toBeGreaterThan(800);
}

describe('Scheduler on real timers', () => {
  it('runs at most `concurrency` cycles at once; the others wait in the run queue and their lag is measured', async () => {
    const s = make(2);
    let running = 0;
    let most = 0;
    for (let n = 0; n < 6; n++) {
      s.add(job(`j${n}`, 10_000, async () => { running++; most = Math.max(most, running); await sleep(60); running--; }), Date.now());
    }
    await sleep(400);
    expect(most).toBe(2);
    const st = s.stats();
    expect(st.cycles).toBe(6);
    expect(st.maxQueue).toBeGreaterThanOrEqual(4);
    expect(st.lagMs.count).toBe(6);
    // The last pair waited for two pairs of 60 ms before it.
    expect(st.lagMs.max).toBeGreaterThanOrEqual(100);
  });

  it('a hung job never overlaps itself (ticks skipped and counted) and gives its slot back at its deadline', async () => {
    const s = make(1);
    let hungStarts = 0;
    let quickRuns = 0;
    s.add(job('hung', 50, () => { hungStarts++; return new Promise<void>(() => undefined); }, 100), Date.now());
    s.add(job('quick', 50, async () => { quickRuns++; }), Date.now() + 10);
    await sleep(600);
    expect(hungStarts).toBe(1);
    const st = s.stats();
    expect(st.skipped).toBeGreaterThanOrEqual(5);
    expect(st.overran).toBe(1);
    // With one slot, the quick job still ran every tick after the hung one's deadline (~100 ms).
    expect(quickRuns).toBeGreaterThanOrEqual(5);
  });

  it('stop() resolves false at its grace with a hung cycle in flight, true when cycles settle', async () => {
    const s = make(2);
    s.add(job('hung', 1000, () => new Promise<void>(() => undefined)), Date.now());
    await sleep(20);
    const t0 = Date.now();
    expect(await s.stop(200)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(600);
    const t = make(2);
    t.add(job('short', 1000, () => sleep(50)), Date.now());
    await sleep(10);
    expect(await t.stop(2000)).toBe(true);
  });

  it('a removed job stops; its cycle waiting in the queue never starts', async () => {
    const s = make(1);
    let second = 0;
    s.add(job('first', 10_000, () => sleep(100)), Date.now());
    s.add(job('second', 10_000, async () => { second++; }), Date.now());
    await sleep(20);
    expect(s.stats().queue).toBe(1);
    await s.remove('second');
    await sleep(150);
    expect(second).toBe(0);
    expect(s.names()).toEqual(['first']);
  });
});
