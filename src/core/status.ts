// Status arithmetic shared by the sdk (per result) and the CLI (per report): the CI contract.
import type { Severity, Status } from './types.js';

/**
 * Aggregation order CRITICAL > UNKNOWN > WARNING > OK: a real critical outranks a target that
 * could not be diagnosed (the run names both), and a tool failure outranks a warning.
 */
const STATUS_RANK: Record<Status, number> = { healthy: 0, warning: 1, unknown: 2, critical: 3 };
const SEVERITY_STATUS: Record<Severity, Status> = { info: 'healthy', warning: 'warning', critical: 'critical' };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
/** Nagios plugin API exit codes. */
export const EXIT_CODE: Record<Status, 0 | 1 | 2 | 3> = { healthy: 0, warning: 1, critical: 2, unknown: 3 };
/** Nagios status words, derived from the same status as the exit code. */
export const NAGIOS_WORD: Record<Status, 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN'> = { healthy: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };

export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'healthy';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

export function statusOfSeverity(severity: Severity): Status {
  return SEVERITY_STATUS[severity];
}

export type FailOn = 'warning' | 'critical';

/** Does a finding of this severity fail a gate set at --fail-on? (info never does.) */
export function severityFailsGate(severity: Severity, failOn: FailOn): boolean {
  return severity !== 'info' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

/** Exit code of an effective status (after --fail-on and --baseline were applied to it). */
export function exitCodeFor(status: Status): 0 | 1 | 2 | 3 {
  return EXIT_CODE[status];
}
