// `ksa action <type> <action> <endpoint...>` or `ksa action --config ksa.yaml --target <name>
// <action>`: runs a plugin's declared action. A mutating action is refused without --allow-write
// before anything is sent to the target. With a state dir it goes through the recovery engine's
// path: gated, snapshotted, audited and in `ksa recovery history` (src/recovery/manual-action.ts).
// A ksa.yaml target always has one (as for `ksa watch`: --state-dir, KSA_STATE_DIR, the XDG
// default) and is keyed by its name, as the engine keys it: the two share one action in flight
// per target and one history.
import { ksaError, type KsaError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { buildTarget, type TargetFlags } from '../target-from-args.js';
import { targetSecrets } from '../../core/plugin-options.js';
import { admitAction } from '../../core/action-policy.js';
import { findConfigFile, readConfigText } from '../../config/config-file.js';
import { resolveStateDir } from '../../watch/state-dir.js';
import { runManualAction } from '../../recovery/manual-action.js';
import { parseActionArgs } from '../action-args.js';
import { pickConfigTarget } from '../../config/config-target-name.js';
import type { PluginManager } from '../../core/manager.js';
import type { MiddlewareTarget } from '../../core/types.js';
import type { Runtime } from '../runtime.js';

export interface ActionFlags extends TargetFlags {
  allowWrite?: boolean;
  param?: string[];
  timeout: string;
  /** Set by main when the user gave --timeout (a ksa.yaml target's own timeout applies otherwise). */
  timeoutGiven?: boolean;
  json?: boolean;
  stateDir?: string;
  config?: string;
  target?: string;
}

interface Resolved {
  manager: PluginManager;
  pluginId: string;
  action: string;
  target: MiddlewareTarget;
  timeoutMs: number;
  /** Where the action is recorded; none: run directly through the plugin manager. */
  stateDir: string | undefined;
}

export async function runAction(rt: Runtime, positionals: readonly string[], flags: ActionFlags): Promise<{ text: string; ok: boolean }> {
  const params: Record<string, string> = {};
  for (const kv of flags.param ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw ksaError('KSA_ERR_BAD_INPUT', `--param ${JSON.stringify(kv)} is not key=value`, { fix: 'write --param key=value' });
    params[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const connectionFlags = [
    ...(flags.user !== undefined ? ['--user'] : []), ...(flags.passwordFile !== undefined ? ['--password-file'] : []), ...(flags.passwordEnv !== undefined ? ['--password-env'] : []),
    ...(flags.option ?? []).map((kv) => `--option ${kv.split('=')[0]}`), ...Object.keys(flags.pluginFlags ?? {}).map((f) => `--${f}`),
  ];
  const args = parseActionArgs(positionals, { ...(flags.target !== undefined ? { target: flags.target } : {}), connectionFlags });
  if (args.form === 'endpoints' && flags.config !== undefined) {
    throw ksaError('KSA_ERR_BAD_INPUT', '--config names the file of a --target, and no --target was given', { fix: 'add --target <name> and give only the action, or drop --config for a target given by its endpoints' });
  }
  const r = args.form === 'config' ? await configTarget(rt, args.target, args.action, flags) : await argvTarget(rt, args.type, args.action, args.endpoints, flags);
  try {
    const outcome = r.stateDir
      ? await runManualAction({ stateDir: r.stateDir, manager: r.manager, pluginId: r.pluginId, spec: admitAction(r.manager.registry.require(r.pluginId).manifest, r.action, flags.allowWrite === true), target: r.target, params, timeoutMs: r.timeoutMs, logger: rt.logger, secrets: () => rt.logger.secrets() })
      : await r.manager.execute(r.pluginId, r.target, r.action, params, flags.allowWrite === true, r.timeoutMs);
    return { text: flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${outcome.ok ? 'ok' : 'failed'}: ${outcome.detail}\n`, ok: outcome.ok };
  } finally {
    void r.manager.close();
  }
}

async function argvTarget(rt: Runtime, type: string, action: string, endpoints: readonly string[], flags: ActionFlags): Promise<Resolved> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const manager = await rt.manager();
  const entry = manager.pluginForType(type);
  const { target, warnings } = buildTarget(type, endpoints, flags, entry.manifest, process.env);
  for (const s of targetSecrets(target, entry.manifest)) rt.logger.addSecret(s);
  for (const w of warnings) rt.logger.warn(w);
  return { manager, pluginId: entry.manifest.id, action, target, timeoutMs, stateDir: flags.stateDir ?? process.env.KSA_STATE_DIR };
}

/** The target as `ksa diagnose --config` and `ksa watch` build it (plugins: section, auth, options). */
async function configTarget(rt: Runtime, name: string, action: string, flags: ActionFlags): Promise<Resolved> {
  const file = findConfigFile(flags.config, process.env, process.cwd());
  if (!file) throw ksaError('KSA_ERR_BAD_INPUT', `--target ${name} names a ksa.yaml target, but no ksa.yaml was given or found`, { fix: 'pass --config ksa.yaml (or set KSA_CONFIG)' });
  const timeoutMs = flags.timeoutGiven ? parseDuration(flags.timeout, '--timeout') : undefined;
  const text = readConfigText(file);
  const [{ loadConfig }, { managerForConfig }, { requestsFromConfig }] = await Promise.all([
    import('../../config/load-config.js'), import('../config-manager.js'), import('../../config/targets-from-config.js'),
  ]);
  const config = loadConfig(file, process.env, text);
  const index = config.targets.indexOf(pickConfigTarget(config.targets, name, file));
  const manager = await managerForConfig(rt, config, file);
  // Another target's problem (an unset password variable) does not stop an action on this one.
  const problems: KsaError[] = [];
  const request = requestsFromConfig(config, file, manager, process.env, { thresholds: {}, ...(timeoutMs ? { timeoutMs } : {}) }, (e) => problems.push(e)).find((q) => q.target.name === name);
  if (!request) {
    void manager.close();
    throw problems.find((e) => e.message.includes(`targets[${index}]`)) ?? problems[0] ?? ksaError('KSA_ERR_INTERNAL', `target ${name} of ${file} was not built`);
  }
  for (const s of targetSecrets(request.target, manager.registry.require(request.pluginId).manifest)) rt.logger.addSecret(s);
  return { manager, pluginId: request.pluginId, action, target: request.target, timeoutMs: request.opts.timeoutMs, stateDir: resolveStateDir(flags.stateDir) };
}
