// A PluginManager set up from ksa.yaml's `plugins:` section (per-plugin config, disabled
// plugins, discovery of external plugin packages relative to the file).
import { dirname, resolve } from 'node:path';
import type { PluginManager } from '../core/manager.js';
import type { PluginConfig } from '../core/types.js';
import type { SandboxSetting } from '../core/isolation/plugin-sandbox.js';
import type { KsaConfig } from '../config/schema.js';
import type { Runtime } from './runtime.js';

export function managerForConfig(rt: Runtime, config: KsaConfig, file: string): Promise<PluginManager> {
  const entries = Object.entries(config.plugins).filter(([k]) => k !== 'discovery' && k !== 'sandbox') as Array<[string, PluginConfig]>;
  const discovery = config.plugins.discovery;
  return rt.manager({
    discoveryDirs: (discovery?.directories ?? []).map((d) => resolve(dirname(file), d)),
    externals: (discovery?.packages ?? []).map((p) => (p.startsWith('.') ? resolve(dirname(file), p) : p)),
    pluginConfig: Object.fromEntries(entries.map(([k, v]) => [k, v.config])),
    disabled: entries.filter(([, v]) => v.enabled === false).map(([k]) => k),
    ...(config.plugins.sandbox ? { sandbox: config.plugins.sandbox as SandboxSetting } : {}),
    trusted: entries.filter(([, v]) => v.trust === 'full').map(([k]) => k),
  });
}
