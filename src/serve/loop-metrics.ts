// The watch loop's latest results as Prometheus metric families (docs/SERVE.md "Metrics"): per
// target its status and state, per firing or pending finding one series, the plugins' own numeric
// metrics as gauges, and the watcher's self-health (cycle latency, error ratio, schedule lag, run
// queue). Pure: a snapshot of the loop in, families out; /metrics and /probe both use it.
//
// Cardinality is bounded by the config and the plugins' code, never by the targets' data:
// targets x (statuses + states + the plugin's metric keys) + the findings that are firing or
// pending (a finding's nodes are merged into one series per finding id and severity).
import { LABEL_NAME, type MetricFamily, type Sample } from './exposition.js';
import { pluginMetricName } from './plugin-metric-name.js';
import type { TargetView } from '../watch/watcher.js';
import type { TargetRecord } from '../watch/target-record.js';
import type { WatcherHealth } from '../watch/self-health.js';
import type { PluginState, Status } from '../core/types.js';

export interface LoopSnapshot {
  version: string;
  targets: readonly TargetView[];
  records: ReadonlyMap<string, TargetRecord>;
  /** Absent for a /probe answer (the watcher-wide families are /metrics' own). */
  health?: WatcherHealth;
  plugins: readonly { id: string; state: PluginState; enabled: boolean }[];
  /** Notifications waiting for delivery, by receiver (notify:). */
  notifyQueue?: Readonly<Record<string, number>>;
}

const STATUSES: readonly Status[] = ['healthy', 'warning', 'critical', 'unknown'];
const TARGET_STATES = ['ok', 'pending', 'unknown'] as const;
const ALERT_SEVERITIES = ['warning', 'critical'] as const;
const QUANTILES = [['0.5', 'p50'], ['0.9', 'p90'], ['0.99', 'p99']] as const;
/** Labels ksa sets itself: a target label of the same name is exported as `label_<name>`. */
const OWN_LABELS = new Set(['target', 'plugin', 'type', 'status', 'state', 'finding', 'severity', 'quantile', 'version', 'le', 'receiver']);

/** The labels every series of a target carries: target, plugin, type, then its `labels:` from ksa.yaml. */
export function targetLabels(t: TargetView): Record<string, string> {
  const labels: Record<string, string> = { target: t.name, plugin: t.plugin, type: t.type };
  for (const [k, v] of Object.entries(t.labels)) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) continue;
    labels[OWN_LABELS.has(k) ? `label_${k}` : k] = v;
  }
  return labels;
}

class Families {
  private readonly byName = new Map<string, MetricFamily & { samples: Sample[] }>();

  /** The samples of a family, created on first use (`help` is only built then). */
  family(name: string, type: MetricFamily['type'], help: string | (() => string), unit?: string): Sample[] {
    let f = this.byName.get(name);
    if (!f) this.byName.set(name, (f = { name, type, help: typeof help === 'string' ? help : help(), ...(unit ? { unit } : {}), samples: [] }));
    return f.samples;
  }

  list(): MetricFamily[] {
    return [...this.byName.values()];
  }
}

/** Per-target families (the part a /probe answer holds). */
function addTargetFamilies(out: Families, t: TargetView, record: TargetRecord | undefined): void {
  const base = targetLabels(t);
  const result = t.last?.result;
  out.family('ksa_target_up', 'gauge', 'Whether the last cycle diagnosed the target (1) or could not (0: unreachable, auth, timeout, crash); absent before its first cycle.');
  out.family('ksa_target_status', 'gauge', 'The effective status of the last cycle (one series per status, 1 for the current one; as ksa diagnose gates it).');
  out.family('ksa_target_state', 'gauge', 'The target state of the watch state machine (ok, pending, unknown: docs/WATCH.md), 1 for the current one.');
  out.family('ksa_target_findings_firing', 'gauge', 'Findings of the target firing now, by severity (a finding on several nodes counts once per node).');
  out.family('ksa_target_cycles_total', 'counter', 'Cycles of the target that ended with a result since it was (re)started (scheduled and on demand).').push({ labels: base, value: t.cycles });
  if (result) {
    out.family('ksa_target_up', 'gauge', '').push({ labels: base, value: result.status === 'unknown' ? 0 : 1 });
    for (const s of STATUSES) out.family('ksa_target_status', 'gauge', '').push({ labels: { ...base, status: s }, value: result.status === s ? 1 : 0 });
    out.family('ksa_diagnosis_duration_seconds', 'gauge', 'How long the last cycle of the target took.', 'seconds').push({ labels: base, value: result.durationMs / 1000 });
    out.family('ksa_target_last_cycle_timestamp_seconds', 'gauge', 'When the last cycle of the target ended (Unix time).', 'seconds').push({ labels: base, value: t.last!.at / 1000 });
    addPluginMetrics(out, t, base, result.metrics);
  }
  if (record) {
    for (const s of TARGET_STATES) out.family('ksa_target_state', 'gauge', '').push({ labels: { ...base, state: s }, value: record.state === s ? 1 : 0 });
  }
  const firing = { warning: 0, critical: 0 };
  const series = new Map<string, { state: 'firing' | 'pending'; finding: string; severity: string }>();
  for (const f of Object.values(record?.findings ?? {})) {
    if (f.state !== 'firing' && f.state !== 'pending') continue;
    if (f.state === 'firing' && (f.finding.severity === 'warning' || f.finding.severity === 'critical')) firing[f.finding.severity]++;
    series.set(`${f.state}\u0000${f.finding.id}\u0000${f.finding.severity}`, { state: f.state, finding: f.finding.id, severity: f.finding.severity });
  }
  for (const sev of ALERT_SEVERITIES) out.family('ksa_target_findings_firing', 'gauge', '').push({ labels: { ...base, severity: sev }, value: firing[sev] });
  out.family('ksa_finding_firing', 'gauge', 'A finding firing now (1), by finding id and severity; present only while it fires (its nodes merged into one series).');
  out.family('ksa_finding_pending', 'gauge', 'A finding breaching but not yet past its for: (1); present only while pending.');
  for (const s of series.values()) {
    out.family(`ksa_finding_${s.state}`, 'gauge', '').push({ labels: { ...base, finding: s.finding, severity: s.severity }, value: 1 });
  }
}

/** The plugin's numbers as `ksa_<type>_<key>` gauges; its strings as labels of ksa_target_info. */
function addPluginMetrics(out: Families, t: TargetView, base: Record<string, string>, metrics: Readonly<Record<string, number | string>>): void {
  const prefix = `ksa_${pluginMetricName(t.type).part}_`;
  const info: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(metrics)) {
    const { part, scale } = pluginMetricName(key);
    if (!part) continue;
    if (typeof value === 'string') {
      if (!(part in info) && LABEL_NAME.test(part)) info[part] = value.slice(0, 200);
      continue;
    }
    if (!Number.isFinite(value)) continue;
    const name = `${prefix}${part}`;
    // Never a second family under one of ksa's own names (a type called `target`, say).
    if (OWN_FAMILY_PREFIXES.some((p) => name.startsWith(p))) continue;
    out.family(name, 'gauge', () => `The ${t.plugin} plugin's metric ${key.slice(0, 80)}${scale === 1 ? '' : ', in base units'}.`).push({ labels: base, value: value * scale });
  }
  out.family('ksa_target_info', 'gauge', 'Always 1: the text values the plugin reports about the target (version, role, mode) as labels.').push({ labels: info, value: 1 });
}

const OWN_FAMILY_PREFIXES = ['ksa_notifier_', 'ksa_target_', 'ksa_finding_', 'ksa_plugin_', 'ksa_scheduler_', 'ksa_schedule_', 'ksa_diagnosis_', 'ksa_build_', 'ksa_probe_'];

function addWatcherFamilies(out: Families, snapshot: LoopSnapshot, health: WatcherHealth): void {
  out.family('ksa_build_info', 'gauge', 'Always 1: the version of ksa serving these metrics.').push({ labels: { version: snapshot.version }, value: 1 });
  const s = health.scheduler;
  const lag = out.family('ksa_schedule_lag_seconds', 'summary', 'How late cycles started behind their schedule, quantiles over the self-health window.', 'seconds');
  for (const [q, key] of QUANTILES) lag.push({ labels: { quantile: q }, value: s.lagMs[key] / 1000 });
  out.family('ksa_schedule_lag_max_seconds', 'gauge', 'The latest start of a cycle behind its schedule over the window.', 'seconds').push({ labels: {}, value: s.lagMs.max / 1000 });
  out.family('ksa_scheduler_targets', 'gauge', 'Targets on the schedule of this process.').push({ labels: {}, value: s.jobs });
  out.family('ksa_scheduler_running_cycles', 'gauge', 'Cycles running now.').push({ labels: {}, value: s.running });
  out.family('ksa_scheduler_queued_cycles', 'gauge', 'Cycles due and waiting for a slot (the run queue).').push({ labels: {}, value: s.queue });
  out.family('ksa_scheduler_queued_cycles_max', 'gauge', 'The longest run queue seen since start.').push({ labels: {}, value: s.maxQueue });
  out.family('ksa_scheduler_cycles_total', 'counter', 'Cycles started since start (scheduled and on demand).').push({ labels: {}, value: s.cycles });
  out.family('ksa_scheduler_skipped_ticks_total', 'counter', "Ticks that found the target's previous cycle still running (or were missed) and were skipped.").push({ labels: {}, value: s.skipped });
  out.family('ksa_scheduler_overran_cycles_total', 'counter', 'Cycles still running at their deadline (their slot was given back).').push({ labels: {}, value: s.overran });
  for (const [receiver, depth] of Object.entries(snapshot.notifyQueue ?? {})) {
    out.family('ksa_notifier_queue_depth', 'gauge', 'Notifications waiting for delivery (queued or retrying), by receiver of notify:.').push({ labels: { receiver }, value: depth });
  }
  const byPlugin = new Map(health.plugins.map((p) => [p.plugin, p]));
  for (const p of snapshot.plugins) {
    const labels = { plugin: p.id };
    out.family('ksa_plugin_up', 'gauge', 'Whether the plugin runs (1) or is marked Failed in the registry (0).').push({ labels, value: p.state === 'Failed' ? 0 : 1 });
    out.family('ksa_plugin_enabled', 'gauge', 'Whether the plugin is enabled (1) or disabled through the API (0: its targets are off the schedule).').push({ labels, value: p.enabled ? 1 : 0 });
    const h = byPlugin.get(p.id);
    if (!h) continue;
    const latency = out.family('ksa_plugin_cycle_duration_seconds', 'summary', "Duration of the plugin's cycles, quantiles over the self-health window.", 'seconds');
    for (const [q, key] of QUANTILES) latency.push({ labels: { ...labels, quantile: q }, value: h.latencyMs[key] / 1000 });
    out.family('ksa_plugin_cycle_error_ratio', 'gauge', "Share of the plugin's cycles that could not diagnose (unknown) over the window, 0..1.", 'ratio').push({ labels, value: h.errorRate });
    out.family('ksa_plugin_window_cycles', 'gauge', "The plugin's cycles in the self-health window.").push({ labels, value: h.cycles });
    out.family('ksa_plugin_host_restarts_total', 'counter', "Times the plugin's host died and was replaced since start.").push({ labels, value: h.hostRestarts });
  }
}

/** Every family of the loop (/metrics), or those of one target (/probe: `only`). */
export function loopMetricFamilies(snapshot: LoopSnapshot, only?: string): MetricFamily[] {
  const out = new Families();
  if (snapshot.health && only === undefined) addWatcherFamilies(out, snapshot, snapshot.health);
  for (const t of snapshot.targets) {
    if (only !== undefined && t.name !== only) continue;
    addTargetFamilies(out, t, snapshot.records.get(t.name));
  }
  return out.list();
}
