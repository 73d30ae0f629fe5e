// The end of `diagnose` and `analyze`, shared so both gate alike: read --baseline up front (a bad
// file fails before any target is contacted), then write --write-baseline, mark baselined
// findings and build the one-status report.
import { buildReport } from './report.js';
import type { Runtime } from './runtime.js';
import type { FailOn } from '../core/status.js';
import type { DiagnosticResult, Report } from '../core/types.js';

export interface BaselineFlags {
  baseline?: string;
  writeBaseline?: string;
}

export type ReportFinisher = (results: DiagnosticResult[]) => Report;

/** Baselines (zod) are imported only when a baseline flag is given. */
export async function prepareGate(rt: Runtime, failOn: FailOn, flags: BaselineFlags): Promise<ReportFinisher> {
  if (!flags.baseline && !flags.writeBaseline) return (results) => buildReport(results, failOn);
  const baselines = await import('../fleet/baseline.js');
  const known = flags.baseline ? baselines.readBaseline(flags.baseline) : undefined;
  return (results) => {
    if (flags.writeBaseline) rt.logger.info(`baseline: ${baselines.writeBaseline(flags.writeBaseline, results)} findings written to ${flags.writeBaseline}`);
    if (!known || !flags.baseline) return buildReport(results, failOn);
    const suppressed = baselines.applyBaseline(results, known);
    return buildReport(results, failOn, { file: flags.baseline, suppressed });
  };
}
