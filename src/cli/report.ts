// Many results -> one report with ONE effective status per target and per run. --fail-on and
// --baseline are applied here, once: a finding that does not count is marked (baselined or
// belowFailOn) and every status (result, category, report) is recomputed from what counts. Every
// renderer and the exit code read these statuses and nothing else, so they cannot disagree.
// The raw statuses (as found) stay in `rawStatus` and every finding keeps its severity.
import { SCHEMA_VERSION } from '../core/versions.js';
import { exitCodeFor, severityFailsGate, statusOfSeverity, worstStatus, type FailOn } from '../core/status.js';
import type { DiagnosticResult, Finding, Report, Status } from '../core/types.js';

/** Does this finding fail the gate? (Applied markers: set by applyGate.) */
export function countsTowardGate(f: Pick<Finding, 'severity' | 'baselined' | 'belowFailOn'>): boolean {
  return f.severity !== 'info' && f.baselined !== true && f.belowFailOn !== true;
}

function gatedStatus(raw: Status, findings: readonly Finding[]): Status {
  if (raw === 'unknown') return 'unknown';
  return worstStatus(findings.filter(countsTowardGate).map((f) => statusOfSeverity(f.severity)));
}

/** Marks findings below --fail-on and recomputes the result's and its categories' statuses. */
export function applyGate(result: DiagnosticResult, failOn: FailOn): DiagnosticResult {
  for (const f of result.findings) {
    if (f.severity !== 'info' && !severityFailsGate(f.severity, failOn)) f.belowFailOn = true;
    else delete f.belowFailOn;
  }
  const raw = result.rawStatus ?? result.status;
  const categories = result.categories.map((c) => {
    const rawCategory = c.rawStatus ?? c.status;
    const status = gatedStatus(rawCategory, result.findings.filter((f) => f.category === c.name));
    return status === rawCategory ? { ...c, status } : { ...c, status, rawStatus: rawCategory };
  });
  const status = gatedStatus(raw, result.findings);
  return { ...result, status, ...(status !== raw ? { rawStatus: raw } : { rawStatus: undefined }), categories };
}

export interface BaselineSummary { file: string; suppressed: number }

export function buildReport(results: DiagnosticResult[], failOn: FailOn, baseline?: BaselineSummary): Report {
  const gated = results.map((r) => stripUndefined(applyGate(r, failOn)));
  const status = worstStatus(gated.map((r) => r.status));
  const rawStatus = worstStatus(gated.map((r) => r.rawStatus ?? r.status));
  const fresh = baseline ? gated.reduce((n, r) => n + r.findings.filter(countsTowardGate).length, 0) : 0;
  return {
    schemaVersion: SCHEMA_VERSION,
    status,
    exitCode: exitCodeFor(status),
    failOn,
    ...(rawStatus !== status ? { rawStatus } : {}),
    ...(baseline ? { baseline: { ...baseline, new: fresh } } : {}),
    results: gated,
  };
}

function stripUndefined(r: DiagnosticResult): DiagnosticResult {
  if (r.rawStatus === undefined) delete r.rawStatus;
  return r;
}
