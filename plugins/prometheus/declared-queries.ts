// A check declared per target in ksa.yaml (`options.checks`, typed by the manifest's records
// fields): a PromQL expression with its own limits, unit and source; `range` makes it a range
// query whose samples are reduced per series (max by default).
import type { Reduce } from './snapshot.js';

export interface DeclaredQuery {
  id: string;
  query: string;
  warning?: number;
  critical?: number;
  direction?: 'above' | 'below';
  unit?: string;
  source?: string;
  title?: string;
  /** Milliseconds (a duration option): range query over the last `range`. */
  range?: number;
  step?: number;
  reduce?: Reduce;
}

export function declaredQueries(raw: unknown): DeclaredQuery[] {
  return Array.isArray(raw) ? (raw as DeclaredQuery[]) : [];
}
