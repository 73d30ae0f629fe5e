// ksa's plugin directory: an npm project (package.json + node_modules) owned by ksa, plus the lock
// file. `--plugin-home` > KSA_PLUGIN_DIR > ~/.ksa/plugins.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'ksa-plugins.lock.json';

export function pluginHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.KSA_PLUGIN_DIR ?? join(homedir(), '.ksa', 'plugins'));
}

export function modulesDir(home: string): string {
  return join(home, 'node_modules');
}

/** Directories whose children are installed packages: node_modules and each @scope in it. */
export function installedPackageDirs(home: string): string[] {
  const modules = modulesDir(home);
  if (!existsSync(modules)) return [];
  const scopes = readdirSync(modules, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('@'))
    .map((d) => join(modules, d.name));
  return [modules, ...scopes];
}
