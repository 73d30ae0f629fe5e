// `ksa diagnose <type> <endpoint...>`: one target from argv, diagnosed in its plugin's host.
import { ksaError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { DiagnoseOptionsSchema } from '../../core/schemas.js';
import { buildTarget, type TargetFlags } from '../target-from-args.js';
import { buildReport } from '../report.js';
import type { Runtime } from '../runtime.js';
import type { DiagnosticResult, Manifest, Report } from '../../core/types.js';
import type { FailOn } from '../../core/status.js';

export interface DiagnoseFlags extends TargetFlags {
  category?: string[];
  timeout: string;
  failOn: string;
  threshold?: string[];
}

export function parseFailOn(text: string): FailOn {
  if (text !== 'warning' && text !== 'critical') throw ksaError('KSA_ERR_BAD_INPUT', `--fail-on ${JSON.stringify(text)} is not warning or critical`, { fix: 'use --fail-on warning|critical' });
  return text;
}

export function parseCategories(requested: readonly string[] | undefined, manifest: Manifest): string[] {
  const list = (requested ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  for (const c of list) {
    if (!manifest.categories.includes(c)) {
      throw ksaError('KSA_ERR_UNKNOWN_CATEGORY', `${manifest.id} has no category ${JSON.stringify(c)} (categories: ${manifest.categories.join(', ')})`, { fix: `use --category ${manifest.categories[0] ?? '<name>'}` });
    }
  }
  return [...new Set(list)];
}

/** `--threshold redis.memory.usage=70,85` (warning,critical; empty keeps the default). */
export function parseThresholdFlags(flags: readonly string[] | undefined): Record<string, { warning?: number | null; critical?: number | null }> {
  const out: Record<string, { warning?: number | null; critical?: number | null }> = {};
  for (const text of flags ?? []) {
    const m = /^([a-z0-9-]+(?:\.[a-z0-9_-]+)+)=(-?[\d.]*|none)?(?:,(-?[\d.]*|none))?$/.exec(text);
    if (!m) throw ksaError('KSA_ERR_BAD_INPUT', `--threshold ${JSON.stringify(text.slice(0, 60))} is not id=warning,critical`, { fix: 'write e.g. --threshold redis.memory.usage=70,85' });
    const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : v === 'none' ? null : Number(v));
    const warning = num(m[2]);
    const critical = num(m[3]);
    if ([warning, critical].some((v) => typeof v === 'number' && !Number.isFinite(v))) throw ksaError('KSA_ERR_BAD_INPUT', `--threshold ${JSON.stringify(text)} has a non-numeric value`);
    out[m[1]!] = { ...(warning !== undefined ? { warning } : {}), ...(critical !== undefined ? { critical } : {}) };
  }
  return out;
}

export async function runDiagnose(rt: Runtime, type: string, endpoints: string[], flags: DiagnoseFlags): Promise<Report> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const failOn = parseFailOn(flags.failOn);
  const thresholds = parseThresholdFlags(flags.threshold);
  const manager = await rt.manager();
  const entry = manager.pluginForType(type);
  const categories = parseCategories(flags.category, entry.manifest);
  const { target, warnings } = buildTarget(type, endpoints, flags, entry.manifest, process.env);
  if (target.auth.password) rt.logger.addSecret(target.auth.password);
  for (const w of warnings) rt.logger.warn(w);
  const opts = DiagnoseOptionsSchema.parse({ categories, thresholds, timeoutMs });
  let result: DiagnosticResult;
  try {
    ({ result } = await manager.diagnose({ pluginId: entry.manifest.id, target, opts }));
  } finally {
    void manager.close();
  }
  return buildReport([result], failOn);
}
