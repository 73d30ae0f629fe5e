// /probe?target=<name> (docs/SERVE.md "Probe"), as blackbox_exporter's multi-target pattern but
// without a second schedule: a probe of a configured target is a cycle of the watch loop's own
// scheduler (the target's kept session, its slot, the same state machine), so a cycle already
// queued or running (scheduled, or another scrape's) is shared, never doubled; a result younger
// than the cache window answers without a cycle. The scrape's deadline
// (X-Prometheus-Scrape-Timeout-Seconds, less a margin) bounds the wait: a cycle still running then
// answers ksa_probe_success 0 and its result is there for the next scrape.
import type { MetricFamily } from './exposition.js';
import type { Watcher } from '../watch/watcher.js';
import type { DiagnosticResult } from '../core/types.js';

/** Answer this long before Prometheus gives up on the scrape (blackbox_exporter's default offset). */
export const SCRAPE_TIMEOUT_MARGIN_MS = 500;
/** Without the header (a curl): Prometheus' default scrape timeout. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export interface ProbeOutcome {
  /** From the cache window (no cycle ran for this scrape). */
  cached: boolean;
  timedOut: boolean;
  durationMs: number;
  result: DiagnosticResult | undefined;
}

/** The wait a scrape allows: its header less the margin, at least 100 ms; the default without one. */
export function probeBudgetMs(header: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_PROBE_TIMEOUT_MS;
  return Math.max(100, Math.round(seconds * 1000) - SCRAPE_TIMEOUT_MARGIN_MS);
}

export async function probeTarget(watcher: Watcher, name: string, budgetMs: number, cacheMs: number): Promise<ProbeOutcome | undefined> {
  const t0 = Date.now();
  const last = watcher.lastOf(name);
  if (last && t0 - last.at <= cacheMs) return { cached: true, timedOut: false, durationMs: 0, result: last.result };
  const cycle = watcher.runNow(name);
  if (!cycle) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), budgetMs); });
  const outcome = await Promise.race([cycle, timeout]);
  clearTimeout(timer);
  const durationMs = Date.now() - t0;
  if (outcome === 'timeout') return { cached: false, timedOut: true, durationMs, result: undefined };
  return { cached: false, timedOut: false, durationMs, result: outcome?.result };
}

/** The probe's own families, as blackbox_exporter names them (probe_success, probe_duration_seconds) with ksa_ in front. */
export function probeFamilies(outcome: ProbeOutcome): MetricFamily[] {
  const success = !outcome.timedOut && outcome.result !== undefined && outcome.result.status !== 'unknown';
  return [
    { name: 'ksa_probe_success', type: 'gauge', help: 'Whether the probe diagnosed the target (1) or not (0: timed out, or it could not be diagnosed).', samples: [{ labels: {}, value: success ? 1 : 0 }] },
    { name: 'ksa_probe_duration_seconds', type: 'gauge', help: 'How long this probe waited for its result (0 from the cache).', unit: 'seconds', samples: [{ labels: {}, value: outcome.durationMs / 1000 }] },
    { name: 'ksa_probe_cached', type: 'gauge', help: 'Whether the result came from the cache window (1) without a new cycle.', samples: [{ labels: {}, value: outcome.cached ? 1 : 0 }] },
  ];
}
