// The prometheus plugin's snapshot: per rule (a shipped pack rule or a check declared in ksa.yaml)
// the query sent and the series it returned, each reduced to one number. Plain JSON.
import type { DeclaredQuery } from './declared-queries.js';

export interface SeriesValue {
  labels: Record<string, string>;
  /** null: the query gave NaN (e.g. 0/0) or a range with no sample. */
  value: number | null;
}

export interface RuleResult {
  /** A pack rule's check id, or `prometheus.query.<id>` for a declared check. */
  id: string;
  category: string;
  query: string;
  /** A range query: its window, step and how each series' samples became one value. */
  range: { seconds: number; stepSeconds: number; reduce: Reduce } | null;
  series: SeriesValue[];
  /** Series returned before the cut to MAX_SERIES. */
  seriesTotal: number;
  error: { code: string; message: string } | null;
  /** For a declared check: its limits and texts (the checks read them from here). */
  declared: DeclaredQuery | null;
}

export const REDUCERS = ['max', 'min', 'avg', 'last'] as const;
export type Reduce = (typeof REDUCERS)[number];

// A type, not an interface: the contract kit takes snapshot data as Record<string, unknown>.
export type PrometheusSnapshot = {
  server: { url: string; version: string | null };
  packs: string[];
  evaluatedAtMs: number;
  results: RuleResult[];
};
