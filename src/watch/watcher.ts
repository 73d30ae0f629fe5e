// The watch loop: one kept session per target (core/target-session.ts) on the scheduler, each
// cycle's result gated like `ksa diagnose` and handed to the sink (state machine -> store ->
// bus), self-health recorded. A reload applies a new target list: added targets start, removed
// ones stop, changed ones restart; the rest keep their connections and their schedule.
import { buildReport } from '../cli/report.js';
import { Scheduler, type SchedulerStats } from './scheduler.js';
import { SelfHealth, type WatcherHealth } from './self-health.js';
import { diffTargets, type TargetDiff, type WatchTarget } from './watch-targets.js';
import type { PluginManager } from '../core/manager.js';
import type { TargetSession } from '../core/target-session.js';
import type { FailOn } from '../core/status.js';
import type { DiagnosticResult, ErrorInfo } from '../core/types.js';

/** Where cycles go: the state machine, the store and the bus (src/watch/watch-sink.ts). */
export interface CycleSink {
  cycle(target: WatchTarget, result: DiagnosticResult, now: number): Promise<void>;
  /** A plugin's host died or its plugin went Failed (with the cause). */
  hostFailed(plugin: string, error: ErrorInfo, restarts: number): Promise<void>;
}

export interface WatcherOptions {
  concurrency: number;
  failOn: FailOn;
  /** Self-health window (latency percentiles, error rate, lag). */
  healthWindowMs: number;
  sink: CycleSink;
  /** A cycle's slot is given back this long after its deadline if it has not settled. */
  slotMarginMs?: number;
}

export interface TargetView {
  name: string;
  plugin: string;
  type: string;
  periodMs: number;
  labels: Readonly<Record<string, string>>;
  /** Cycles that ran to a result since the target was (re)started. */
  cycles: number;
  last?: { at: number; result: DiagnosticResult };
}

export class Watcher {
  private readonly targets = new Map<string, WatchTarget>();
  private readonly sessions = new Map<string, TargetSession>();
  private readonly last = new Map<string, { at: number; result: DiagnosticResult }>();
  private readonly cycles = new Map<string, number>();
  private readonly scheduler: Scheduler;
  private readonly health: SelfHealth;
  private stopping = false;

  constructor(private manager: PluginManager, private readonly options: WatcherOptions) {
    this.scheduler = new Scheduler({ concurrency: options.concurrency });
    this.health = new SelfHealth(options.healthWindowMs, (plugin) => this.manager.hostRestarts(plugin));
    this.watchFailures(manager);
  }

  private watchFailures(manager: PluginManager): void {
    manager.lifecycle.on('failed', (p) => {
      if (manager !== this.manager) return;
      const error = p.error ?? { code: 'KSA_ERR_PLUGIN_CRASH', message: `plugin ${p.id} failed`, retryable: true };
      void this.options.sink.hostFailed(p.id, error, manager.hostRestarts(p.id)).catch(() => undefined);
    });
  }

  get pluginManager(): PluginManager {
    return this.manager;
  }

  /**
   * Makes `next` the running target list; with a new manager (the plugins: section changed), every
   * target restarts on it and the old one is returned for the caller to close.
   */
  async apply(next: readonly WatchTarget[], manager: PluginManager = this.manager): Promise<TargetDiff & { retired?: PluginManager }> {
    const newManager = manager !== this.manager;
    const diff = diffTargets(this.targets, next);
    const restart = newManager ? next.filter((t) => this.targets.has(t.name)) : diff.changed;
    await Promise.all([...diff.removed, ...restart.map((t) => t.name)].map((name) => this.drop(name)));
    const retired = newManager ? this.manager : undefined;
    this.manager = manager;
    if (newManager) this.watchFailures(manager);
    for (const t of [...diff.added, ...restart]) this.add(t);
    return { ...diff, changed: restart, ...(retired ? { retired } : {}) };
  }

  /** Starts every target's schedule (first cycles spread over each interval). */
  start(): void {
    this.scheduler.start();
  }

  /** One cycle of every target now; their results in target order. */
  async runOnce(): Promise<DiagnosticResult[]> {
    await this.scheduler.runOnce();
    return [...this.targets.keys()].map((n) => this.last.get(n)?.result).filter((r): r is DiagnosticResult => r !== undefined);
  }

  /** Stops scheduling; in-flight cycles get `graceMs`; then every session closes. True if all settled. */
  async stop(graceMs: number): Promise<boolean> {
    const settled = await this.scheduler.stop(graceMs);
    // What the closing sessions cut short is our shutdown, not the target's state: not recorded.
    this.stopping = true;
    await Promise.all([...this.sessions.values()].map((s) => s.close().catch(() => undefined)));
    this.sessions.clear();
    return settled;
  }

  view(): TargetView[] {
    return [...this.targets.values()].map((t) => {
      const last = this.last.get(t.name);
      return { name: t.name, plugin: t.request.pluginId, type: t.config.type, periodMs: t.periodMs, labels: t.config.labels ?? {}, cycles: this.cycles.get(t.name) ?? 0, ...(last ? { last } : {}) };
    });
  }

  /**
   * Diagnoses one target now through the scheduler (its slot, its kept session, the same state
   * machine): a cycle already queued or running is shared, never doubled. Undefined for a target
   * this watcher does not run.
   */
  async runNow(name: string): Promise<{ at: number; result: DiagnosticResult } | undefined> {
    const cycle = this.scheduler.runNow(name);
    if (!cycle) return undefined;
    await cycle;
    return this.last.get(name);
  }

  hasTarget(name: string): boolean {
    return this.targets.has(name);
  }

  /** The last cycle of one target (undefined before its first). */
  lastOf(name: string): { at: number; result: DiagnosticResult } | undefined {
    return this.last.get(name);
  }

  selfHealth(): WatcherHealth {
    return this.health.report(this.scheduler.stats());
  }

  schedulerStats(): SchedulerStats {
    return this.scheduler.stats();
  }

  private add(t: WatchTarget): void {
    this.targets.set(t.name, t);
    this.sessions.set(t.name, this.manager.session(t.request, t.readPassword ? { readPassword: t.readPassword } : {}));
    this.scheduler.add(this.job(t));
  }

  private job(t: WatchTarget) {
    return {
      name: t.name,
      periodMs: t.periodMs,
      deadlineMs: t.request.opts.timeoutMs + (this.options.slotMarginMs ?? 1000),
      run: () => this.cycle(t.name),
    };
  }

  private async drop(name: string): Promise<void> {
    await this.scheduler.remove(name);
    const session = this.sessions.get(name);
    this.sessions.delete(name);
    this.targets.delete(name);
    this.last.delete(name);
    this.cycles.delete(name);
    await session?.close();
  }

  private async cycle(name: string): Promise<void> {
    const session = this.sessions.get(name);
    const target = this.targets.get(name);
    if (!session || !target) return;
    const { result: raw } = await session.diagnose();
    // The same effective status as `ksa diagnose --config` gives (defaults.failOn applied).
    const result = buildReport([raw], this.options.failOn).results[0]!;
    const now = Date.now();
    this.health.record(result.plugin.id, result.durationMs, result.status !== 'unknown');
    if (this.targets.get(name) !== target || this.stopping) return; // removed, restarted or shutting down: stale
    this.last.set(name, { at: now, result });
    this.cycles.set(name, (this.cycles.get(name) ?? 0) + 1);
    await this.options.sink.cycle(target, result, now);
  }
}
