// The running watch loop as another room (ksa serve) sees it: the one watcher and its sink, the
// config in force, and a reload. Read and triggered through this, never copied: one scheduler.
import type { Watcher } from './watcher.js';
import type { WatchSink } from './watch-sink.js';
import type { WatchTarget } from './watch-targets.js';
import type { KsaConfig } from '../config/schema.js';
import type { ManualRequest, ManualResult } from '../recovery/manual-action.js';

export interface WatchLoop {
  file: string;
  watcher: Watcher;
  sink: WatchSink;
  config(): KsaConfig;
  targets(): readonly WatchTarget[];
  /**
   * Re-reads ksa.yaml and applies it (as SIGHUP); resolves once applied or refused. `freshPlugins`:
   * a new plugin manager even if `plugins:` did not change (a plugin was installed or removed).
   */
  reload(why: string, options?: { freshPlugins?: boolean }): Promise<void>;
  /**
   * A declared action run by hand (the API), gated and recorded like the recovery engine's: through
   * the engine when this process runs one, else on the loop's state dir (src/recovery/manual-action.ts).
   */
  runManual(a: ManualRequest): Promise<ManualResult>;
  /** Notifications waiting for delivery, by receiver ({} without notify:). */
  notifyQueue(): Readonly<Record<string, number>>;
}

/** What `ksa serve` adds to the loop (its HTTP face); `ksa watch` passes none. */
export interface WatchExtras {
  /** Targets that stay out of this process (--shard, disabled plugins); checked at start and every reload. */
  keep?: (target: WatchTarget, loop: { sink: WatchSink }) => boolean;
  /** Started once the loop runs; closed first on SIGTERM/SIGINT (before the cycles' grace period). */
  attach?: (loop: WatchLoop) => Promise<{ close(): Promise<void> }>;
}
