// Status arithmetic shared by the sdk (per result) and the CLI (per report).
import type { Severity, Status } from './types.js';

const STATUS_RANK: Record<Status, number> = { healthy: 0, warning: 1, critical: 2, unknown: 3 };
const SEVERITY_STATUS: Record<Severity, Status> = { info: 'healthy', warning: 'warning', critical: 'critical' };
/** Nagios plugin API exit codes. */
export const EXIT_CODE: Record<Status, 0 | 1 | 2 | 3> = { healthy: 0, warning: 1, critical: 2, unknown: 3 };

export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'healthy';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

export function statusOfSeverity(severity: Severity): Status {
  return SEVERITY_STATUS[severity];
}

export type FailOn = 'warning' | 'critical';

/** Exit code of a report; --fail-on critical lowers warnings to 0, a tool failure (unknown) never is 0. */
export function exitCodeFor(status: Status, failOn: FailOn = 'warning'): 0 | 1 | 2 | 3 {
  if (status === 'warning' && failOn === 'critical') return 0;
  return EXIT_CODE[status];
}
