// Pure: snapshot -> result, from a plugin's checks. Shared by live diagnosis (the instance) and
// `ksa analyze` (a saved snapshot, no network).
import { ksaError } from '../core/errors.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import { statusOfSeverity, worstStatus } from '../core/status.js';
import { roundToHundredths } from '../core/round.js';
import { createCheckContext } from './checks.js';
import type { MiddlewarePluginParts } from './define-plugin.js';
import type { CategoryResult, DiagnoseOptions, DiagnosticResult, Finding, Measurement, Snapshot, Status } from '../core/types.js';

/** Pure: snapshot -> result. Shared by live diagnosis and `ksa analyze`. */
export function analyzeSnapshot<D>(
  parts: Pick<MiddlewarePluginParts<unknown, D, void>, 'info' | 'checks' | 'metrics'>,
  snapshot: Snapshot<D>,
  opts: Pick<DiagnoseOptions, 'thresholds'>,
  startedAt: number = Date.now(),
): DiagnosticResult {
  const findings: Finding[] = [];
  const categories: CategoryResult[] = [];
  const measurements: Measurement[] = [];
  for (const category of snapshot.categories) {
    const t0 = performance.now();
    const skips: string[] = [];
    const notApplicable: string[] = [];
    const collectSkip = snapshot.skipped[category];
    const collectNotApplicable = snapshot.notApplicable?.[category];
    const own: Finding[] = [];
    if (collectSkip === undefined && collectNotApplicable !== undefined) {
      notApplicable.push(collectNotApplicable);
    } else if (collectSkip === undefined) {
      const ctx = createCheckContext(category, opts.thresholds, (reason) => skips.push(reason), (m) => measurements.push(m), (reason) => notApplicable.push(reason));
      for (const check of parts.checks.filter((c) => c.category === category)) {
        const out = check.run(snapshot.data, ctx);
        for (const f of (Array.isArray(out) ? out : [out]).filter((x): x is Finding => x !== null)) {
          if (f.id !== check.id && !f.id.startsWith(`${check.id}.`)) {
            throw ksaError('KSA_ERR_PLUGIN_INVALID', `check ${check.id} emitted finding ${f.id}; finding ids must start with the check id`);
          }
          own.push(f);
        }
      }
    } else {
      skips.push(collectSkip);
    }
    findings.push(...own);
    const status = worstStatus(own.map((f) => statusOfSeverity(f.severity)));
    const checks = parts.checks.filter((c) => c.category === category).map((c) => c.id);
    const durationMs = roundToHundredths(performance.now() - t0);
    // Not applicable only when nothing else was said: a finding or a failed look says more.
    if (own.length === 0 && skips.length === 0 && notApplicable.length > 0) {
      categories.push({ name: category, status: 'healthy', durationMs, skipped: [...new Set(notApplicable)].join('; '), notApplicable: true, checks });
      continue;
    }
    const skipped = skips.length > 0 ? skips.join('; ') : undefined;
    // A category that could not be looked at is never reported healthy.
    const categoryStatus: Status = skipped && own.length === 0 ? 'unknown' : status;
    categories.push({ name: category, status: categoryStatus, durationMs, ...(skipped ? { skipped } : {}), checks });
  }
  findings.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity]);
  // Not-applicable categories are healthy, so they never make a result unknown (even all of them);
  // nor do they make it healthy when every category that applies could not be looked at.
  const evaluated = categories.filter((c) => !(c.skipped && c.status === 'unknown') && !c.notApplicable);
  const status: Status = evaluated.length === 0 && categories.some((c) => !c.notApplicable)
    ? 'unknown'
    : worstStatus(findings.map((f) => statusOfSeverity(f.severity)));
  return {
    schemaVersion: SCHEMA_VERSION,
    plugin: { id: parts.info.id, version: parts.info.version },
    target: snapshot.target,
    status,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, Date.now() - startedAt),
    categories,
    findings,
    metrics: parts.metrics ? parts.metrics(snapshot.data) : {},
    measurements,
    errors: [],
  };
}

const SEVERITY_ORDER = { info: 0, warning: 1, critical: 2 } as const;
