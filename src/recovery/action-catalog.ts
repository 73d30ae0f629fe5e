// The actions recovery rules may name, from the PluginManager's registry: a middleware plugin's
// declared actions (run by the plugin in its host, like `ksa action`), and recovery plugins
// (registry type `recovery`): data-only manifests whose `commands:` ksa's engine runs. The
// built-in recovery plugins (plugins/recovery/*/plugin.yaml) are registered here; others come
// through plugin discovery like any plugin package. Rules are checked against the catalog when
// the engine is built: unknown plugins, actions and parameters are refused with did-you-mean.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { closestName } from '../core/closest-name.js';
import { checkParams } from '../core/action-params.js';
import { ksaError } from '../core/errors.js';
import { readExternalPackage } from '../core/manifest-reader.js';
import { hasPlaceholder } from './template.js';
import type { PluginManager } from '../core/manager.js';
import type { ActionSpec, Manifest } from '../core/types.js';
import type { RecoveryConfig, RecoveryRule } from './rule-schema.js';

export type RecoveryCommand = NonNullable<Manifest['commands']>[string];

export type ActionRef =
  | { kind: 'plugin'; pluginId: string; spec: ActionSpec; middleware: string | undefined }
  | { kind: 'command'; pluginId: string; spec: ActionSpec; command: RecoveryCommand };

/** Where the built-in recovery plugins are (plugin packages of their own, data only). */
export function builtinRecoveryDir(packageRoot: string): string {
  return join(packageRoot, 'plugins', 'recovery');
}

/** The built-in recovery plugins' packages (manifests only: they have no code to import). */
export function builtinRecoveryRecords(packageRoot: string): ReturnType<typeof readExternalPackage>[] {
  const dir = builtinRecoveryDir(packageRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().filter((name) => existsSync(join(dir, name, 'plugin.yaml'))).map((name) => readExternalPackage(join(dir, name)));
}

/** Registers the built-in recovery plugins (once per manager); a discovered plugin of the same id wins. */
export function registerRecoveryPlugins(manager: PluginManager, packageRoot: string): void {
  for (const record of builtinRecoveryRecords(packageRoot)) {
    if (manager.registry.get(record.manifest.id)) continue;
    manager.registry.register({ ...record, source: 'builtin', state: 'Loaded' });
  }
}

/** The action `rule.action` names, or a KSA_ERR_CONFIG_INVALID naming the nearest one. */
export function resolveAction(manager: PluginManager, rule: RecoveryRule, where: string): ActionRef {
  const entry = manager.registry.get(rule.action.plugin);
  if (!entry) {
    const ids = manager.registry.list().filter((e) => e.manifest.actions.length > 0).map((e) => e.manifest.id);
    const near = closestName(rule.action.plugin, ids);
    throw ksaError('KSA_ERR_CONFIG_INVALID', `${where}.action.plugin: no plugin ${JSON.stringify(rule.action.plugin)} (with actions: ${ids.join(', ') || 'none'})`, near ? { fix: `did you mean ${near}?` } : undefined);
  }
  const m = entry.manifest;
  const spec = m.actions.find((a) => a.name === rule.action.name);
  if (!spec) {
    const names = m.actions.map((a) => a.name);
    const near = closestName(rule.action.name, names);
    throw ksaError('KSA_ERR_CONFIG_INVALID', `${where}.action.name: plugin ${m.id} has no action ${JSON.stringify(rule.action.name)} (actions: ${names.join(', ') || 'none'})`, near ? { fix: `did you mean ${near}?` } : undefined);
  }
  if (m.type === 'recovery') return { kind: 'command', pluginId: m.id, spec, command: m.commands![spec.name]! };
  return { kind: 'plugin', pluginId: m.id, spec, middleware: m.middleware };
}

/** Every rule's action resolved and its literal parameters checked (templated ones are checked once rendered). */
export function checkRules(manager: PluginManager, config: RecoveryConfig, where = 'recovery.rules'): Map<string, ActionRef> {
  const out = new Map<string, ActionRef>();
  config.rules.forEach((rule, i) => {
    const at = `${where}[${i}]`;
    const ref = resolveAction(manager, rule, at);
    checkParams(ref.spec.params ?? {}, rule.action.params, `${at}.action.params`, { skip: hasPlaceholder, code: 'KSA_ERR_CONFIG_INVALID' });
    out.set(rule.name, ref);
  });
  return out;
}
