// What every route of ksa serve reads: the running watch loop (never a copy of its state), the
// serve: section of the config in force, and the process's secrets for redaction.
import { disabledPlugins } from './plugin-switches.js';
import type { AdhocProber } from './adhoc-probe.js';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from './serve-config.js';
import type { LoopSnapshot } from './loop-metrics.js';
import type { WatchLoop } from '../watch/watch-loop.js';
import type { FailOn } from '../core/status.js';
import type { Logger } from '../core/types.js';

export interface ServeContext {
  version: string;
  loop: WatchLoop;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Every secret value known to the process (passwords, tokens): scrubbed from every answer. */
  secrets(): readonly string[];
  failOn(): FailOn;
  /** Set once the loop has started; false again while stopping. */
  ready(): boolean;
  /** --plugin-home: where the API installs plugins (as `ksa plugin install`). */
  pluginHome: string | undefined;
  /** Ad-hoc /probe endpoints (serve.probe.adhoc): their diagnoses in flight and their cache. */
  adhoc: AdhocProber;
}

export function serveConfig(ctx: Pick<ServeContext, 'loop'>): ServeConfig {
  return ctx.loop.config().serve ?? DEFAULT_SERVE_CONFIG;
}

export function loopSnapshot(ctx: Pick<ServeContext, 'loop' | 'version'>, withHealth: boolean): LoopSnapshot {
  const { watcher, sink } = ctx.loop;
  const disabled = disabledPlugins(sink);
  return {
    version: ctx.version,
    targets: watcher.view(),
    records: sink.records(),
    ...(withHealth ? { health: watcher.selfHealth(), notifyQueue: ctx.loop.notifyQueue() } : {}),
    plugins: watcher.pluginManager.registry.list().map((e) => ({ id: e.manifest.id, state: e.state, enabled: !disabled.has(e.manifest.id) })),
  };
}
