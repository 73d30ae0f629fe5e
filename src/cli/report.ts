// Many results -> one report: worst status and the exit code of the CI contract.
import { SCHEMA_VERSION } from '../core/versions.js';
import { exitCodeFor, worstStatus, type FailOn } from '../core/status.js';
import type { DiagnosticResult, Report } from '../core/types.js';

export function buildReport(results: DiagnosticResult[], failOn: FailOn): Report {
  const status = worstStatus(results.map((r) => r.status));
  return { schemaVersion: SCHEMA_VERSION, status, exitCode: exitCodeFor(status, failOn), results };
}
