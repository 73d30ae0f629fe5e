// `--shard i/n`: which of n processes diagnoses a target. Rendezvous (highest random weight)
// hashing of the target's name: every process computes the same owner without talking to the
// others, each holds ~1/n of the targets, and going from n to n+1 shards moves only the targets the
// new shard wins (~1/(n+1)); the others stay where they are.
import { createHash } from 'node:crypto';
import { ksaError } from '../core/errors.js';

export interface Shard {
  index: number;
  count: number;
}

/** `i/n` with 0 <= i < n (a StatefulSet ordinal is the i). */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--shard ${JSON.stringify(text.slice(0, 20))} is not i/n with 0 <= i < n`, { fix: 'pass --shard 0/3 for the first of three processes (a StatefulSet ordinal is i)' });
  }
  return { index, count };
}

function weight(name: string, shard: number): bigint {
  return createHash('sha256').update(`${shard}\u0000${name}`).digest().readBigUInt64BE(0);
}

/** The shard (0..count-1) that owns a target name. */
export function shardOf(name: string, count: number): number {
  let best = 0;
  let bestWeight = -1n;
  for (let s = 0; s < count; s++) {
    const w = weight(name, s);
    if (w > bestWeight) {
      best = s;
      bestWeight = w;
    }
  }
  return best;
}
