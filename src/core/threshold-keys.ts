// A threshold override is keyed by the id of the threshold it changes. One rule for every plugin:
// an override changes a threshold's limits, and the severity is judged against (and the finding
// shows) the limits after the override. A state check (fixed severity, defineStateRule) has no
// limits, so an override of it is refused here, when --threshold / ksa.yaml are parsed and before
// any plugin code runs, never accepted and then half-applied. Keys come from the manifest's
// `thresholds:`; a manifest without that list (older external plugins) accepts any key of its
// checks (`<check id>` or `<check id>.<suffix>`), as before.
import { closestName } from './closest-name.js';

export interface ThresholdKeySource {
  readonly id: string;
  readonly middleware?: string | undefined;
  readonly checks: readonly string[];
  readonly thresholds?: readonly string[] | undefined;
}

export interface RefusedThresholdKey {
  key: string;
  /** What is wrong with the key (no trailing fix). */
  reason: string;
  /** The one-line fix. */
  fix: string;
}

/** The first override key that would not change any threshold, with why and what to do instead. */
export function refusedThresholdKey(keys: Iterable<string>, manifests: readonly ThresholdKeySource[]): RefusedThresholdKey | undefined {
  const overridable = (m: ThresholdKeySource, key: string) => (m.thresholds
    ? m.thresholds.includes(key)
    : m.checks.some((c) => key === c || key.startsWith(`${c}.`)));
  const ids = manifests.map((m) => m.id).join(', ') || 'any plugin';
  const info = `ksa plugin info ${manifests[0]?.middleware ?? manifests[0]?.id ?? '<id>'}`;
  for (const key of keys) {
    if (manifests.some((m) => overridable(m, key))) continue;
    const owner = manifests.find((m) => m.thresholds && m.checks.some((c) => key === c || key.startsWith(`${c}.`)));
    if (owner) {
      return {
        key,
        reason: `${JSON.stringify(key)} is a state check of ${owner.id} with a fixed severity, not a threshold: there is no limit to override`,
        fix: `remove it; accept a known finding with --write-baseline/--baseline, or gate on critical only with --fail-on critical (\`${info}\` lists the threshold keys)`,
      };
    }
    const candidates = manifests.flatMap((m) => m.thresholds ?? m.checks);
    const hint = closestName(key, candidates);
    return {
      key,
      reason: `threshold ${JSON.stringify(key)} matches no ${manifests.some((m) => m.thresholds) ? 'threshold' : 'check'} of ${ids}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
      fix: `run \`${info}\` to list its threshold keys`,
    };
  }
  return undefined;
}

export interface UnknownThresholdKey { key: string; hint: string | undefined }

/** A threshold a plugin declares (ksa plugin info) must belong to one of its manifest's checks. */
export function findUnknownThresholdKey(keys: Iterable<string>, checks: readonly string[]): UnknownThresholdKey | undefined {
  for (const key of keys) {
    if (!checks.some((c) => key === c || key.startsWith(`${c}.`))) return { key, hint: closestName(key, checks) };
  }
  return undefined;
}
