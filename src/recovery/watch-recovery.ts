// The recovery engine wired into `ksa watch`: the built-in recovery plugins registered in the
// watch's PluginManager, the rules checked against the plugins (a bad rule stops the start, or is
// refused on reload while the old config runs on), the engine subscribed to the bus before the
// watcher's first event. Without rules nothing is started.
import { packageRoot } from '../core/package-root.js';
import { checkRules, registerRecoveryPlugins, type ActionRef } from './action-catalog.js';
import { realPorts } from './attempt.js';
import { RecoveryEngine, type RecoverySink } from './engine.js';
import type { PluginManager } from '../core/manager.js';
import type { Logger } from '../core/types.js';
import type { KsaConfig } from '../config/schema.js';
import type { WatchTarget } from '../watch/watch-targets.js';
import type { RecoveryConfig } from './rule-schema.js';

export interface WatchRecovery {
  /** A new config (and maybe a new manager) was accepted: its rules from now on. */
  apply(config: KsaConfig, manager: PluginManager, targets: readonly WatchTarget[]): void;
  stop(graceMs: number): Promise<void>;
  readonly engine: RecoveryEngine;
}

/** The rules of `config` checked against `manager`'s plugins (registering the built-in recovery ones); throws KSA_ERR_CONFIG_INVALID. */
export function recoveryActions(config: KsaConfig, manager: PluginManager): Map<string, ActionRef> {
  if (!config.recovery || config.recovery.rules.length === 0) return new Map();
  registerRecoveryPlugins(manager, packageRoot());
  return checkRules(manager, config.recovery);
}

const NO_RULES: RecoveryConfig = { mode: 'dry-run', rateLimit: { actions: 5, per: '1m' }, defaults: { maxAttempts: 3, backoff: { initial: '10s', max: '5m' }, cooldown: '15m', settle: '2s', verifyFor: '30s', timeout: '60s' }, rules: [] };

export async function startWatchRecovery(o: { config: KsaConfig; manager: PluginManager; targets: readonly WatchTarget[]; sink: RecoverySink & { stateDir: string }; enforce: boolean; logger: Logger; secrets: () => readonly string[] }): Promise<WatchRecovery> {
  let config = o.config;
  let manager = o.manager;
  let actions = recoveryActions(config, manager);
  let targets = new Map(o.targets.map((t) => [t.name, t]));
  const engine = new RecoveryEngine({
    config: () => config.recovery ?? NO_RULES,
    actions: () => actions,
    enforce: o.enforce,
    targets: () => targets,
    diagnose: (req) => manager.diagnose(req),
    ports: realPorts((pluginId, target, action, params, timeoutMs) => manager.execute(pluginId, target, action, params, true, timeoutMs)),
    sink: o.sink,
    stateDir: o.sink.stateDir,
    logger: o.logger,
    secrets: o.secrets,
  });
  await engine.start();
  const mode = o.enforce || config.recovery?.mode === 'enforce' ? 'enforce' : 'dry-run';
  if (actions.size > 0) o.logger.info(`recovery: ${actions.size} rule(s), ${mode}${mode === 'dry-run' ? ' (nothing runs: --enforce or recovery.mode: enforce)' : ''}`);
  return {
    engine,
    apply(next, nextManager, nextTargets) {
      actions = recoveryActions(next, nextManager);
      config = next;
      manager = nextManager;
      targets = new Map(nextTargets.map((t) => [t.name, t]));
      engine.reload();
    },
    stop: (graceMs) => engine.stop(graceMs),
  };
}
