// Many results -> one report: worst status as found, and the gate's exit code after --fail-on
// and --baseline (baselined findings do not count; an unknown result always does).
import { SCHEMA_VERSION } from '../core/versions.js';
import { exitCodeFor, statusOfSeverity, worstStatus, type FailOn } from '../core/status.js';
import type { DiagnosticResult, Report, Status } from '../core/types.js';

export function gateStatusOf(result: DiagnosticResult): Status {
  if (result.status === 'unknown') return 'unknown';
  return worstStatus(result.findings.filter((f) => !f.baselined).map((f) => statusOfSeverity(f.severity)));
}

export function buildReport(results: DiagnosticResult[], failOn: FailOn, baseline?: { file: string; suppressed: number }): Report {
  const status = worstStatus(results.map((r) => r.status));
  const gate = worstStatus(results.map(gateStatusOf));
  return { schemaVersion: SCHEMA_VERSION, status, exitCode: exitCodeFor(gate, failOn), ...(baseline ? { baseline } : {}), results };
}
