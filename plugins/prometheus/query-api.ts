// One PromQL evaluation through /api/v1/query (instant) or /api/v1/query_range, its answer checked
// against the API's schema and turned into one number per series (a range reduced per series).
// Prometheus's own query timeout is the time left before the deadline.
import { KsaError, ksaError } from '../../src/sdk/index.js';
import type { PluginContext } from '../../src/sdk/index.js';
import { QueryAnswerSchema, type QueryData } from './api-answer.js';
import type { PrometheusConnection } from './connect.js';
import type { Reduce, SeriesValue } from './snapshot.js';

export const MAX_SERIES = 200;

export interface RangeSpec {
  seconds: number;
  stepSeconds: number;
  reduce: Reduce;
}

export interface Evaluation {
  series: SeriesValue[];
  seriesTotal: number;
}

export async function evaluate(ctx: PluginContext, conn: PrometheusConnection, query: string, atMs: number, range: RangeSpec | null): Promise<Evaluation> {
  const timeout = `${Math.max(1, Math.floor((ctx.deadline - Date.now()) / 1000))}s`;
  const at = atMs / 1000;
  const answer = range
    ? await conn.get(ctx, '/api/v1/query_range', { query, start: String(at - range.seconds), end: String(at), step: String(range.stepSeconds), timeout })
    : await conn.get(ctx, '/api/v1/query', { query, time: String(at), timeout });
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw ksaError('KSA_ERR_WRONG_SERVICE', `${conn.base.origin} answered ${answer.status} with something that is not the Prometheus API's JSON`, { fix: 'point the target at a Prometheus-API server (Prometheus, Thanos Query, VictoriaMetrics, Mimir with its /prometheus prefix)' });
  }
  const parsed = QueryAnswerSchema.safeParse(json);
  if (!parsed.success) throw ksaError('KSA_ERR_PROTOCOL', `${conn.base.origin}: the answer to the query is not in the Prometheus API format (${parsed.error.issues[0]?.message ?? 'invalid'})`, { fix: 'check that the endpoint is a Prometheus query API' });
  if (parsed.data.status === 'error') {
    // A refused query (bad PromQL, a timeout on the server) is this rule's failure, not the server's.
    throw new QueryRefused(`Prometheus refused the query (${parsed.data.errorType ?? 'error'}: ${(parsed.data.error ?? '').slice(0, 200)})`);
  }
  const series = seriesOf(parsed.data.data, range?.reduce ?? 'last');
  return { series: series.slice(0, MAX_SERIES), seriesTotal: series.length };
}

/** A query the server answered with status "error": the rule is skipped with the reason. */
export class QueryRefused extends KsaError {
  constructor(message: string) {
    super('KSA_ERR_PROTOCOL', message, { fix: 'fix the query (promtool or the Prometheus UI shows the error), or raise --timeout for a slow one' });
  }
}

const REDUCE: Record<Reduce, (values: number[]) => number> = {
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  last: (v) => v[v.length - 1]!,
};

function number(text: string): number | null {
  const n = Number(text);
  return Number.isNaN(n) ? null : n;
}

function seriesOf(data: QueryData, reduce: Reduce): SeriesValue[] {
  const kinds: { [K in QueryData['resultType']]: (d: Extract<QueryData, { resultType: K }>) => SeriesValue[] } = {
    vector: (d) => d.result.map((r) => ({ labels: r.metric, value: number(r.value[1]) })),
    matrix: (d) => d.result.map((r) => {
      const values = r.values.map(([, v]) => number(v)).filter((v): v is number => v !== null);
      return { labels: r.metric, value: values.length === 0 ? null : REDUCE[reduce](values) };
    }),
    scalar: (d) => [{ labels: {}, value: number(d.result[1]) }],
    string: () => [],
  };
  return (kinds[data.resultType] as (d: QueryData) => SeriesValue[])(data);
}
