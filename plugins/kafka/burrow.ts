// Burrow's partition evaluation (linkedin/Burrow core/internal/evaluator/caching.go) over a window
// of offset samples. One difference, because OffsetFetch carries no commit timestamp: a commit's
// time is the first sample that shows its offset. So "stopped committing" and "committing the same
// offset" look alike; when DescribeGroups shows live members the consumer is alive, and an
// unchanged offset is STALLED rather than STOPPED.

import { roundToHundredths as round } from '../../src/sdk/index.js';

export type BurrowStatus = 'OK' | 'WARN' | 'REWIND' | 'STALLED' | 'STOPPED';

/** Worse is larger; group status = worst partition status (Burrow). */
export const BURROW_RANK: Record<BurrowStatus, number> = { OK: 0, WARN: 1, REWIND: 2, STALLED: 3, STOPPED: 4 };

export interface PartitionWindow {
  /** Sample times, ms since epoch, oldest first. */
  times: readonly number[];
  committed: ReadonlyArray<number | null>;
  highWatermark: ReadonlyArray<number | null>;
}

export interface PartitionVerdict {
  status: BurrowStatus;
  /** Which rule decided it, in words. */
  rule: string;
  lags: number[];
}

/** null when fewer than two samples have both offsets. */
export function evaluatePartition(w: PartitionWindow, membersActive: boolean | null): PartitionVerdict | null {
  const points = w.times
    .map((at, i) => ({ at, offset: w.committed[i] ?? null, hw: w.highWatermark[i] ?? null }))
    .filter((p): p is { at: number; offset: number; hw: number } => p.offset !== null && p.hw !== null);
  if (points.length < 2) return null;
  const lags = points.map((p) => Math.max(0, p.hw - p.offset));
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const verdict = (status: BurrowStatus, rule: string): PartitionVerdict => ({ status, rule, lags });
  if (lags[lags.length - 1] === 0) return verdict('OK', 'current lag is 0');

  let lastCommitAt = first.at;
  for (let i = 1; i < points.length; i++) if (points[i]!.offset !== points[i - 1]!.offset) lastCommitAt = points[i]!.at;
  const now = last.at;
  if (membersActive !== true && now - lastCommitAt > lastCommitAt - first.at) {
    return verdict('STOPPED', `no new commit for ${now - lastCommitAt} ms, longer than the ${lastCommitAt - first.at} ms the window's commits span`);
  }
  if (lags.some((l) => l === 0)) return verdict('OK', 'lag was 0 within the window');
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.offset < points[i - 1]!.offset) return verdict('REWIND', `committed offset went back from ${points[i - 1]!.offset} to ${points[i]!.offset}`);
  }
  if (first.offset === last.offset) return verdict('STALLED', `committed offset stuck at ${last.offset} with lag ${lags[lags.length - 1]}`);
  if (lags.every((l, i) => i === 0 || l >= lags[i - 1]!)) return verdict('WARN', 'lag never decreased within the window');
  return verdict('OK', 'consumer is keeping up');
}

export interface GroupTrend {
  windowSeconds: number;
  lagFirst: number;
  lagLast: number;
  lagGrowthPerSecond: number;
  consumedPerSecond: number;
  producedPerSecond: number;
  /** Seconds until lag reaches 0 at the current rates; null when the group is not catching up. */
  etaSeconds: number | null;
}

/** Totals over the partitions that have both offsets at the first and the last sample. */
export function groupTrend(windows: readonly PartitionWindow[]): GroupTrend | null {
  let lagFirst = 0, lagLast = 0, consumed = 0, produced = 0, span = 0, counted = 0;
  for (const w of windows) {
    const n = w.times.length - 1;
    const [c0, cn, h0, hn] = [w.committed[0], w.committed[n], w.highWatermark[0], w.highWatermark[n]];
    if (n < 1 || c0 == null || cn == null || h0 == null || hn == null) continue;
    lagFirst += Math.max(0, h0 - c0); lagLast += Math.max(0, hn - cn);
    consumed += cn - c0; produced += hn - h0;
    span = Math.max(span, (w.times[n]! - w.times[0]!) / 1000);
    counted++;
  }
  if (counted === 0 || span <= 0) return null;
  const closing = (consumed - produced) / span;
  return {
    windowSeconds: round(span), lagFirst, lagLast,
    lagGrowthPerSecond: round((lagLast - lagFirst) / span),
    consumedPerSecond: round(consumed / span), producedPerSecond: round(produced / span),
    etaSeconds: lagLast === 0 ? 0 : closing > 0 ? round(lagLast / closing) : null,
  };
}
