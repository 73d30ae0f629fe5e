// /probe?module=<type>&target=<host:port>: an ad-hoc endpoint, diagnosed once on demand (no
// schedule, no state machine, no credentials), only when ksa.yaml allows that endpoint for that
// middleware type (serve.probe.adhoc: patterns, `*` within one label or port). Anything else is
// refused before a connection is made: the probe cannot be pointed at an arbitrary host (SSRF).
// One diagnosis in flight per endpoint (concurrent scrapes share it), results cached as /probe's.
import { requestsFromConfig } from '../config/targets-from-config.js';
import { buildReport } from '../cli/report.js';
import { severityFailsGate, type FailOn } from '../core/status.js';
import type { KsaConfig } from '../config/schema.js';
import type { PluginManager } from '../core/manager.js';
import type { DiagnosticResult } from '../core/types.js';
import type { LoopSnapshot } from './loop-metrics.js';
import type { FindingRecord, TargetRecord } from '../watch/target-record.js';

const MAX_CACHED = 1000;

/** `10.0.0.*:6379` -> a regex where `*` matches within one label or the port. */
function patternRegex(pattern: string): RegExp {
  const escaped = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.:]*');
  return new RegExp(`^${escaped}$`);
}

/** Whether the config allows probing `endpoint` as a `module` target (only host:port, never a URL). */
export function adhocAllowed(config: KsaConfig, module: string, endpoint: string): boolean {
  const patterns = config.serve?.probe.adhoc?.[module];
  if (!patterns || !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(endpoint)) return false;
  return patterns.some((p) => patternRegex(p).test(endpoint));
}

export class AdhocProber {
  private readonly inFlight = new Map<string, Promise<DiagnosticResult>>();
  private readonly cache = new Map<string, { at: number; result: DiagnosticResult }>();

  async probe(o: { config: KsaConfig; file: string; manager: PluginManager; module: string; endpoint: string; cacheMs: number; failOn: FailOn }): Promise<{ result: DiagnosticResult; cached: boolean; at: number }> {
    const key = `${o.module}\u0000${o.endpoint}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at <= o.cacheMs) return { ...hit, cached: true };
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.diagnose(o).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    const result = await flight;
    const at = Date.now();
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at, result });
    return { result, cached: false, at };
  }

  private async diagnose(o: { config: KsaConfig; file: string; manager: PluginManager; module: string; endpoint: string; failOn: FailOn }): Promise<DiagnosticResult> {
    // The same request building as a ksa.yaml target (plugin config, options, default port), with no credentials.
    const one: KsaConfig = { ...o.config, targets: [{ name: `${o.module}/${o.endpoint}`, type: o.module, endpoints: [o.endpoint] }] };
    const [request] = requestsFromConfig(one, o.file, o.manager, {}, { thresholds: {} });
    const { result } = await o.manager.diagnose(request!);
    return buildReport([result], o.failOn).results[0]!;
  }
}

/**
 * The metric snapshot of one ad-hoc diagnosis: the target's families as for a configured target,
 * its findings that fail the gate as firing (there is no state machine, so no `for:` and no pending).
 */
export function adhocSnapshot(version: string, name: string, module: string, result: DiagnosticResult, at: number, failOn: FailOn): LoopSnapshot {
  const findings: Record<string, FindingRecord> = {};
  for (const f of result.findings) {
    if (f.severity === 'info' || f.baselined || !severityFailsGate(f.severity, failOn)) continue;
    findings[`${f.id}${f.node ? `@${f.node}` : ''}`] = { state: 'firing', since: at, episode: `${name}/${f.id}/${at}`, plugin: result.plugin.id, finding: { id: f.id, category: f.category, title: f.title, severity: f.severity, evidence: {}, suggestion: f.suggestion, ...(f.node ? { node: f.node } : {}) } };
  }
  const record: TargetRecord = { target: name, plugin: result.plugin.id, state: result.status === 'unknown' ? 'unknown' : 'ok', since: at, last: { at, status: result.status, durationMs: result.durationMs }, findings };
  return {
    version,
    targets: [{ name, plugin: result.plugin.id, type: module, periodMs: 0, labels: {}, cycles: 1, last: { at, result } }],
    records: new Map([[name, record]]),
    plugins: [],
  };
}
