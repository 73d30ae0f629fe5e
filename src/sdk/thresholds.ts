// A check states each threshold once; the finding then carries observed value, threshold and
// source automatically, and per-target overrides (ksa.yaml `thresholds:`) apply by finding id.
import type { Severity, Threshold, ThresholdOverride } from '../core/types.js';

export interface ThresholdSpec {
  /** The finding id this threshold judges, e.g. `redis.memory.usage`. */
  readonly id: string;
  readonly warning: number | null;
  readonly critical: number | null;
  /** `above`: larger is worse; `below`: smaller is worse. Comparisons are strict (equal is fine). */
  readonly direction: 'above' | 'below';
  readonly unit: string;
  /** Where the default comes from, e.g. `awesome-prometheus-alerts redis: used/maxmemory > 90%`. */
  readonly source: string;
}

export function defineThreshold(spec: ThresholdSpec): ThresholdSpec {
  return Object.freeze({ ...spec });
}

export function applyOverride(spec: ThresholdSpec, override: ThresholdOverride | undefined): ThresholdSpec {
  if (!override) return spec;
  return {
    ...spec,
    warning: override.warning === undefined ? spec.warning : override.warning,
    critical: override.critical === undefined ? spec.critical : override.critical,
    source: `override (ksa config); default from ${spec.source}`,
  };
}

function breaches(direction: ThresholdSpec['direction'], value: number, limit: number | null): boolean {
  if (limit === null) return false;
  return direction === 'above' ? value > limit : value < limit;
}

/** Severity of a value against a threshold, or null when within it. */
export function judgeValue(spec: ThresholdSpec, value: number): Severity | null {
  if (breaches(spec.direction, value, spec.critical)) return 'critical';
  if (breaches(spec.direction, value, spec.warning)) return 'warning';
  return null;
}

export function thresholdOf(spec: ThresholdSpec): Threshold {
  return { warning: spec.warning, critical: spec.critical, direction: spec.direction, source: spec.source };
}
