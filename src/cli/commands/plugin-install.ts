// `ksa plugin install <package|path>`: install into ksa's plugin directory and lock it.
import { packageDirectory } from '../../core/package-root.js';
import { pluginHome } from '../../install/plugin-home.js';
import { installPlugin, lockPath } from '../../install/index.js';
import { readExternalPackage } from '../../core/manifest-reader.js';
import { modulesDir } from '../../install/plugin-home.js';
import { permissionLines } from '../permission-lines.js';
import { join } from 'node:path';
import type { Runtime } from '../runtime.js';

export async function runPluginInstall(rt: Runtime, spec: string, flags: { pluginHome?: string }): Promise<string> {
  const home = pluginHome(flags.pluginHome ?? rt.flags.pluginHome);
  const entry = await installPlugin({ home, spec, ksaRoot: packageDirectory('plugin install'), log: (line) => rt.logger.info(line) });
  return [
    `${entry.previousVersion ? `upgraded ${entry.name} ${entry.previousVersion} -> ${entry.version}` : `installed ${entry.name}@${entry.version}`}: plugin ${entry.pluginId}${entry.middleware ? ` (ksa diagnose ${entry.middleware} ...)` : ''}`,
    `  into      ${home}`,
    `  lock      ${lockPath(home)}`,
    `  integrity ${entry.integrity} (${Object.keys(entry.files).length} files)`,
    ...(entry.npmIntegrity ? [`  npm       ${entry.npmIntegrity}`] : []),
    // Like an app store: what the plugin may do, shown before it first runs.
    ...permissionLines(readExternalPackage(join(modulesDir(home), entry.name)).manifest, 'external'),
    '',
  ].join('\n');
}
