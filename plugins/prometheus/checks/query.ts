// query: the checks declared per target in ksa.yaml. Each series of a check's answer is judged
// against the check's own warning/critical (its source shown with the finding); a check without
// limits cannot judge anything and says so.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { judgeable, seriesName } from '../pack-rule.js';
import type { DeclaredQuery } from '../declared-queries.js';
import type { PrometheusSnapshot } from '../snapshot.js';

const query = defineCheck<PrometheusSnapshot>({
  id: 'prometheus.query',
  category: 'query',
  run(data, ctx) {
    const declared = data.results.filter((r) => r.declared !== null);
    if (declared.length === 0) ctx.notApplicable('no check declared in ksa.yaml (options.checks)');
    return declared.flatMap((r) => {
      const c = r.declared!;
      if (c.warning === undefined && c.critical === undefined) {
        ctx.skip(`${r.id}: declares neither warning nor critical, so nothing can be judged: add a limit to the check in ksa.yaml`);
        return [];
      }
      const result = judgeable(data, r.id, ctx, `the query of check ${c.id} matched nothing`);
      if (!result) return [];
      const spec = limitsOf(c);
      return result.series.filter((s) => s.value !== null).map((s) => ctx.judge(spec, s.value!, {
        node: seriesName(s), evidence: { query: r.query, labels: s.labels, value: s.value, ...(r.range ? { range: r.range } : {}) },
        title: c.title ?? `${c.id} out of range`,
        detail: `${seriesName(s)}: ${s.value}${c.unit ? ` ${c.unit}` : ''}${r.range ? ` (${r.range.reduce} over ${r.range.seconds} s)` : ''} (PromQL: ${r.query})`,
        suggestion: 'The value is past the limit declared for this check in ksa.yaml: act on what the query measures.',
      }));
    });
  },
});

/** The check's own limits (not an override key: they are written in ksa.yaml already). */
function limitsOf(c: DeclaredQuery) {
  return defineThreshold({
    id: `prometheus.query.${c.id}`, warning: c.warning ?? null, critical: c.critical ?? null, direction: c.direction ?? 'above', unit: c.unit ?? '',
    source: c.source ?? `ksa.yaml check ${c.id}`,
  });
}

export const queryChecks = [query];
