// What the gate made of each finding and target, in words for the table. Every word derives from
// the effective statuses and markers set once by buildReport (src/cli/report.ts); the raw status
// is only ever shown as "found X", next to the effective one.
import { countsTowardGate } from '../../cli/report.js';
import type { DiagnosticResult, Finding, Report, Status } from '../../core/types.js';

export type Mark = 'baselined' | 'below --fail-on' | 'new';

/**
 * baselined: in the baseline; below --fail-on: a warning under --fail-on critical; new: fails the
 * gate while a baseline is in use (it is not in the baseline). Info findings have no mark.
 */
export function findingMark(f: Finding, report: Pick<Report, 'baseline'>): Mark | undefined {
  if (f.baselined) return 'baselined';
  if (f.belowFailOn) return 'below --fail-on';
  if (report.baseline && countsTowardGate(f)) return 'new';
  return undefined;
}

/**
 * The table's word for a status: the JSON status in capitals (HEALTHY is the gate's OK). The raw
 * status is written in lower case, so no capital WARNING appears where the gate says HEALTHY.
 */
export const STATUS_WORD: Record<Status, string> = { healthy: 'HEALTHY', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };

/** `HEALTHY`, or `HEALTHY (found warning: 1 below --fail-on critical, 2 baselined)` when the gate changed it. */
export function verdict(r: Pick<DiagnosticResult, 'status' | 'rawStatus' | 'findings'>, failOn: Report['failOn']): { word: string; why?: string } {
  const word = STATUS_WORD[r.status];
  if (!r.rawStatus || r.rawStatus === r.status) return { word };
  return { word, why: `(found ${r.rawStatus}: ${ungated(r.findings, failOn)})` };
}

export function ungated(findings: readonly Finding[], failOn: Report['failOn']): string {
  const below = findings.filter((f) => f.belowFailOn).length;
  const baselined = findings.filter((f) => f.baselined).length;
  return [below > 0 ? `${below} below --fail-on ${failOn ?? 'critical'}` : '', baselined > 0 ? `${baselined} baselined` : ''].filter(Boolean).join(', ') || 'not gating';
}
