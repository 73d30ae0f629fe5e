// A baseline records known findings (target + finding id + node); findings in it do not fail
// the gate, so CI fails only on new problems. Tool failures (unknown) always count.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ksaError } from '../core/errors.js';
import { firstIssue } from '../core/zod-issues.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { DiagnosticResult, Finding } from '../core/types.js';

export const BaselineSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: z.string(),
  findings: z.array(z.strictObject({ target: z.string(), id: z.string(), node: z.string().optional(), severity: z.enum(['info', 'warning', 'critical']) })),
});
export type Baseline = z.infer<typeof BaselineSchema>;

const keyOf = (target: string, f: Pick<Finding, 'id' | 'node'>) => `${target}\u0000${f.id}\u0000${f.node ?? ''}`;

export function readBaseline(file: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw ksaError('KSA_ERR_BAD_INPUT', `cannot read baseline ${file}: ${(error as Error).message.split('\n')[0]}`, { fix: 'create it with --write-baseline' });
  }
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) throw ksaError('KSA_ERR_BAD_INPUT', `baseline ${file}: ${firstIssue(parsed.error)}`, { fix: 'recreate it with --write-baseline' });
  return new Set(parsed.data.findings.map((f) => keyOf(f.target, f)));
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

export function writeBaseline(file: string, results: readonly DiagnosticResult[]): number {
  const findings = results.flatMap((r) => r.findings.filter((f) => f.severity !== 'info').map((f) => ({ target: r.target.name, id: f.id, ...(f.node ? { node: f.node } : {}), severity: f.severity })));
  const baseline: Baseline = { schemaVersion: SCHEMA_VERSION, createdAt: new Date().toISOString(), findings };
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  return findings.length;
}
