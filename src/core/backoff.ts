// Exponential backoff with jitter: how long to wait before attempt n+1 after n consecutive
// failures. Half of the step is fixed and half random ("equal jitter"), so many targets that failed
// together (a server restart, a network blip) do not all come back in the same millisecond, and
// no wait is ever shorter than half its step.
export interface BackoffPolicy {
  /** The first wait (after one failure). */
  baseMs: number;
  /** No wait is longer. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 30_000 };

export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
