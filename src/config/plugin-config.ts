// ksa.yaml `plugins.<id>.config`: each plugin's own settings, checked against the options its
// manifest declares (unknown keys with did-you-mean, values coerced) before any plugin code runs.
// The checked config is what the plugin gets as ctx.config, and it is the default of every one
// of its targets' options (a target's own `options:` win).
import { closestName } from '../core/closest-name.js';
import { ksaError, type KsaError } from '../core/errors.js';
import { resolveOptions } from '../core/plugin-options.js';
import type { PluginManager } from '../core/manager.js';
import type { KsaConfig } from './schema.js';

/** Checked config per enabled plugin id; each problem goes to `report` (the plugin then gets {}). */
export function resolvePluginConfigs(config: KsaConfig, file: string, manager: PluginManager, env: NodeJS.ProcessEnv, report: (error: KsaError) => void): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const ids = manager.registry.list().map((e) => e.manifest.id);
  for (const [id, entry] of Object.entries(config.plugins)) {
    if (id === 'discovery' || !entry || typeof entry !== 'object' || !('config' in entry) || entry.enabled === false) continue;
    const path = `plugins.${id}`;
    const manifest = manager.registry.get(id)?.manifest;
    if (!manifest) {
      const near = closestName(id, ids);
      report(ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${path}: no plugin ${JSON.stringify(id)} is loaded (plugins: ${ids.join(', ')})`, { fix: near ? `did you mean ${near}?` : 'use an id from `ksa plugin list`' }));
      continue;
    }
    const { values, problems } = resolveOptions(manifest, [{ name: (k) => `${path}.config.${k}`, values: entry.config, scope: 'plugin' }], 'plugin', env);
    for (const p of problems) report(ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${p.message}`, { fix: p.fix }));
    out[id] = problems.length === 0 ? values : {};
    manager.configurePlugin(id, out[id]);
  }
  return out;
}
