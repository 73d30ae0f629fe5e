// Burrow's partition rules over sampled windows, and the lag trend.
import { describe, expect, it } from 'vitest';
import { evaluatePartition, groupTrend } from '../../../plugins/kafka/burrow.js';

const times = [0, 1000, 2000, 3000, 4000];

describe('evaluatePartition (Burrow rules)', () => {
  const cases: Array<[string, Array<number | null>, Array<number | null>, boolean | null, string | null]> = [
    ['current lag 0 -> OK', [10, 20, 30, 40, 50], [10, 20, 30, 40, 50], null, 'OK'],
    ['lag hit 0 in the window -> OK', [10, 20, 30, 40, 50], [10, 25, 35, 45, 55], null, 'OK'],
    ['offset unchanged, lag > 0, no members known -> STOPPED', [5, 5, 5, 5, 5], [10, 12, 14, 16, 18], null, 'STOPPED'],
    ['offset unchanged, lag > 0, live members -> STALLED', [5, 5, 5, 5, 5], [10, 12, 14, 16, 18], true, 'STALLED'],
    ['moved then stopped for longer than it moved -> STOPPED', [5, 6, 6, 6, 6], [10, 12, 14, 16, 18], null, 'STOPPED'],
    ['offset went back -> REWIND', [5, 8, 3, 9, 12], [20, 21, 22, 23, 24], null, 'REWIND'],
    ['lag never decreases while committing -> WARN', [0, 1, 2, 3, 4], [10, 12, 14, 16, 18], null, 'WARN'],
    ['lag equal throughout while committing -> WARN', [0, 2, 4, 6, 8], [10, 12, 14, 16, 18], null, 'WARN'],
    ['lag decreases -> OK', [0, 4, 8, 12, 16], [10, 12, 14, 16, 18], null, 'OK'],
    ['one usable sample -> not evaluated', [5, null, null, null, null], [10, 11, 12, 13, 14], null, null],
  ];
  it.each(cases)('%s', (_name, committed, highWatermark, active, status) => {
    expect(evaluatePartition({ times, committed, highWatermark }, active)?.status ?? null).toBe(status);
  });
});

describe('groupTrend', () => {
  it('computes lag growth, rates and the ETA', () => {
    const t = groupTrend([
      { times, committed: [0, 10, 20, 30, 40], highWatermark: [100, 105, 110, 115, 120] },
      { times, committed: [0, 0, 0, 0, 0], highWatermark: [0, 0, 0, 0, 0] },
    ]);
    expect(t).toEqual({ windowSeconds: 4, lagFirst: 100, lagLast: 80, lagGrowthPerSecond: -5, consumedPerSecond: 10, producedPerSecond: 5, etaSeconds: 16 });
  });
  it('has no ETA when the group falls behind', () => {
    expect(groupTrend([{ times, committed: [5, 5, 5, 5, 5], highWatermark: [10, 20, 30, 40, 50] }])?.etaSeconds).toBeNull();
  });
});
