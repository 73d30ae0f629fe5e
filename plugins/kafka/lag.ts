// Lag as far as it is known. A partition the group never committed has no lag value: the consumer
// would start per auto.offset.reset (earliest: every message from the log start; latest: none),
// so ksa reports it as unknown (counted apart, with the messages from the log start labelled as
// such), never as 0. Shared by the checks and the metrics so both say the same.
import type { GroupPartition, GroupState } from './snapshot.js';

/** Never committed and holding messages (an empty partition has nothing to consume either way). */
export function uncommittedWithMessages(g: Pick<GroupState, 'partitions'>): GroupPartition[] {
  return g.partitions.filter((p) => p.committed === null && p.highWatermark !== null && p.highWatermark > (p.logStart ?? 0));
}

/** Messages from the log start to the high watermark: the lag IF the group started from earliest. */
export function messagesFromLogStart(p: GroupPartition): number {
  return Math.max(0, (p.highWatermark ?? 0) - (p.logStart ?? 0));
}

/** Summed lag of the partitions whose lag is known (committed, offsets read). */
export function committedLag(partitions: readonly GroupPartition[]): number {
  return partitions.reduce((s, p) => s + (p.lag ?? 0), 0);
}
