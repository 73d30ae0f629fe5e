// Checks are pure functions over a snapshot's data. A check has an id (declared in the manifest
// `checks:`), a category, and emits findings whose ids are its id or `<id>.<suffix>`.
import { applyOverride, judgeValue, thresholdOf, type ThresholdSpec } from './thresholds.js';
import { roundToHundredths } from '../core/round.js';
import type { Finding, Measurement, Observed, Severity, ThresholdOverride } from '../core/types.js';

export interface FindingDraft {
  title: string;
  detail: string;
  suggestion: string;
  evidence?: Record<string, unknown>;
  node?: string;
}

export interface CheckContext {
  readonly category: string;
  /** The threshold after per-target overrides. */
  threshold(spec: ThresholdSpec): ThresholdSpec;
  /** A finding judged against a threshold; null when the value is within it. */
  judge(spec: ThresholdSpec, value: number, draft: FindingDraft & { id?: string }): Finding | null;
  /**
   * A finding with an explicit severity. For a fixed-severity state (`master_link_status:down`,
   * trust in pg_hba.conf) pass `threshold: defineStateRule(...)`: shown as the rule, never
   * overridden. A numeric `threshold` is shown with the per-target override applied, so use one
   * only when the severity was judged against the same `ctx.threshold(spec)` (else use ctx.judge).
   */
  finding(draft: FindingDraft & { id: string; severity: Severity; observed?: Observed; threshold?: ThresholdSpec }): Finding;
  /** Marks (part of) this category as not evaluated, with the reason and the fix. */
  skip(reason: string): void;
  /**
   * The category does not apply to this deployment (cluster checks on a non-cluster node): not a
   * failure, unlike skip. Ignored when the category has findings or a skip (those say more).
   */
  notApplicable(reason: string): void;
}

export interface CheckDefinition<D> {
  readonly id: string;
  readonly category: string;
  readonly description?: string;
  run(data: D, ctx: CheckContext): Array<Finding | null> | Finding | null;
}

export function defineCheck<D>(check: CheckDefinition<D>): CheckDefinition<D> {
  return check;
}

export function createCheckContext(
  category: string,
  overrides: Record<string, ThresholdOverride>,
  onSkip: (reason: string) => void,
  onMeasure: (m: Measurement) => void = () => undefined,
  onNotApplicable: (reason: string) => void = () => undefined,
): CheckContext {
  const threshold = (spec: ThresholdSpec): ThresholdSpec => applyOverride(spec, overrides[spec.id]);
  const finding: CheckContext['finding'] = (d) => {
    const t = d.threshold ? threshold(d.threshold) : undefined;
    return {
      id: d.id,
      category,
      severity: d.severity,
      title: d.title,
      detail: d.detail,
      ...(d.observed ? { observed: d.observed } : {}),
      ...(t ? { threshold: thresholdOf(t) } : {}),
      suggestion: d.suggestion,
      evidence: d.evidence ?? {},
      ...(d.node ? { node: d.node } : {}),
    };
  };
  return {
    category,
    threshold,
    finding,
    judge(spec, value, draft) {
      const t = threshold(spec);
      const id = draft.id ?? spec.id;
      // Recorded fired or not, so perfdata and graphs get the same series every run.
      onMeasure({ id, value: roundToHundredths(value), unit: spec.unit, warning: t.warning, critical: t.critical, direction: t.direction, ...(draft.node ? { node: draft.node } : {}) });
      const severity = judgeValue(t, value);
      if (!severity) return null;
      return finding({ ...draft, id, severity, observed: { value: roundToHundredths(value), unit: spec.unit }, threshold: spec });
    },
    skip: onSkip,
    notApplicable: onNotApplicable,
  };
}

// The one rounding rule lives in core (the manager rounds latencies too); plugins import it from the sdk.
export { roundToHundredths };
