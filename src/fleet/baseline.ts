// A baseline records known findings (target + finding id + node); findings in it do not fail
// the gate, so CI fails only on new problems. Tool failures (unknown) always count.
// Writing merges: a run with --target or --category replaces only the entries it looked at
// (those targets, those categories), so recording one target never wipes the others' entries.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ksaError } from '../core/errors.js';
import { firstIssue } from '../core/zod-issues.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { DiagnosticResult, Finding } from '../core/types.js';

const BaselineEntrySchema = z.strictObject({
  target: z.string(),
  id: z.string(),
  /** Absent in files written before categories were recorded: then taken from the id. */
  category: z.string().optional(),
  node: z.string().optional(),
  severity: z.enum(['info', 'warning', 'critical']),
});

export const BaselineSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  findings: z.array(BaselineEntrySchema),
});
export type Baseline = z.infer<typeof BaselineSchema>;
type BaselineEntry = z.infer<typeof BaselineEntrySchema>;

const keyOf = (target: string, f: Pick<Finding, 'id' | 'node'>) => `${target}\u0000${f.id}\u0000${f.node ?? ''}`;
const categoryOf = (e: BaselineEntry) => e.category ?? e.id.split('.')[1] ?? '';

function parseBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw ksaError('KSA_ERR_BAD_INPUT', `cannot read baseline ${file}: ${(error as Error).message.split('\n')[0]}`, { fix: 'create it with --write-baseline' });
  }
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) throw ksaError('KSA_ERR_BAD_INPUT', `baseline ${file}: ${firstIssue(parsed.error)}`, { fix: 'recreate it with --write-baseline' });
  return parsed.data;
}

export function readBaseline(file: string): Set<string> {
  return new Set(parseBaseline(file).findings.map((f) => keyOf(f.target, f)));
}

/** Marks baselined findings; returns how many were suppressed. */
export function applyBaseline(results: DiagnosticResult[], known: Set<string>): number {
  let suppressed = 0;
  for (const r of results) {
    for (const f of r.findings) {
      if (f.severity !== 'info' && known.has(keyOf(r.target.name, f))) {
        f.baselined = true;
        suppressed++;
      }
    }
  }
  return suppressed;
}

/**
 * Writes the run's findings into `file`, keeping the entries of targets and categories this run
 * did not look at (and of targets it could not diagnose). Returns the number of entries written
 * for this run. Written atomically (temp file + rename).
 */
export function writeBaseline(file: string, results: readonly DiagnosticResult[]): number {
  const previous = existsSync(file) ? parseBaseline(file) : undefined;
  const looked = new Map<string, Set<string>>();
  for (const r of results) {
    if (r.status === 'unknown' && r.errors.length > 0) continue;
    looked.set(r.target.name, new Set(r.categories.filter((c) => !c.skipped).map((c) => c.name)));
  }
  const kept = (previous?.findings ?? []).filter((e) => !looked.get(e.target)?.has(categoryOf(e)));
  const fresh: BaselineEntry[] = results
    .filter((r) => looked.has(r.target.name))
    .flatMap((r) => r.findings.filter((f) => f.severity !== 'info').map((f) => ({ target: r.target.name, id: f.id, category: f.category, ...(f.node ? { node: f.node } : {}), severity: f.severity })));
  const now = new Date().toISOString();
  const baseline: Baseline = { schemaVersion: SCHEMA_VERSION, createdAt: previous?.createdAt ?? now, ...(previous ? { updatedAt: now } : {}), findings: [...kept, ...fresh] };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(baseline, null, 2)}\n`);
  renameSync(temp, file);
  return fresh.length;
}
