// ksa.yaml -> what the watcher runs per target: the diagnosis request (core's, as `diagnose
// --config` builds it), its interval, its alerting policy layers, where its password can be read
// again, and a fingerprint that tells a reload whether the target changed.
import { parseDuration } from '../core/duration.js';
import { requestsFromConfig } from '../config/targets-from-config.js';
import { passwordReader } from '../config/password-reader.js';
import { pickConfigTarget } from '../config/config-target-name.js';
import type { DiagnoseRequest, PluginManager } from '../core/manager.js';
import type { KsaConfig, TargetConfig } from '../config/schema.js';

export interface WatchTarget {
  name: string;
  request: DiagnoseRequest;
  periodMs: number;
  config: TargetConfig;
  /** `defaults:` of the file: the first layer of the target's alerting policy (for:, hysteresis:). */
  defaults: KsaConfig['defaults'];
  readPassword: (() => string | undefined) | undefined;
  /** Equal fingerprints: nothing to restart on reload. */
  fingerprint: string;
}

/** Every target of the file, or only those named by --target (each must exist). */
export function watchTargets(config: KsaConfig, file: string, manager: PluginManager, env: NodeJS.ProcessEnv, only: readonly string[] = []): WatchTarget[] {
  for (const n of only) pickConfigTarget(config.targets, n, file);
  const byName = new Map(config.targets.map((t) => [t.name, t]));
  const defaultInterval = parseDuration(config.defaults.interval, 'defaults.interval');
  return requestsFromConfig(config, file, manager, env, { thresholds: {} })
    .filter((r) => only.length === 0 || only.includes(r.target.name))
    .map((request) => {
      const t = byName.get(request.target.name)!;
      const at = config.targets.indexOf(t);
      const periodMs = t.interval ? parseDuration(t.interval, `targets[${at}].interval`) : defaultInterval;
      return {
        name: t.name,
        request,
        periodMs,
        config: t,
        defaults: config.defaults,
        readPassword: passwordReader(t, env),
        // The config as written (the password file's path, not its content: a rotation is not a change).
        fingerprint: JSON.stringify([t, periodMs, config.defaults, config.plugins]),
      };
    });
}

export interface TargetDiff {
  added: WatchTarget[];
  removed: string[];
  changed: WatchTarget[];
}

export function diffTargets(running: ReadonlyMap<string, WatchTarget>, next: readonly WatchTarget[]): TargetDiff {
  const names = new Set(next.map((t) => t.name));
  return {
    added: next.filter((t) => !running.has(t.name)),
    removed: [...running.keys()].filter((n) => !names.has(n)),
    changed: next.filter((t) => running.has(t.name) && running.get(t.name)!.fingerprint !== t.fingerprint),
  };
}
