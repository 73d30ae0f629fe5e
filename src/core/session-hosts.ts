// Where kept sessions (ksa watch, core/target-session.ts) live: the SessionPort the manager gives
// every TargetSession. A built-in plugin's sessions share the plugin's host; an external plugin in
// a child process gets a host per session, kept across cycles, so it never sees another target's
// credentials (as the one-shot dedicated host) yet is not spawned every cycle.
import { toErrorInfo } from './errors.js';
import type { CallOutcome, RemoteHost } from './isolation/remote-host.js';
import type { DiagnoseReply, HostMethod, PluginRef, SessionDiagnosePayload, SessionOpenPayload } from './isolation/protocol.js';
import type { DiagnoseRequest } from './manager.js';
import type { PluginRegistry, RegistryEntry } from './registry.js';
import type { HostLease, SessionPort } from './target-session.js';
import type { DiagnosticResult, ErrorInfo, MiddlewareTarget, Snapshot } from './types.js';

/** A session's host: the plugin's shared one, or (external plugins) one of the session's own. */
interface Lease extends HostLease {
  readonly host: RemoteHost;
}

/** What sessions need from the manager: its hosts, its bookkeeping of failures, its result checks. */
export interface SessionHostDeps {
  registry: PluginRegistry;
  ref(entry: RegistryEntry): PluginRef;
  /** External plugins in a child process: a host of the session's own. */
  needsOwnHost(entry: RegistryEntry): boolean;
  /** Throws when an external plugin may not run (e.g. lock-file verification). */
  verify(entry: RegistryEntry): void;
  /** A new host for this plugin and target (the caller starts it). */
  newHost(entry: RegistryEntry, target: MiddlewareTarget): RemoteHost;
  /** The plugin's running shared host, started if need be. */
  sharedHost(id: string, deadline: number): Promise<{ ok: true; host: RemoteHost } | { ok: false; error: ErrorInfo }>;
  /** Still the plugin's shared host (it may have been replaced after a death). */
  isSharedHost(id: string, host: RemoteHost): boolean;
  noteFailure(entry: RegistryEntry, method: HostMethod, outcome: CallOutcome<unknown>): void;
  /** A good call: the plugin's run of host deaths is over. */
  noteSuccess(id: string): void;
  noteDeath(id: string): void;
  /** Loads the result schema (with the first session, in parallel with its open). */
  loadResultSchema(): Promise<void>;
  shape(req: DiagnoseRequest, outcome: CallOutcome<DiagnoseReply>, startedAt: number): { result: DiagnosticResult; snapshot?: Snapshot };
  stopMs: number;
}

export class SessionHosts implements SessionPort {
  /** Hosts kept by sessions of external plugins (one per target), terminated by the manager's close() too. */
  private readonly own = new Set<RemoteHost>();

  constructor(private readonly deps: SessionHostDeps) {}

  /** The sessions' own hosts, forgotten here: the caller terminates them. */
  takeAll(): RemoteHost[] {
    const hosts = [...this.own];
    this.own.clear();
    return hosts;
  }

  async open(pluginId: string, target: MiddlewareTarget, session: string, deadline: number): Promise<{ ok: true; lease: HostLease } | { ok: false; error: ErrorInfo }> {
    const entry = this.deps.registry.require(pluginId);
    const payload: SessionOpenPayload = { plugin: this.deps.ref(entry), session, target };
    const lease = await this.leaseFor(entry, deadline, target);
    if (!lease.ok) return lease;
    const [opened] = await Promise.all([lease.lease.host.call('sessionOpen', payload, deadline), this.deps.loadResultSchema()]);
    this.deps.noteFailure(entry, 'sessionOpen', opened);
    if (opened.ok) return lease;
    if (lease.lease.dedicated) await this.end(lease.lease, entry);
    return { ok: false, error: opened.error ?? toErrorInfo(undefined) };
  }

  async diagnose(lease: HostLease, pluginId: string, session: string, req: DiagnoseRequest, deadline: number): Promise<CallOutcome<DiagnoseReply>> {
    const entry = this.deps.registry.require(pluginId);
    const { host } = lease as Lease;
    const payload: SessionDiagnosePayload = { session, opts: req.opts, withSnapshot: req.withSnapshot === true };
    const outcome = await host.call<DiagnoseReply>('sessionDiagnose', payload, deadline);
    this.deps.noteFailure(entry, 'sessionDiagnose', outcome);
    if (outcome.ok) this.deps.noteSuccess(pluginId);
    if (!outcome.ok && lease.dedicated && !host.alive) this.deps.noteDeath(pluginId);
    return outcome;
  }

  async close(lease: HostLease, pluginId: string, session: string): Promise<void> {
    const { host } = lease as Lease;
    const entry = this.deps.registry.require(pluginId);
    if (lease.dedicated) return this.end(lease as Lease, entry);
    if (host.alive) await host.call('sessionClose', { plugin: this.deps.ref(entry), session }, Date.now() + this.deps.stopMs);
  }

  current(lease: HostLease, pluginId: string): boolean {
    const { host } = lease as Lease;
    return host.alive && (lease.dedicated || this.deps.isSharedHost(pluginId, host));
  }

  shape(req: DiagnoseRequest, outcome: CallOutcome<DiagnoseReply>, startedAt: number): { result: DiagnosticResult; snapshot?: Snapshot } {
    return this.deps.shape(req, outcome, startedAt);
  }

  /** The plugin's shared host, or a started host of the session's own. */
  private async leaseFor(entry: RegistryEntry, deadline: number, target: MiddlewareTarget): Promise<{ ok: true; lease: Lease } | { ok: false; error: ErrorInfo }> {
    if (!this.deps.needsOwnHost(entry)) {
      const shared = await this.deps.sharedHost(entry.manifest.id, deadline);
      return shared.ok ? { ok: true, lease: { host: shared.host, dedicated: false } } : shared;
    }
    try {
      this.deps.verify(entry);
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
    const host = this.deps.newHost(entry, target);
    this.own.add(host);
    for (const hook of ['init', 'start'] as const) {
      const step = await host.call(hook, this.deps.ref(entry), deadline);
      if (!step.ok) {
        this.own.delete(host);
        await host.terminate();
        return { ok: false, error: step.error ?? toErrorInfo(undefined) };
      }
    }
    return { ok: true, lease: { host, dedicated: true } };
  }

  private async end(lease: Lease, entry: RegistryEntry): Promise<void> {
    this.own.delete(lease.host);
    if (lease.host.alive) await lease.host.call('stop', this.deps.ref(entry), Date.now() + this.deps.stopMs);
    await lease.host.terminate();
  }
}
