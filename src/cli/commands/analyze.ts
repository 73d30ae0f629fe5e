// `ksa analyze <snapshot-file>`: the same checks as a live run, offline, over saved snapshots;
// targets the live run could not reach are reported unknown again with their recorded error, so
// the offline exit code is the live one (for the same thresholds and baseline).
import { DiagnoseOptionsSchema, SnapshotFailureSchema } from '../../core/schemas.js';
import { ksaError } from '../../core/errors.js';
import { firstIssue } from '../../core/zod-issues.js';
import { withManifestChecks } from '../../core/manifest-checks.js';
import { unknownResult } from '../../core/unknown-result.js';
import { readSnapshots } from '../../fleet/snapshot-file.js';
import { prepareGate, type BaselineFlags } from '../gate-report.js';
import { findConfigFile } from '../../config/config-file.js';
import { loadConfig } from '../../config/load-config.js';
import { managerForConfig } from '../config-manager.js';
import { parseFailOn, parseThresholdFlags, rejectUnknownThresholds } from './diagnose.js';
import type { PluginManager } from '../../core/manager.js';
import type { Runtime } from '../runtime.js';
import type { DiagnosticResult, Report } from '../../core/types.js';

export async function runAnalyze(rt: Runtime, file: string, flags: BaselineFlags & { threshold?: string[]; failOn: string; config?: string }): Promise<Report> {
  const failOn = parseFailOn(flags.failOn);
  const opts = DiagnoseOptionsSchema.parse({ thresholds: parseThresholdFlags(flags.threshold), timeoutMs: 30_000 });
  const { snapshots, failures } = readSnapshots(file);
  const finish = await prepareGate(rt, failOn, flags);
  // External plugins come from --plugin or from the ksa.yaml that produced the snapshots.
  const configFile = findConfigFile(flags.config, process.env, process.cwd());
  const config = configFile ? loadConfig(configFile, process.env) : undefined;
  const manager = config ? await managerForConfig(rt, config, configFile!) : await rt.manager();
  rejectUnknownThresholds(opts.thresholds, manager.registry.list().map((e) => e.manifest));
  // The ksa.yaml that produced the snapshots also gave per-target thresholds: the offline verdict
  // uses them (flags still win), or it would not be the live one.
  const targetThresholds = new Map((config?.targets ?? []).map((t) => [t.name, t.thresholds ?? {}]));
  try {
    const results: DiagnosticResult[] = [];
    for (const s of snapshots) {
      const name = (s as { target?: { name?: unknown } } | null)?.target?.name;
      const own = typeof name === 'string' ? targetThresholds.get(name) : undefined;
      results.push(await manager.analyze(s, own ? { ...opts, thresholds: { ...own, ...opts.thresholds } } : opts));
    }
    for (const f of failures) results.push(recordedFailure(manager, f, file));
    // The file keeps snapshots and failures apart; the report keeps the ksa.yaml's target order.
    const position = new Map((config?.targets ?? []).map((t, i) => [t.name, i]));
    const at = (r: DiagnosticResult) => position.get(r.target.name) ?? Number.MAX_SAFE_INTEGER;
    return finish(results.map((r, i) => ({ r, i })).sort((a, b) => at(a.r) - at(b.r) || a.i - b.i).map((x) => x.r));
  } finally {
    void manager.close();
  }
}

function recordedFailure(manager: PluginManager, input: unknown, file: string): DiagnosticResult {
  const parsed = SnapshotFailureSchema.safeParse(input);
  if (!parsed.success) throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `${file}: failures: ${firstIssue(parsed.error)}`);
  const f = parsed.data;
  const entry = manager.registry.require(f.plugin);
  const result = unknownResult({ id: entry.manifest.id, version: entry.manifest.version }, f.target, f.error, Date.parse(f.startedAt) || Date.now(), f.categories);
  return { ...result, durationMs: 0, categories: withManifestChecks(result.categories, entry.manifest) };
}
