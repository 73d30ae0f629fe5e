// `ksa plugin uninstall <id|package>`: remove an installed plugin and its lock entry.
import { pluginHome } from '../../install/plugin-home.js';
import { lockPath, uninstallPlugin } from '../../install/index.js';
import type { Runtime } from '../runtime.js';

export async function runPluginUninstall(rt: Runtime, id: string, flags: { pluginHome?: string }): Promise<string> {
  const home = pluginHome(flags.pluginHome ?? rt.flags.pluginHome);
  const entry = await uninstallPlugin({ home, id, log: (line) => rt.logger.info(line) });
  return [
    `uninstalled ${entry.name}@${entry.version}: plugin ${entry.pluginId}`,
    `  from      ${home}`,
    `  lock      ${lockPath(home)} (entry removed)`,
    '',
  ].join('\n');
}
