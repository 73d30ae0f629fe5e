// Table-driven check tests (RuleTester style): each case is a snapshot's data and the exact
// findings (id + severity) the checks must produce from it. Expectations are validated strictly:
// a misspelt key is an error, never a silently ignored expectation.
import { z } from 'zod';
import { analyzeSnapshot } from '../sdk/define-plugin.js';
import { createCheckContext } from '../sdk/checks.js';
import { DiagnosticResultSchema, FindingSchema, SeveritySchema, StatusSchema, ThresholdOverrideSchema } from '../core/schemas.js';
import { formatPath } from '../core/zod-issues.js';
import type { MiddlewarePluginModule } from '../sdk/define-plugin.js';
import type { DiagnosticResult, Finding, Manifest, Snapshot } from '../core/types.js';

const ExpectedFindingSchema = z.strictObject({
  id: z.string().min(1),
  severity: SeveritySchema,
  /** Optional: the observed value must equal this too. */
  observed: z.union([z.number(), z.string(), z.boolean(), z.null()]).optional(),
  node: z.string().optional(),
});

export const CheckCaseSchema = z.strictObject({
  name: z.string().min(1),
  /** The snapshot `data` collect would have returned (plain JSON). */
  data: z.record(z.string(), z.unknown()),
  /** Categories to evaluate (default: all of the manifest's). */
  categories: z.array(z.string()).optional(),
  /** Collect-level skips: category -> reason. */
  skipped: z.record(z.string(), z.string()).optional(),
  /** Threshold overrides by finding id, as `--threshold` / ksa.yaml give them. */
  thresholds: z.record(z.string(), ThresholdOverrideSchema).optional(),
  expect: z.strictObject({
    /** Exactly these findings (order does not matter); [] means none. */
    findings: z.array(ExpectedFindingSchema),
    status: StatusSchema.optional(),
    /** Exactly these categories carry a `skipped` reason (from collect or ctx.skip). */
    skipped: z.array(z.string()).optional(),
  }),
});

export type CheckCase = z.input<typeof CheckCaseSchema>;
export type ExpectedFinding = z.infer<typeof ExpectedFindingSchema>;

/** Parses a case; unknown or mistyped keys become one readable line each. */
export function parseCase(raw: unknown, index: number): { kase?: z.infer<typeof CheckCaseSchema>; problems: string[] } {
  const parsed = CheckCaseSchema.safeParse(raw);
  if (parsed.success) return { kase: parsed.data, problems: [] };
  const name = typeof (raw as { name?: unknown })?.name === 'string' ? JSON.stringify((raw as { name: string }).name) : `#${index}`;
  return {
    problems: parsed.error.issues.map((issue) => {
      const keys = (issue as { keys?: string[] }).keys;
      const at = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys' && keys) {
        return `case ${name}: ${at}: unknown key ${keys.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowedKeys(issue.path)})`;
      }
      return `case ${name}: ${at}: ${issue.message}`;
    }),
  };
}

function allowedKeys(path: ReadonlyArray<PropertyKey>): string {
  const shape = path.length === 0
    ? CheckCaseSchema.shape
    : path.length === 1 && path[0] === 'expect'
      ? CheckCaseSchema.shape.expect.shape
      : ExpectedFindingSchema.shape;
  return Object.keys(shape).join(', ');
}

export interface CaseOutcome {
  result?: DiagnosticResult;
  problems: string[];
}

/** Runs every check on the case's data; returns what differs from the expectation. */
export function runCase(module: MiddlewarePluginModule<unknown, unknown>, manifest: Manifest, raw: unknown, index: number): CaseOutcome {
  const { kase, problems } = parseCase(raw, index);
  if (!kase) return { problems };
  const label = `case ${JSON.stringify(kase.name)}`;
  const categories = kase.categories ?? manifest.categories;
  for (const c of categories) if (!manifest.categories.includes(c)) problems.push(`${label}: category ${c} is not in the manifest categories`);
  const parts = module.parts;

  // Each check on its own first, so a bad finding is blamed on the check that made it.
  for (const category of categories) {
    if (kase.skipped?.[category] !== undefined) continue;
    const ctx = createCheckContext(category, kase.thresholds ?? {}, () => undefined);
    for (const check of parts.checks.filter((c) => c.category === category)) {
      let out: ReturnType<typeof check.run>;
      try {
        out = check.run(kase.data, ctx);
      } catch (error) {
        problems.push(`${label}: check ${check.id} threw ${(error as Error)?.message ?? String(error)} (checks must handle missing or partial data)`);
        continue;
      }
      for (const f of (Array.isArray(out) ? out : [out]).filter((x) => x !== null && x !== undefined)) {
        problems.push(...findingProblems(f, check.id, category).map((p) => `${label}: ${p}`));
      }
    }
  }
  if (problems.length > 0) return { problems };

  const snapshot: Snapshot<unknown> = {
    plugin: manifest.id,
    collectedAt: new Date(0).toISOString(),
    target: { type: manifest.middleware ?? manifest.id, name: 'contract-case', endpoints: ['contract-case:1'] },
    categories,
    skipped: kase.skipped ?? {},
    data: kase.data,
  };
  let result: DiagnosticResult;
  try {
    result = analyzeSnapshot(parts, snapshot, { thresholds: kase.thresholds ?? {} });
  } catch (error) {
    return { problems: [`${label}: analyze failed: ${(error as Error).message}`] };
  }
  const valid = DiagnosticResultSchema.safeParse(result);
  if (!valid.success) problems.push(`${label}: result does not match DiagnosticResultSchema: ${formatPath(valid.error.issues[0]?.path ?? [])}: ${valid.error.issues[0]?.message}`);

  problems.push(...compareFindings(result.findings, kase.expect.findings).map((p) => `${label}: ${p}`));
  if (kase.expect.status !== undefined && result.status !== kase.expect.status) {
    problems.push(`${label}: status is ${result.status}, expected ${kase.expect.status}`);
  }
  if (kase.expect.skipped !== undefined) {
    const got = result.categories.filter((c) => c.skipped !== undefined).map((c) => c.name).sort();
    const want = [...kase.expect.skipped].sort();
    if (got.join(',') !== want.join(',')) problems.push(`${label}: skipped categories are [${got.join(', ')}], expected [${want.join(', ')}]`);
  }
  return { result, problems };
}

/** What is wrong with one emitted finding (schema, id prefix, category). */
export function findingProblems(finding: unknown, checkId: string, category: string): string[] {
  const parsed = FindingSchema.safeParse(finding);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const keys = (i as { keys?: string[] }).keys;
      return `${formatPath(i.path)}: ${i.code === 'unrecognized_keys' && keys ? `unknown key ${keys.join(', ')}` : i.message}`;
    });
    return [`check ${checkId} emitted a malformed finding (${issues.join('; ')}); build findings with ctx.judge or ctx.finding`];
  }
  const f: Finding = parsed.data;
  const out: string[] = [];
  if (f.id !== checkId && !f.id.startsWith(`${checkId}.`)) out.push(`check ${checkId} emitted finding ${f.id}; finding ids must be the check id or start with "${checkId}."`);
  if (f.category !== category) out.push(`check ${checkId} emitted finding ${f.id} with category ${f.category}, but the check belongs to ${category}`);
  return out;
}

function key(f: { id: string; severity: string }): string {
  return `${f.id} (${f.severity})`;
}

function compareFindings(got: readonly Finding[], want: readonly ExpectedFinding[]): string[] {
  const remaining = [...got];
  const problems: string[] = [];
  for (const w of want) {
    const i = remaining.findIndex((g) => g.id === w.id && g.severity === w.severity
      && (w.observed === undefined || g.observed?.value === w.observed) && (w.node === undefined || g.node === w.node));
    if (i >= 0) {
      remaining.splice(i, 1);
      continue;
    }
    const sameId = got.find((g) => g.id === w.id);
    problems.push(sameId
      ? `expected ${key(w)}${w.observed !== undefined ? ` observed ${JSON.stringify(w.observed)}` : ''}, got ${key(sameId)} observed ${JSON.stringify(sameId.observed?.value)}`
      : `expected finding ${key(w)} was not produced`);
  }
  for (const g of remaining) {
    if (!problems.some((p) => p.includes(`got ${key(g)}`))) problems.push(`unexpected finding ${key(g)}: ${g.title}`);
  }
  return problems;
}
