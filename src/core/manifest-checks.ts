// Which of a manifest's checks belong to a category, for results the plugin never produced
// (unreachable target, timeout): JUnit and perfdata need the same check list on every run.
// Check ids are `<type>.<category>.<name>` by convention; a plugin's own results carry the exact
// list (CategoryResult.checks), this is only the fallback.
import type { CategoryResult, Manifest } from './types.js';

export function checksOfCategory(manifest: Pick<Manifest, 'checks'>, category: string): string[] {
  return manifest.checks.filter((id) => id.split('.')[1] === category);
}

/** Fills `checks` of categories that lack it (results made by ksa, not by the plugin). */
export function withManifestChecks(categories: readonly CategoryResult[], manifest: Pick<Manifest, 'checks'>): CategoryResult[] {
  return categories.map((c) => (c.checks ? c : { ...c, checks: checksOfCategory(manifest, c.name) }));
}
