// The watcher's health of itself (seed 003's plugin health checker): per plugin, cycle latency
// percentiles and the share of cycles that could not diagnose over a sliding window, and its host
// restarts; for the whole watcher, how late cycles start and how many wait for a slot.
import { SlidingWindow } from './sliding-window.js';
import type { SchedulerStats } from './scheduler.js';

export interface PluginHealth {
  plugin: string;
  windowMs: number;
  cycles: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number };
  /** Cycles that ended unknown / all cycles in the window, 0..1. */
  errorRate: number;
  hostRestarts: number;
}

export interface WatcherHealth {
  plugins: PluginHealth[];
  scheduler: SchedulerStats;
}

export class SelfHealth {
  private readonly latency = new Map<string, SlidingWindow>();
  private readonly failed = new Map<string, SlidingWindow>();

  constructor(private readonly windowMs: number, private readonly hostRestarts: (plugin: string) => number) {}

  record(plugin: string, durationMs: number, ok: boolean): void {
    this.windowOf(this.latency, plugin).add(durationMs);
    this.windowOf(this.failed, plugin).add(ok ? 0 : 1);
  }

  report(scheduler: SchedulerStats): WatcherHealth {
    const plugins = [...this.latency.keys()].sort().map((plugin): PluginHealth => {
      const { count, p50, p90, p95, p99, max } = this.latency.get(plugin)!.summary();
      const outcomes = this.failed.get(plugin)!.recent();
      const errors = outcomes.reduce((n, v) => n + v, 0);
      return {
        plugin, windowMs: this.windowMs, cycles: count, latencyMs: { p50, p90, p95, p99, max },
        errorRate: outcomes.length === 0 ? 0 : Math.round((errors / outcomes.length) * 1000) / 1000,
        hostRestarts: this.hostRestarts(plugin),
      };
    });
    return { plugins, scheduler };
  }

  private windowOf(map: Map<string, SlidingWindow>, plugin: string): SlidingWindow {
    let w = map.get(plugin);
    if (!w) map.set(plugin, (w = new SlidingWindow(this.windowMs, 2048)));
    return w;
  }
}
