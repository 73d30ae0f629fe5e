// Percentiles over the window by nearest rank, old samples age out, memory stays at capacity.
import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../../src/watch/sliding-window.js';

describe('SlidingWindow', () => {
  it('nearest-rank percentiles of 1..100', () => {
    const w = new SlidingWindow(1000, 1024, () => 0);
    for (let i = 1; i <= 100; i++) w.add(i);
    expect(w.summary()).toEqual({ count: 100, p50: 50, p90: 90, p95: 95, p99: 99, max: 100 });
  });

  it('samples older than the window no longer count; the ring keeps the newest `capacity`', () => {
    let now = 0;
    const w = new SlidingWindow(100, 4, () => now);
    w.add(1000);
    now = 150;
    w.add(1);
    expect(w.summary()).toMatchObject({ count: 1, max: 1 });
    for (let i = 0; i < 10; i++) w.add(i);
    expect(w.recent().sort((a, b) => a - b)).toEqual([6, 7, 8, 9]);
  });

  it('an empty window is all zeros', () => {
    expect(new SlidingWindow(100).summary()).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });
});
