// A threshold override is keyed by the id of the finding it judges, and every finding id is a
// check id declared in the plugin's manifest or `<check id>.<suffix>`. An override matching no
// check would be silently ignored, so it is refused with the nearest check id instead.
import { closestName } from './closest-name.js';

export interface UnknownThresholdKey { key: string; hint: string | undefined }

export function findUnknownThresholdKey(keys: Iterable<string>, checks: readonly string[]): UnknownThresholdKey | undefined {
  for (const key of keys) {
    if (!checks.some((c) => key === c || key.startsWith(`${c}.`))) return { key, hint: closestName(key, checks) };
  }
  return undefined;
}

export function describeUnknownThresholdKey(u: UnknownThresholdKey, pluginIds: string): string {
  return `threshold ${JSON.stringify(u.key)} matches no check of ${pluginIds}${u.hint ? ` (did you mean ${JSON.stringify(u.hint)}?)` : ''}`;
}
