// PluginManager: the facade the CLI talks to. It owns the registry, the lifecycle manager and one
// isolation host per running plugin, and turns every plugin outcome (including timeouts, crashes
// and invalid output) into a DiagnosticResult: plugin failures never throw out of diagnose().
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ksaError, toErrorInfo } from './errors.js';
import { LifecycleManager } from './lifecycle.js';
import { dependencyOrder, readBuiltinIndex, type ManifestRecord } from './loader.js';
import { PluginRegistry, type RegistryEntry } from './registry.js';
import { SCHEMA_VERSION } from './versions.js';
import { unknownResult } from './unknown-result.js';
import { admitAction } from './action-policy.js';
import { checkParams } from './action-params.js';
import { roundToHundredths } from './round.js';
import { redactSecrets } from './redact.js';
import { targetSecrets } from './plugin-options.js';
import { RemoteHost, type CallOutcome, type HostTransport } from './isolation/remote-host.js';
import { createWorkerTransport } from './isolation/worker-transport.js';
import { DEFAULT_HEAP_MB, discardPrewarmed, takePrewarmed } from './isolation/prewarm.js';
import { createChildTransport } from './isolation/child-transport.js';
import { createInProcessTransport } from './isolation/in-process-transport.js';
import { childSandbox, chooseSandbox, type PluginTrust, type SandboxMode, type SandboxSetting } from './isolation/plugin-sandbox.js';
import { hostPolicy } from './isolation/host-permissions.js';
import type { ChildSandbox } from './isolation/child-transport.js';
import { firstIssue } from './zod-issues.js';
import { closestName } from './closest-name.js';
import { findUnknownThresholdKey } from './threshold-keys.js';
import { TargetSession, type SessionOptions } from './target-session.js';
import { SessionHosts } from './session-hosts.js';
import { checkedResult } from './diagnose-result.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { DiagnosePayload, DiagnoseReply, ExecutePayload, HostMethod, NotifyPayload, PluginRef } from './isolation/protocol.js';
import type { NotifierDelivery } from '../notify/notification.js';
import type { ActionOutcome, DiagnoseOptions, DiagnosticResult, ErrorInfo, HealthReport, Logger, PluginDescription, MiddlewareTarget, Snapshot } from './types.js';

export type IsolationMode = 'auto' | 'worker' | 'process' | 'none';

export interface ManagerOptions {
  packageRoot: string;
  /** External plugins: directory paths or installed npm package names. */
  externals?: readonly string[];
  /** Directories whose sub-directories are plugin packages. */
  discoveryDirs?: readonly string[];
  /** Extra roots searched for node_modules/<package> (ksa's plugin directory). */
  packageRoots?: readonly string[];
  cwd?: string;
  isolation?: IsolationMode;
  pluginConfig?: Record<string, Record<string, unknown>>;
  disabled?: readonly string[];
  logger: Logger;
  heapLimitMb?: number;
  /** Sandbox of external plugin hosts (--plugin-sandbox, plugins.sandbox); default auto. */
  sandbox?: SandboxSetting;
  /** --plugin-trust: `full` runs every external plugin unsandboxed (with a warning). */
  trust?: PluginTrust;
  /** Plugins trusted in ksa.yaml (plugins.<id>.trust: full). */
  trustedPlugins?: readonly string[];
  /** Called before an external plugin's code is first imported (e.g. lock-file verification). */
  verifyExternal?: (record: RegistryEntry) => void;
  /**
   * Long-running use (watch): a plugin whose host keeps dying stays Failed, with its cause, for a
   * growing wait before its host is started again. Without it (one-shot), the next call restarts it.
   */
  hostRestartBackoff?: BackoffPolicy;
}

export interface DiagnoseRequest {
  pluginId: string;
  target: MiddlewareTarget;
  opts: DiagnoseOptions;
  withSnapshot?: boolean;
}

/** A host start (~130 ms) plus a diagnosis: below this a retry could only time out. */
const RETRY_MIN_MS = 500;
/** Default time each plugin's stop hook gets when the manager closes. */
const STOP_MS = 2000;

export class PluginManager {
  readonly registry = new PluginRegistry();
  readonly lifecycle: LifecycleManager;
  private readonly hosts = new Map<string, RemoteHost>();
  private readonly starting = new Map<string, Promise<void>>();
  private readonly options: ManagerOptions;
  /** plugins.<id>.config as checked against the plugin's declared options (config/plugin-config.ts). */
  private readonly checkedConfig = new Map<string, Record<string, unknown>>();
  /** Decided when the first external host starts (bubblewrap is probed at most once). */
  private sandboxMode: SandboxMode | undefined;
  private readonly sandboxWarned = new Set<string>();
  /** Host deaths per plugin since its last good call, and when its host may start again. */
  private readonly restarts = new Map<string, { deaths: number; retryAt: number; total: number }>();
  /** Kept sessions' hosts (core/session-hosts.ts): the SessionPort of every TargetSession. */
  private readonly sessionHosts: SessionHosts;

  constructor(options: ManagerOptions) {
    this.options = options;
    this.lifecycle = new LifecycleManager(this.registry, {
      init: (id, deadline) => this.initHost(id, deadline),
      start: (id, deadline) => this.runHook(id, 'start', deadline),
      stop: (id, deadline) => this.stopHost(id, deadline),
      reload: (id, deadline) => this.runHook(id, 'reload', deadline),
    }, () => dependencyOrder(this.registry.list().map((e) => e.manifest)));
    this.sessionHosts = new SessionHosts({
      registry: this.registry,
      ref: (entry) => this.ref(entry),
      needsOwnHost: (entry) => this.needsDedicatedHost(entry, 'diagnose'),
      verify: (entry) => this.options.verifyExternal?.(entry),
      newHost: (entry, target) => new RemoteHost(this.transportFor(entry, target), (level, message, fields) => this.options.logger[level](message, fields)),
      sharedHost: (id, deadline) => this.sharedHost(id, deadline),
      isSharedHost: (id, host) => this.hosts.get(id) === host,
      noteFailure: (entry, method, outcome) => this.noteFailure(entry, method, outcome),
      noteSuccess: (id) => { const r = this.restarts.get(id); if (r) r.deaths = 0; },
      noteDeath: (id) => this.noteDeath(id),
      loadResultSchema: () => this.resultSchema(),
      shape: (req, outcome, startedAt) => this.shapeResult(req, outcome, startedAt),
      stopMs: STOP_MS,
    });
  }

  /** Reads every manifest (no plugin code) and registers the plugins as Loaded. */
  async load(): Promise<this> {
    const cwd = this.options.cwd ?? process.cwd();
    const externals = this.options.externals ?? [];
    const dirs = this.options.discoveryDirs ?? [];
    const builtin = readBuiltinIndex(this.options.packageRoot);
    // zod and yaml are loaded only when something is not in the build-time index.
    const reader = !builtin || externals.length > 0 || dirs.length > 0 ? await import('./manifest-reader.js') : undefined;
    const records: ManifestRecord[] = [
      ...(builtin ?? reader!.readBuiltinYaml(this.options.packageRoot)),
      ...dirs.flatMap((d) => reader!.discoverDirectory(d)),
      ...externals.map((spec) => reader!.resolveExternal(spec, cwd, this.options.packageRoots)),
    ];
    const disabled = new Set(this.options.disabled ?? []);
    const seen = new Set<string>();
    for (const r of records) {
      if (disabled.has(r.manifest.id)) continue;
      // The same package named by --plugin and found by discovery is one plugin, not a duplicate.
      const key = `${r.manifest.id}\0${realpathOr(r.location)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.registry.register({ ...r, state: 'Unloaded' });
      this.lifecycle.load(r.manifest.id);
    }
    dependencyOrder(this.registry.list().map((e) => e.manifest)); // rejects cycles and unmet requires up front
    return this;
  }

  /** The plugin's config, checked and coerced by the caller; it replaces the raw ManagerOptions.pluginConfig. */
  configurePlugin(id: string, config: Record<string, unknown>): void {
    this.checkedConfig.set(id, config);
  }

  pluginForType(type: string): RegistryEntry {
    const entry = this.registry.getMiddlewarePlugin(type);
    if (!entry) {
      const types = this.registry.middlewareTypes();
      const near = closestName(type, types);
      throw ksaError('KSA_ERR_UNKNOWN_TYPE', `no plugin diagnoses ${JSON.stringify(type)} (known types: ${types.join(', ') || 'none'})`, near ? { fix: `did you mean ${near}?` } : undefined);
    }
    return entry;
  }

  async diagnose(req: DiagnoseRequest): Promise<{ result: DiagnosticResult; snapshot?: Snapshot }> {
    const startedAt = Date.now();
    const entry = this.registry.require(req.pluginId);
    const payload: DiagnosePayload = { plugin: this.ref(entry), target: req.target, opts: req.opts, withSnapshot: req.withSnapshot === true };
    const [outcome] = await Promise.all([this.callPlugin<DiagnoseReply>(entry, 'diagnose', payload, startedAt + req.opts.timeoutMs), this.resultSchema()]);
    return this.shapeResult(req, outcome, startedAt);
  }

  /** A kept session for one target (ksa watch): connect once, diagnose every cycle (core/target-session.ts). */
  session(req: DiagnoseRequest, options: SessionOptions = {}): TargetSession {
    return new TargetSession(req, this.sessionHosts, options);
  }

  /** Long-running use: see ManagerOptions.hostRestartBackoff. */
  enableHostRestartBackoff(policy: BackoffPolicy): void {
    this.options.hostRestartBackoff = policy;
  }

  /** Host deaths of a plugin since it was loaded (self-health). */
  hostRestarts(id: string): number {
    return this.restarts.get(id)?.total ?? 0;
  }

  /** The checked result of a diagnose call, or the unknown result carrying its error (core/diagnose-result.ts). */
  private shapeResult(req: DiagnoseRequest, outcome: CallOutcome<DiagnoseReply>, startedAt: number): { result: DiagnosticResult; snapshot?: Snapshot } {
    return checkedResult(this.registry.require(req.pluginId).manifest, req, outcome, startedAt, this.loadedResultSchema!);
  }

  private loadedResultSchema: typeof import('./schemas.js')['DiagnosticResultSchema'] | undefined;

  /** zod and the schemas load with the first diagnosis (in parallel with it), not at start-up. */
  private async resultSchema(): Promise<void> {
    this.loadedResultSchema ??= (await import('./schemas.js')).DiagnosticResultSchema;
  }

  /** The plugin's running shared host, started if need be (after its restart wait, if Failed). */
  private async sharedHost(id: string, deadline: number): Promise<{ ok: true; host: RemoteHost } | { ok: false; error: ErrorInfo }> {
    // A host whose last call timed out is first checked (ping, <= 150 ms): a blocked one is
    // retired here instead of failing this call.
    await this.hosts.get(id)?.settled();
    try {
      await this.ensureRunning(id, deadline);
    } catch (error) {
      return { ok: false, error: toErrorInfo(error, 'KSA_ERR_PLUGIN_CRASH') };
    }
    const host = this.hosts.get(id);
    return host ? { ok: true, host } : { ok: false, error: ksaError('KSA_ERR_INTERNAL', `plugin ${id} has no host`).toInfo() };
  }

  /** Offline analysis of a saved snapshot (no network), in the plugin's host. */
  async analyze(snapshotInput: unknown, opts: DiagnoseOptions): Promise<DiagnosticResult> {
    const { DiagnosticResultSchema, SnapshotSchema } = await import('./schemas.js');
    const parsed = SnapshotSchema.safeParse(snapshotInput);
    if (!parsed.success) throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `snapshot: ${firstIssue(parsed.error)}`);
    const snapshot = parsed.data;
    const entry = this.registry.require(snapshot.plugin);
    const startedAt = Date.now();
    const outcome = await this.callPlugin<DiagnosticResult>(entry, 'analyze', { plugin: this.ref(entry), snapshot, opts }, startedAt + opts.timeoutMs);
    if (!outcome.ok) return unknownResult({ id: entry.manifest.id, version: entry.manifest.version }, snapshot.target, outcome.error ?? toErrorInfo(undefined), startedAt);
    const result = DiagnosticResultSchema.safeParse(outcome.value);
    if (!result.success) throw ksaError('KSA_ERR_PLUGIN_INVALID', `plugin ${entry.manifest.id} returned an invalid result (${firstIssue(result.error)})`);
    return result.data;
  }

  async execute(pluginId: string, target: MiddlewareTarget, action: string, params: Record<string, unknown>, allowWrite: boolean, timeoutMs: number): Promise<ActionOutcome> {
    const entry = this.registry.require(pluginId);
    // The one place that decides (src/core/action-policy.ts), from the manifest, in the main
    // process: the plugin is not even started for a refused action, whatever the isolation mode.
    const spec = admitAction(entry.manifest, action, allowWrite);
    // Declared parameters reach the plugin checked and typed (src/core/action-params.ts).
    const checked = spec.params ? checkParams(spec.params, params, 'params') : params;
    const payload: ExecutePayload = { plugin: this.ref(entry), target, action, params: checked, allowWrite };
    const outcome = await this.callPlugin<ActionOutcome>(entry, 'execute', payload, Date.now() + timeoutMs);
    if (!outcome.ok) return { ok: false, detail: redactSecrets(`${outcome.error?.code}: ${outcome.error?.message}`, targetSecrets(target, entry.manifest)) };
    return outcome.value ?? { ok: false, detail: 'no outcome' };
  }

  /**
   * One delivery attempt by a notifier plugin (src/notify/deliver.ts checks the answer), under its
   * deadline, isolated like any call: an external notifier (a user hook) gets a child process of
   * its own that is killed at the deadline, so a hook that hangs or busy-loops stops there.
   */
  async notify(pluginId: string, delivery: NotifierDelivery, deadline: number): Promise<CallOutcome<unknown>> {
    const entry = this.registry.require(pluginId);
    if (entry.manifest.type !== 'notifier') throw ksaError('KSA_ERR_BAD_INPUT', `plugin ${pluginId} is a ${entry.manifest.type} plugin, not a notifier`, { fix: 'name a plugin of type notifier (ksa plugin list --type notifier)' });
    const payload: NotifyPayload = { plugin: this.ref(entry), delivery };
    return this.callPlugin<unknown>(entry, 'notify', payload, deadline);
  }

  /** Runs each plugin's healthCheck in its host: state, latency and last error. */
  async health(ids: readonly string[], timeoutMs: number): Promise<HealthReport> {
    const plugins = await Promise.all(ids.map(async (id) => {
      const entry = this.registry.require(id);
      // Start the host first so latency measures the health check, not the host's start-up.
      await this.ensureRunning(id, Date.now() + timeoutMs).catch(() => undefined);
      const t0 = performance.now();
      const outcome = await this.callPlugin<{ healthy: boolean; detail?: string }>(entry, 'health', this.ref(entry), Date.now() + timeoutMs);
      const latencyMs = roundToHundredths(performance.now() - t0);
      const healthy = outcome.ok && outcome.value?.healthy === true;
      const lastError = outcome.ok ? entry.lastError : outcome.error;
      return { id, state: entry.state, healthy, latencyMs, ...(lastError ? { lastError } : {}) };
    }));
    const { HealthReportSchema } = await import('./schemas.js');
    return HealthReportSchema.parse({ schemaVersion: SCHEMA_VERSION, plugins });
  }

  /**
   * What a plugin's code declares beyond its manifest (thresholds with defaults), read in a
   * throwaway host that only imports the module: no init, no lifecycle change, no target.
   * Everything the plugin says is checked here (schema, ids against its manifest's checks).
   */
  async describe(id: string, timeoutMs: number): Promise<{ ok: true; description: PluginDescription } | { ok: false; error: ErrorInfo }> {
    const entry = this.registry.require(id);
    const outcome = await this.callInDedicatedHost<unknown>(entry, 'describe', this.ref(entry), Date.now() + timeoutMs, { init: false });
    if (!outcome.ok) return { ok: false, error: outcome.error ?? ksaError('KSA_ERR_INTERNAL', `describe of ${id} failed without a reason`).toInfo() };
    const { PluginDescriptionSchema } = await import('./schemas.js');
    const invalid = (why: string) => ({ ok: false as const, error: ksaError('KSA_ERR_PLUGIN_INVALID', `${id} declares invalid thresholds: ${why}`).toInfo() });
    const parsed = PluginDescriptionSchema.safeParse(outcome.value);
    if (!parsed.success) return invalid(firstIssue(parsed.error));
    const stray = findUnknownThresholdKey(parsed.data.thresholds.map((t) => t.id), entry.manifest.checks);
    if (stray) return invalid(`${JSON.stringify(stray.key)} matches no check in its manifest`);
    return { ok: true, description: parsed.data };
  }

  /**
   * Re-initialises a plugin with its current config (plugins.<id>.config): a live instance in
   * place, through its reload hook, under `timeoutMs`. The next call starts it again.
   */
  async reload(id: string, timeoutMs: number): Promise<void> {
    await this.lifecycle.reload(id, Date.now() + timeoutMs);
  }

  /**
   * Stops every running plugin (its stop hook, `stopMs` each, dependants first; Running ->
   * Stopped), then terminates every host that is left.
   */
  async close(stopMs = STOP_MS): Promise<void> {
    await this.lifecycle.stopAll(stopMs);
    const hosts = [...this.hosts.values(), ...this.sessionHosts.takeAll()];
    this.hosts.clear(); // first, so these deliberate terminations do not read as deaths
    for (const entry of this.registry.list()) {
      // Started but never running (or mid-start): its instance goes with its host.
      if (entry.state === 'Initialized') this.lifecycle.transition(entry.manifest.id, 'Loaded');
    }
    await Promise.all([...hosts.map((h) => h.terminate().catch(() => undefined)), discardPrewarmed()]);
  }

  private ref(entry: RegistryEntry): PluginRef {
    return { manifest: entry.manifest, entryUrl: pathToFileURL(entry.entryPath).href, config: this.checkedConfig.get(entry.manifest.id) ?? this.options.pluginConfig?.[entry.manifest.id] ?? {} };
  }

  private async callPlugin<T>(entry: RegistryEntry, method: HostMethod, payload: unknown, deadline: number): Promise<CallOutcome<T>> {
    const id = entry.manifest.id;
    if (this.needsDedicatedHost(entry, method)) return this.callInDedicatedHost<T>(entry, method, payload, deadline);
    const shared = await this.sharedHost(id, deadline);
    if (!shared.ok) return shared;
    const { host } = shared;
    const outcome = await host.call<T>(method, payload, deadline);
    if (!outcome.ok && outcome.error !== undefined && outcome.error === host.deathReason && !host.terminatedByOwner && this.retryable(method, deadline)) {
      // The shared host died under this call (a crash, OOM or exit caused by this call or by
      // another target's call on the same plugin). Diagnosis is read-only, so run it once more in
      // a host of its own: an innocent target gets its real result, a culprit fails alone.
      this.options.logger.debug(`plugin ${id} host died during ${method} (${outcome.error.code}); retrying in a dedicated host`);
      return this.callInDedicatedHost<T>(entry, method, payload, deadline);
    }
    this.noteFailure(entry, method, outcome);
    return outcome;
  }

  /** Read-only calls with enough time left for a host start and a diagnosis. */
  private retryable(method: HostMethod, deadline: number): boolean {
    return (method === 'diagnose' || method === 'metrics') && deadline - Date.now() >= RETRY_MIN_MS;
  }

  /**
   * An external plugin gets a fresh child process for every call that carries a target or a
   * receiver (and so their secrets): it can never see another target's credentials, and whatever
   * it leaves behind (processes, timers, sockets) dies with the process.
   */
  private needsDedicatedHost(entry: RegistryEntry, method: HostMethod): boolean {
    const mode = this.options.isolation ?? 'auto';
    return entry.source === 'external' && (mode === 'auto' || mode === 'process') && (method === 'diagnose' || method === 'execute' || method === 'metrics' || method === 'notify');
  }

  private async callInDedicatedHost<T>(entry: RegistryEntry, method: HostMethod, payload: unknown, deadline: number, options: { init: boolean } = { init: true }): Promise<CallOutcome<T>> {
    try {
      if (entry.source === 'external') this.options.verifyExternal?.(entry);
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
    const { target } = payload as { target?: MiddlewareTarget };
    const host = new RemoteHost(this.transportFor(entry, target), (level, message, fields) => this.options.logger[level](message, fields));
    let started = false;
    try {
      if (options.init) {
        // The same lifecycle as a shared host, compressed into one call: init, start, the call, stop.
        for (const hook of ['init', 'start'] as const) {
          const step = await host.call(hook, this.ref(entry), deadline);
          if (!step.ok) return step as CallOutcome<T>;
        }
        started = true;
      }
      const outcome = await host.call<T>(method, payload, deadline);
      this.noteFailure(entry, method, outcome);
      return outcome;
    } finally {
      // The caller has its answer; the stop hook gets its own time, then the host goes.
      void (started ? host.call('stop', this.ref(entry), Date.now() + STOP_MS) : Promise.resolve()).finally(() => host.terminate());
    }
  }

  private noteFailure(entry: RegistryEntry, method: HostMethod, outcome: CallOutcome<unknown>): void {
    if (outcome.ok) return;
    if (outcome.error) entry.lastError = outcome.error;
    if (outcome.stack) this.options.logger.debug(`plugin ${entry.manifest.id} ${method} failed`, { stack: outcome.stack });
  }

  /** Concurrent callers share one start; the first caller's deadline bounds init and start. */
  private ensureRunning(id: string, deadline: number): Promise<void> {
    const state = this.registry.getState(id);
    if (state === 'Running' && this.hosts.get(id)?.alive) return Promise.resolve();
    const waitMs = state === 'Failed' ? (this.restarts.get(id)?.retryAt ?? 0) - Date.now() : 0;
    if (waitMs > 0) {
      // Failed with its cause in the registry; retried once the wait is over, other plugins unaffected.
      const cause = this.registry.require(id).lastError;
      return Promise.reject(Object.assign(new Error(), {
        code: cause?.code ?? 'KSA_ERR_PLUGIN_CRASH',
        message: `plugin ${id} is Failed (${cause?.message ?? 'its host died'}); its host restarts in ${(waitMs / 1000).toFixed(1)} s`,
        retryable: false,
      }));
    }
    let p = this.starting.get(id);
    if (!p) {
      p = this.lifecycle.ensureRunning(id, deadline).finally(() => this.starting.delete(id));
      this.starting.set(id, p);
    }
    return p;
  }

  /** Starts the plugin's host (or keeps its live one) and runs the instance's init hook. */
  private async initHost(id: string, deadline: number): Promise<void> {
    const entry = this.registry.require(id);
    const live = this.hosts.get(id);
    if (live?.alive) return this.runHook(id, 'init', deadline);
    if (entry.source === 'external') this.options.verifyExternal?.(entry);
    const host = new RemoteHost(this.transportFor(entry), (level, message, fields) => this.options.logger[level](message, fields));
    this.hosts.set(id, host);
    const outcome = await host.call('init', this.ref(entry), deadline);
    if (!outcome.ok) {
      this.hosts.delete(id);
      await host.terminate();
      throw Object.assign(new Error(outcome.error?.message ?? 'init failed'), outcome.error);
    }
    // From here on a death is the running plugin's (a failed init is reported by the lifecycle).
    host.onDeath((why) => { if (this.hosts.get(id) === host) this.retireHost(id, why); });
  }

  /** The host died (crash, exit, OOM, blocked): record why; the next call starts a fresh one. */
  private retireHost(id: string, why: ErrorInfo): void {
    this.hosts.delete(id);
    this.noteDeath(id);
    const state = this.registry.getState(id);
    if (state !== 'Failed' && this.lifecycle.canTransition(state, 'Failed')) this.lifecycle.transition(id, 'Failed', why);
  }

  /** Counts a host death; with hostRestartBackoff, the next start waits (none after the first death). */
  private noteDeath(id: string): void {
    const r = this.restarts.get(id) ?? { deaths: 0, retryAt: 0, total: 0 };
    r.deaths++;
    r.total++;
    const policy = this.options.hostRestartBackoff;
    r.retryAt = policy ? Date.now() + backoffDelay(r.deaths - 1, policy) : 0;
    this.restarts.set(id, r);
  }

  /** A lifecycle hook of the instance in the plugin's live host, under its own deadline. */
  private async runHook(id: string, hook: 'init' | 'start' | 'stop' | 'reload', deadline: number): Promise<void> {
    const host = this.hosts.get(id);
    if (!host?.alive) throw ksaError('KSA_ERR_INTERNAL', `plugin ${id} has no live host for its ${hook} hook`);
    const outcome = await host.call(hook, this.ref(this.registry.require(id)), deadline);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error?.message ?? `${hook} failed`), outcome.error);
  }

  /** The instance's stop hook, then its host goes (a Stopped plugin has none). */
  private async stopHost(id: string, deadline: number): Promise<void> {
    try {
      await this.runHook(id, 'stop', deadline);
    } finally {
      const host = this.hosts.get(id);
      this.hosts.delete(id);
      await host?.terminate();
    }
  }

  private transportFor(entry: RegistryEntry, target?: MiddlewareTarget): HostTransport {
    const mode = this.options.isolation ?? 'auto';
    const heap = this.options.heapLimitMb ?? DEFAULT_HEAP_MB;
    const log = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => this.options.logger[level](message);
    const kind = mode === 'auto' ? (entry.source === 'builtin' ? 'worker' : 'process') : mode;
    const factories: Record<'worker' | 'process' | 'none', () => HostTransport> = {
      worker: () => takePrewarmed(pathToFileURL(entry.entryPath).href, heap, log) ?? createWorkerTransport({ maxOldGenerationSizeMb: heap }, log),
      process: () => createChildTransport({ maxOldSpaceSizeMb: heap }, log, this.sandboxFor(entry, target)),
      none: () => createInProcessTransport(),
    };
    return factories[kind]();
  }

  /**
   * The sandbox of an external plugin's host for this call (built-ins are ksa's own code: none):
   * what it may read follows from its package, ksa's runtime and its declared permissions, with
   * references resolved against its config and the call's target.
   */
  private sandboxFor(entry: RegistryEntry, target: MiddlewareTarget | undefined): ChildSandbox | undefined {
    if (entry.source === 'builtin') return undefined;
    const id = entry.manifest.id;
    const trust: PluginTrust = this.options.trust === 'full' || this.options.trustedPlugins?.includes(id) ? 'full' : 'sandboxed';
    const warnOnce = (key: string, message: string) => {
      if (this.sandboxWarned.has(key)) return;
      this.sandboxWarned.add(key);
      this.options.logger.warn(message);
    };
    if (trust === 'full') {
      warnOnce(`trust:${id}`, `plugin ${id} runs with full trust (--plugin-trust full or plugins.${id}.trust): it can read every file and secret ksa can, start programs and signal ksa`);
      return undefined;
    }
    if (this.sandboxMode === undefined) {
      this.sandboxMode = chooseSandbox(this.options.sandbox ?? 'auto', (m) => warnOnce('mode', m));
      this.options.logger.debug(`external plugin hosts: sandbox ${this.sandboxMode}`);
    }
    const mode = this.sandboxMode;
    if (mode === 'none') warnOnce('mode', '--plugin-sandbox none: external plugins run unsandboxed: they can read every file and secret ksa can, start programs and signal ksa');
    const policy = hostPolicy({ manifest: entry.manifest, pluginDir: entry.location, ksaRoot: this.options.packageRoot, config: this.ref(entry).config, ...(target ? { target } : {}) });
    if (policy.unset.length > 0) this.options.logger.debug(`plugin ${id}: declared reads with no value configured, not granted: ${policy.unset.join(', ')}`);
    return childSandbox(mode, trust, policy);
  }
}

function realpathOr(location: string): string {
  try {
    return realpathSync(location);
  } catch {
    return location;
  }
}
