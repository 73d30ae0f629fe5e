// `ksa analyze <snapshot-file>`: the same checks as a live run, offline, over saved snapshots.
import { DiagnoseOptionsSchema } from '../../core/schemas.js';
import { readSnapshots } from '../../fleet/snapshot-file.js';
import { buildReport } from '../report.js';
import { findConfigFile } from '../../config/config-file.js';
import { loadConfig } from '../../config/load-config.js';
import { managerForConfig } from '../config-manager.js';
import { parseFailOn, parseThresholdFlags, rejectUnknownThresholds } from './diagnose.js';
import type { Runtime } from '../runtime.js';
import type { Report } from '../../core/types.js';

export async function runAnalyze(rt: Runtime, file: string, flags: { threshold?: string[]; failOn: string; config?: string }): Promise<Report> {
  const failOn = parseFailOn(flags.failOn);
  const opts = DiagnoseOptionsSchema.parse({ thresholds: parseThresholdFlags(flags.threshold), timeoutMs: 30_000 });
  const snapshots = readSnapshots(file);
  // External plugins come from --plugin or from the ksa.yaml that produced the snapshots.
  const configFile = findConfigFile(flags.config, process.env, process.cwd());
  const manager = configFile ? await managerForConfig(rt, loadConfig(configFile, process.env), configFile) : await rt.manager();
  rejectUnknownThresholds(opts.thresholds, manager.registry.list().map((e) => e.manifest));
  try {
    const results = [];
    for (const s of snapshots) results.push(await manager.analyze(s, opts));
    return buildReport(results, failOn);
  } finally {
    void manager.close();
  }
}
