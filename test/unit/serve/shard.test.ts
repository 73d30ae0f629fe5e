// --shard i/n: every target has exactly one owner, 3 shards over 3000 targets hold ~1/3 each, and
// adding a shard moves only the targets the new shard wins (<= 40%, ~1/4 expected), none between
// old shards.
import { describe, expect, it } from 'vitest';
import { parseShard, shardOf } from '../../../src/serve/shard.js';

const names = Array.from({ length: 3000 }, (_, i) => `redis-${i}.prod.example:6379`);

describe('rendezvous sharding', () => {
  it('3 shards over 3000 targets: each holds a third (within 10%), every target exactly one', () => {
    const counts = [0, 0, 0];
    for (const n of names) counts[shardOf(n, 3)]!++;
    expect(counts.reduce((a, b) => a + b)).toBe(3000);
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(100);
  });

  it('3 -> 4 shards moves <= 40% of the targets, all of them to the new shard', () => {
    let moved = 0;
    for (const n of names) {
      const before = shardOf(n, 3);
      const after = shardOf(n, 4);
      if (before !== after) {
        moved++;
        expect(after).toBe(3);
      }
    }
    expect(moved / names.length).toBeLessThanOrEqual(0.4);
    expect(moved / names.length).toBeGreaterThan(0.15); // ~1/4: the new shard does get its share
  });

  it('is stable: the same name, the same owner, in every process', () => {
    expect(names.slice(0, 50).map((n) => shardOf(n, 5))).toEqual(names.slice(0, 50).map((n) => shardOf(n, 5)));
    expect(shardOf('anything', 1)).toBe(0);
  });

  it.each(['0/3', '2/3', '0/1'])('parses %s', (s) => {
    expect(parseShard(s)).toEqual({ index: Number(s.split('/')[0]), count: Number(s.split('/')[1]) });
  });

  it.each(['3/3', '1/0', '-1/3', 'a/b', '1', ''])('refuses %j with a fix', (s) => {
    expect(() => parseShard(s)).toThrow(/is not i\/n/);
  });
});
