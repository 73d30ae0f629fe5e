// `ksa diagnose <type> <endpoint...>`: one target from argv, diagnosed in its plugin's host.
import { ksaError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { buildTarget, type TargetFlags } from '../target-from-args.js';
import { refusedThresholdKey } from '../../core/threshold-keys.js';
import { prepareGate } from '../gate-report.js';
import { targetSecrets } from '../../core/plugin-options.js';
import { redactSecrets } from '../../core/redact.js';
import { findConfigFile, readConfigText } from '../../config/config-file.js';
import { pickConfigTarget } from '../../config/config-target-name.js';
import { runTargets, type FleetProgress } from '../../fleet/run-targets.js';
// ksa.yaml, baselines and snapshots (zod, yaml) are imported only when used: a single-target
// diagnosis starts without them.
import type { DiagnoseRequest, PluginManager } from '../../core/manager.js';
import type { Runtime } from '../runtime.js';
import type { DiagnoseOptions, Manifest, Report, Snapshot } from '../../core/types.js';
import type { FailOn } from '../../core/status.js';

export interface DiagnoseFlags extends TargetFlags {
  category?: string[];
  timeout: string;
  failOn: string;
  threshold?: string[];
  /** Set by main when the user gave the flag (so ksa.yaml defaults apply otherwise). */
  timeoutGiven?: boolean;
  failOnGiven?: boolean;
  /** Print where user, password (never its value), endpoints and TLS came from. */
  explainAuth?: boolean;
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

/** `--threshold <check id>=70,85` (warning,critical; empty keeps the default). */
export function parseThresholdFlags(flags: readonly string[] | undefined): Record<string, { warning?: number | null; critical?: number | null }> {
  const out: Record<string, { warning?: number | null; critical?: number | null }> = {};
  for (const text of flags ?? []) {
    const m = /^([a-z0-9-]+(?:\.[a-z0-9_-]+)+)=(-?[\d.]*|none)?(?:,(-?[\d.]*|none))?$/.exec(text);
    if (!m) throw ksaError('KSA_ERR_BAD_INPUT', `--threshold ${JSON.stringify(text.slice(0, 60))} is not id=warning,critical`, { fix: 'write e.g. --threshold <check id>=70,85 (warning,critical; ksa plugin info <type> lists the keys)' });
    const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : v === 'none' ? null : Number(v));
    const warning = num(m[2]);
    const critical = num(m[3]);
    if ([warning, critical].some((v) => typeof v === 'number' && !Number.isFinite(v))) throw ksaError('KSA_ERR_BAD_INPUT', `--threshold ${JSON.stringify(text)} has a non-numeric value`);
    out[m[1]!] = { ...(warning !== undefined ? { warning } : {}), ...(critical !== undefined ? { critical } : {}) };
  }
  return out;
}

export interface FleetFlags {
  config?: string;
  target?: string[];
  concurrency?: string;
  baseline?: string;
  writeBaseline?: string;
  saveSnapshot?: string;
  progress: boolean;
}

/** Diagnoses one target from argv, or every (or each named) target of ksa.yaml. */
export async function runDiagnose(rt: Runtime, type: string | undefined, endpoints: string[], flags: DiagnoseFlags & FleetFlags): Promise<Report> {
  const thresholds = parseThresholdFlags(flags.threshold);
  const configFile = type === undefined || flags.config ? findConfigFile(flags.config, process.env, process.cwd()) : undefined;
  if (type === undefined && !configFile) {
    throw ksaError('KSA_ERR_BAD_INPUT', 'nothing to diagnose: no <type> given and no ksa.yaml found', { fix: 'run `ksa diagnose <type> <host:port>` (ksa diagnose --help lists the types), or pass --config ksa.yaml' });
  }
  let failOn = parseFailOn(flags.failOn);
  let requests: DiagnoseRequest[];
  let concurrency = flags.concurrency === undefined ? 16 : parseConcurrency(flags.concurrency);
  let manager: PluginManager;
  if (configFile) {
    if (type !== undefined) throw ksaError('KSA_ERR_BAD_INPUT', `give either <type> <endpoint> or --config, not both`, { fix: 'drop the positional arguments when using --config' });
    // A plugin option on argv would apply to no target of the file: refused rather than ignored.
    const argvOption = [...Object.keys(flags.pluginFlags ?? {}).map((f) => `--${f}`), ...(flags.option ?? []).map((kv) => `--option ${kv.split('=')[0]}`)][0];
    if (argvOption) throw ksaError('KSA_ERR_BAD_INPUT', `${argvOption} applies to a target given on the command line, not to ${configFile}'s targets`, { fix: `set it in the target's options: in ${configFile}` });
    const text = readConfigText(configFile);
    const [{ loadConfig }, { managerForConfig }, { requestsFromConfig }] = await Promise.all([
      import('../../config/load-config.js'), import('../config-manager.js'), import('../../config/targets-from-config.js'),
    ]);
    const config = loadConfig(configFile, process.env, text);
    manager = await managerForConfig(rt, config, configFile);
    const timeoutMs = flags.timeoutGiven ? parseDuration(flags.timeout, '--timeout') : undefined;
    requests = requestsFromConfig(config, configFile, manager, process.env, { thresholds, ...(timeoutMs ? { timeoutMs } : {}) });
    rejectUnknownThresholds(thresholds, manager.registry.list().map((e) => e.manifest));
    if (flags.target && flags.target.length > 0) {
      for (const n of flags.target) pickConfigTarget(config.targets, n, configFile);
      requests = requests.filter((r) => flags.target!.includes(r.target.name));
    }
    if (flags.concurrency === undefined) concurrency = config.defaults.concurrency;
    if (flags.failOnGiven !== true && config.defaults.failOn) failOn = config.defaults.failOn;
  } else {
    const timeoutMs = parseDuration(flags.timeout, '--timeout');
    manager = await rt.manager();
    const entry = manager.pluginForType(type!);
    const categories = parseCategories(flags.category, entry.manifest);
    rejectUnknownThresholds(thresholds, [entry.manifest]);
    const { target, warnings, explain } = buildTarget(type!, endpoints, flags, entry.manifest, process.env);
    for (const w of warnings) rt.logger.warn(w);
    // Never a secret: the password is shown as (set); a secret option's value is redacted too.
    const shown = explain.map((l) => redactSecrets(l, targetSecrets(target, entry.manifest)));
    for (const line of shown) rt.logger.debug(line);
    if (flags.explainAuth) process.stderr.write(shown.map((l) => `ksa: ${l}\n`).join(''));
    // Each field is validated by its own parser above; the manager validates the plugin's result.
    const opts: DiagnoseOptions = { categories, thresholds, timeoutMs, allowWrite: false };
    requests = [{ pluginId: entry.manifest.id, target, opts }];
  }
  for (const r of requests) for (const s of targetSecrets(r.target, manager.registry.require(r.pluginId).manifest)) rt.logger.addSecret(s);
  const finish = await prepareGate(rt, failOn, flags);
  const progress = flags.progress && requests.length > 1 ? progressPrinter() : undefined;
  let outcome;
  try {
    outcome = await runTargets(manager, requests.map((r) => ({ ...r, withSnapshot: flags.saveSnapshot !== undefined })), concurrency, progress?.update);
  } finally {
    progress?.end();
    void manager.close();
  }
  if (flags.saveSnapshot) {
    const { writeSnapshots, failureOf } = await import('../../fleet/snapshot-file.js');
    const saved = outcome.snapshots.filter((s): s is Snapshot => s !== undefined);
    writeSnapshots(flags.saveSnapshot, saved, outcome.results.filter((_, i) => outcome.snapshots[i] === undefined).map(failureOf));
  }
  return finish(outcome.results);
}

/**
 * `--threshold` keys must name a threshold of one of the plugins in play: one matching nothing
 * would do nothing, and one naming a state check (fixed severity) would be half-applied.
 */
export function rejectUnknownThresholds(thresholds: Record<string, unknown>, manifests: readonly Manifest[]): void {
  const refused = refusedThresholdKey(Object.keys(thresholds), manifests);
  if (refused) throw ksaError('KSA_ERR_BAD_INPUT', `--threshold: ${refused.reason}`, { fix: refused.fix });
}

function parseConcurrency(text: string): number {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 512)) throw ksaError('KSA_ERR_BAD_INPUT', `--concurrency ${JSON.stringify(text.slice(0, 20))} is not 1-512`, { fix: 'use e.g. --concurrency 16' });
  return n;
}

function progressPrinter(): { update: (p: FleetProgress) => void; end: () => void } {
  let last = '';
  return {
    update(p) {
      const running = p.running.slice(0, 3).join(', ') + (p.running.length > 3 ? ` +${p.running.length - 3}` : '');
      const text = `[${p.done}/${p.total}] ${running}`.slice(0, (process.stderr.columns ?? 80) - 1);
      if (text !== last) process.stderr.write(`\r\u001b[2K${text}`);
      last = text;
    },
    end: () => { if (last) process.stderr.write('\r\u001b[2K'); },
  };
}
