// A check states each threshold once; the finding then carries observed value, threshold and
// source automatically, and per-target overrides (ksa.yaml `thresholds:`) apply by finding id.
import type { Severity, Threshold, ThresholdOverride } from '../core/types.js';
import { compareText } from '../core/compare-text.js';
import { ksaError } from '../core/errors.js';

export interface ThresholdSpec {
  /** The finding id this threshold judges, e.g. `<type>.memory.usage`. */
  readonly id: string;
  readonly warning: number | null;
  readonly critical: number | null;
  /** `above`: larger is worse; `below`: smaller is worse. Comparisons are strict (equal is fine). */
  readonly direction: 'above' | 'below';
  readonly unit: string;
  /** Where the default comes from, e.g. `awesome-prometheus-alerts: used/maxmemory > 90%`. */
  readonly source: string;
}

/** Every spec made by defineThreshold, so thresholdsIn can tell them from other exports. */
const DEFINED = new WeakSet<ThresholdSpec>();
/** Every rule made by defineStateRule: fixed severity, no limits, never overridden. */
const STATES = new WeakSet<ThresholdSpec>();

export function defineThreshold(spec: ThresholdSpec): ThresholdSpec {
  const frozen = Object.freeze({ ...spec });
  DEFINED.add(frozen);
  return frozen;
}

/** Every state rule defined so far, by id and source (a rule defined again inside `run` is one rule). */
const STATE_RULES = new Map<string, ThresholdSpec>();

/** A state rule's source: text, a space, then one https URL (no trailing punctuation) to the upstream section. */
const TRAILING_URL = /\S\shttps:\/\/\S*[^\s.,;:)]$/;

/**
 * The rule behind a fixed-severity "state" finding (replication link down, trust in pg_hba.conf):
 * no number to compare, so no limits; `source` names the published rule the verdict follows and
 * ends with the https URL of that upstream section (ksa's own advice: the page documenting the
 * setting or field it is based on), as numeric threshold sources do. A source without one is
 * refused here, with KSA_ERR_PLUGIN_INVALID, so the author sees it on the first run.
 * Pass it as `threshold` to ctx.finding. Its id is not an override key: ksa refuses
 * `--threshold <id>=...` and ksa.yaml `thresholds: {<id>: ...}` before any plugin code runs, and
 * the SDK never applies an override to it.
 */
export function defineStateRule(rule: { id: string; source: string }): ThresholdSpec {
  if (!TRAILING_URL.test(rule.source)) {
    throw ksaError('KSA_ERR_PLUGIN_INVALID', `state rule ${rule.id}: source ${JSON.stringify(rule.source)} does not end with an https URL`, {
      fix: 'end the source with a space and the https URL of the upstream section the verdict follows (for ksa advice, the page documenting the setting or field it is based on), as in "<vendor> docs: the replication link must be up https://docs.example.org/replication#link-status"',
    });
  }
  const key = `${rule.id}\u0000${rule.source}`;
  const known = STATE_RULES.get(key);
  if (known) return known;
  const frozen = Object.freeze({ id: rule.id, warning: null, critical: null, direction: 'above' as const, unit: 'state', source: rule.source });
  STATES.add(frozen);
  STATE_RULES.set(key, frozen);
  return frozen;
}

/**
 * Every state rule defined so far in this process, sorted by id: those a plugin defines at module
 * level once its check modules are imported (the built-ins define all of theirs there), the rest
 * once the check that defines them has run.
 */
export function stateRules(): ThresholdSpec[] {
  return [...STATE_RULES.values()].sort((a, b) => compareText(a.id, b.id) || compareText(a.source, b.source));
}

export function isStateRule(spec: ThresholdSpec): boolean {
  return STATES.has(spec);
}

/**
 * The thresholds exported by check modules (`import * as memory from './checks/memory.js'`), module
 * by module, by id within a module, for a plugin's `thresholds:` list: what `ksa plugin info` shows as the override
 * keys with their defaults. Other exports are ignored.
 */
export function thresholdsIn(...modules: ReadonlyArray<Record<string, unknown>>): ThresholdSpec[] {
  const seen = new Map<string, ThresholdSpec>();
  for (const mod of modules) {
    // A namespace object's keys are sorted by export name; id order reads better.
    const specs = Object.values(mod).filter((v): v is ThresholdSpec => typeof v === 'object' && v !== null && DEFINED.has(v as ThresholdSpec) && !STATES.has(v as ThresholdSpec));
    for (const spec of specs.sort((a, b) => compareText(a.id, b.id))) {
      if (!seen.has(spec.id)) seen.set(spec.id, spec);
    }
  }
  return [...seen.values()];
}

/** The spec with a per-target override applied; a state rule has no limits and stays as it is. */
export function applyOverride(spec: ThresholdSpec, override: ThresholdOverride | undefined): ThresholdSpec {
  if (!override || STATES.has(spec)) return spec;
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
