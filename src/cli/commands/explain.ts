// `ksa explain <id...>`: what a check (or a finding of it) means, why it matters, its thresholds
// with their sources, and the fix. Documentation comes from the manifest; thresholds from the
// plugin's code through `describe` (as `ksa plugin info` reads them), once per plugin involved.
import type { Runtime } from '../runtime.js';
import type { ThresholdDefault } from '../../core/types.js';
import { explainCheck, explanations, resolveCheckIds, type CheckExplanation, type Explanations } from '../check-explanations.js';

/** Reading a plugin's thresholds imports it in a throwaway host; one that cannot in 5 s is reported, not waited for. */
const DESCRIBE_TIMEOUT_MS = 5000;

export async function explainIds(rt: Runtime, ids: readonly string[], flags: { load?: boolean }): Promise<Explanations> {
  const manager = await rt.manager();
  try {
    const resolved = resolveCheckIds(manager.registry.list().map((e) => e.manifest), ids);
    const thresholdsOf = new Map<string, ThresholdDefault[] | { unavailable: string }>();
    for (const pluginId of new Set(resolved.map((r) => r.manifest.id))) {
      // Built-in code is ksa's own; an external plugin's code runs only with --load (as in plugin info).
      if (manager.registry.lookup(pluginId).source === 'external' && !flags.load) {
        thresholdsOf.set(pluginId, { unavailable: "not read: explain does not run an external plugin's code; add --load to import it in its sandbox" });
        continue;
      }
      const d = await manager.describe(pluginId, DESCRIBE_TIMEOUT_MS);
      thresholdsOf.set(pluginId, d.ok ? d.description.thresholds : { unavailable: `unavailable (${d.error.code}: ${d.error.message})` });
    }
    return explanations(resolved.map((r) => explainCheck(r, thresholdsOf.get(r.manifest.id) ?? [])));
  } finally {
    void manager.close();
  }
}

export async function runExplain(rt: Runtime, ids: readonly string[], flags: { json?: boolean; load?: boolean }): Promise<string> {
  const result = await explainIds(rt, ids, flags);
  if (flags.json) return `${JSON.stringify(result, null, 2)}\n`;
  return result.checks.map(explanationText).join('\n');
}

const limit = (v: number | null, op: string, unit: string) => (v === null ? 'none' : `${op} ${v} ${unit}`);

function explanationText(c: CheckExplanation): string {
  const lines = [`${c.id}${c.asked ? ` (finding ${c.asked})` : ''}  [plugin ${c.plugin}, category ${c.category}]`];
  if (c.description === undefined) lines.push('  (the plugin declares no documentation for this check)');
  else lines.push(`  What:  ${c.description}`, `  Why:   ${c.why}`, `  Fix:   ${c.fix}`, `  Docs:  ${c.url}`);
  if (c.thresholdsUnavailable) lines.push(`  Thresholds: ${c.thresholdsUnavailable}`);
  else if (c.thresholds.length === 0) lines.push('  Thresholds: none (fixed severity; not overridable)');
  else {
    lines.push('  Thresholds (override with --threshold KEY=WARN,CRIT or ksa.yaml `thresholds:`; equal to a limit is fine):');
    for (const t of c.thresholds) {
      const op = t.direction === 'above' ? '>' : '<';
      const mark = c.asked === t.id ? '  <- this finding' : '';
      lines.push(`    ${t.id}: warning ${limit(t.warning, op, t.unit)}, critical ${limit(t.critical, op, t.unit)}${mark}`, `      source: ${t.source}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
