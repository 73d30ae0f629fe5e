// A shipped rule: one PromQL query whose every series is judged, either against a threshold
// (overridable, with its source) or against the one value it must have (a state rule). The
// queries return values, never `expr > limit` filters: an empty answer then means the metric is
// missing (the exporter is not scraped, the selector matches nothing), reported as unknown.
import { defineCheck } from '../../src/sdk/index.js';
import type { CheckContext, CheckDefinition, Finding, ThresholdSpec } from '../../src/sdk/index.js';
import type { PrometheusSnapshot, RuleResult, SeriesValue } from './snapshot.js';

export interface PackRule {
  /** The check id: prometheus.<pack>.<rule>. */
  id: string;
  category: string;
  /** The query, with the target's `selector` matchers put in every metric's braces. */
  query: (matchers: Matchers) => string;
  judge: { threshold: ThresholdSpec } | { equals: number; rule: ThresholdSpec };
  /** What an empty answer means: which exporter and metric the rule needs. */
  needs: string;
  title: string;
  suggestion: string;
  /** Labels that name a series in the finding (node); default: all but __name__. */
  nodeLabels?: readonly string[];
}

/** `m()` -> `{job="kafka"}`, `m('quantile="0.99"')` -> `{quantile="0.99",job="kafka"}`. */
export type Matchers = (own?: string) => string;

export function matchersOf(selector: string | undefined): Matchers {
  const extra = selector?.trim() ?? '';
  return (own = '') => `{${[own, extra].filter((s) => s !== '').join(',')}}`;
}

export function seriesName(series: SeriesValue, labels?: readonly string[]): string {
  const keys = Object.keys(series.labels).filter((k) => k !== '__name__' && (!labels || labels.includes(k))).sort();
  return keys.length === 0 ? 'total' : keys.map((k) => `${k}="${series.labels[k]}"`).join(',');
}

/** The result of this rule in the snapshot, or a skip saying why there is nothing to judge. */
export function judgeable(data: PrometheusSnapshot, id: string, ctx: CheckContext, needs: string): RuleResult | undefined {
  const result = data.results.find((r) => r.id === id);
  if (!result) return undefined; // its pack was not asked for: the category is not applicable
  if (result.error) {
    ctx.skip(`${id}: ${result.error.message}`);
    return undefined;
  }
  if (result.series.length === 0) {
    ctx.skip(`${id}: the query returned no series (${needs}): check that the exporter is scraped by this Prometheus and that option selector matches its labels; query: ${result.query}`);
    return undefined;
  }
  for (const s of result.series.filter((x) => x.value === null)) ctx.skip(`${id}: ${seriesName(s)} has no value (NaN or no sample in the range): check the exporter's metric`);
  return result;
}

export function packCheck(rule: PackRule): CheckDefinition<PrometheusSnapshot> {
  return defineCheck<PrometheusSnapshot>({
    id: rule.id,
    category: rule.category,
    run(data, ctx) {
      const result = judgeable(data, rule.id, ctx, rule.needs);
      if (!result) return null;
      return result.series.filter((s) => s.value !== null).map((s) => judgeSeries(rule, result, s, ctx));
    },
  });
}

function judgeSeries(rule: PackRule, result: RuleResult, s: SeriesValue, ctx: CheckContext): Finding | null {
  const node = seriesName(s, rule.nodeLabels);
  const value = s.value!;
  const draft = {
    node, evidence: { query: result.query, labels: s.labels, value },
    title: rule.title, detail: `${node}: ${value} (PromQL: ${result.query})`, suggestion: rule.suggestion,
  };
  if ('threshold' in rule.judge) return ctx.judge(rule.judge.threshold, value, draft);
  if (value === rule.judge.equals) return null;
  return ctx.finding({ ...draft, id: rule.id, severity: 'critical', threshold: rule.judge.rule, observed: { value }, detail: `${node}: ${value}, expected ${rule.judge.equals} (PromQL: ${result.query})` });
}
