// Every rule of the asked packs and every declared check, evaluated concurrently at one instant.
// A rule whose query fails is skipped with the reason (its category is then unknown); when every
// query failed the same way the server is the problem, and the call fails with that coded error.
import { KsaError } from '../../src/sdk/index.js';
import type { CollectOutput, PluginContext } from '../../src/sdk/index.js';
import type { PrometheusConnection } from './connect.js';
import { declaredQueries, type DeclaredQuery } from './declared-queries.js';
import { matchersOf, type PackRule } from './pack-rule.js';
import { PACKS, type PackName } from './packs.js';
import { evaluate, QueryRefused, type RangeSpec } from './query-api.js';
import type { PrometheusSnapshot, RuleResult } from './snapshot.js';

interface Planned {
  id: string;
  category: string;
  query: string;
  range: RangeSpec | null;
  declared: DeclaredQuery | null;
}

export async function collectPrometheus(ctx: PluginContext, conn: PrometheusConnection, req: { categories: readonly string[] }): Promise<CollectOutput<PrometheusSnapshot>> {
  const options = conn.options;
  const packs = (Array.isArray(options.packs) ? options.packs : []) as PackName[];
  const m = matchersOf(typeof options.selector === 'string' ? options.selector : undefined);
  const wanted = (category: string) => req.categories.length === 0 || req.categories.includes(category);
  const plan: Planned[] = [
    ...packs.flatMap((p) => PACKS[p]).filter((r) => wanted(r.category)).map((r: PackRule) => ({ id: r.id, category: r.category, query: r.query(m), range: null, declared: null })),
    ...(wanted('query') ? declaredQueries(options.checks).map(planDeclared) : []),
  ];
  const atMs = Date.now();
  const failures: KsaError[] = [];
  const results = await Promise.all(plan.map(async (p): Promise<RuleResult> => {
    const base = { id: p.id, category: p.category, query: p.query, range: p.range, declared: p.declared };
    try {
      return { ...base, ...(await evaluate(ctx, conn, p.query, atMs, p.range)), error: null };
    } catch (e) {
      if (!(e instanceof KsaError) || e.code === 'KSA_ERR_OPERATION_DENIED' || ctx.signal.aborted) throw e;
      if (!(e instanceof QueryRefused)) failures.push(e);
      return { ...base, series: [], seriesTotal: 0, error: { code: e.code, message: e.message } };
    }
  }));
  if (failures.length > 0 && failures.length === plan.length && failures.every((f) => f.code === failures[0]!.code)) throw failures[0]!;
  const notApplicable: Record<string, string> = {};
  for (const [pack, rules] of Object.entries(PACKS)) {
    if (!packs.includes(pack as PackName)) notApplicable[rules[0]!.category] = `rule pack ${pack} not asked for (option packs)`;
  }
  return { data: { server: { url: `${conn.base.origin}${conn.base.pathname.replace(/\/+$/, '')}`, version: conn.version }, packs, evaluatedAtMs: atMs, results }, notApplicable };
}

function planDeclared(c: DeclaredQuery): Planned {
  const range = c.range === undefined ? null : { seconds: c.range / 1000, stepSeconds: (c.step ?? Math.max(c.range / 60, 1000)) / 1000, reduce: c.reduce ?? 'max' };
  return { id: `prometheus.query.${c.id}`, category: 'query', query: c.query, range, declared: c };
}
