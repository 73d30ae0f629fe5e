// The check the PluginManager runs before an external plugin's code is first imported
// (ManagerOptions.verifyExternal): packages inside ksa's plugin directory must be in the lock and
// unmodified. Plugins loaded from elsewhere (--plugin ./dir during development) are not locked.
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ksaError } from '../core/errors.js';
import { diffFiles, digestPackage } from './digest.js';
import { lockPath, readLock } from './lock-file.js';
import { modulesDir } from './plugin-home.js';

export interface VerifiableRecord {
  readonly location: string;
  readonly manifest: { readonly id: string };
}

/** The npm package name of a directory inside `<home>/node_modules`, or undefined if outside. */
export function installedPackageName(home: string, location: string): string | undefined {
  const rel = relative(modulesDir(home), resolve(location));
  if (rel === '' || rel.startsWith('..') || resolve(rel) === rel) return undefined;
  return rel.split(sep).join('/');
}

export function verifyInstalled(home: string, record: VerifiableRecord): void {
  const name = installedPackageName(home, record.location);
  if (name === undefined) return;
  const fix = `reinstall it with \`ksa plugin install <package|path>\` or delete ${record.location}`;
  const entry = readLock(home).plugins[name];
  if (!entry) {
    throw ksaError('KSA_ERR_PLUGIN_LOCKED', `plugin ${record.manifest.id} (package ${name}) is in ${modulesDir(home)} but not in ${lockPath(home)}; refusing to run it`, { fix });
  }
  const current = digestPackage(record.location);
  if (current.digest !== entry.integrity) {
    const d = diffFiles(entry.files, current.files);
    const list = (label: string, paths: string[]) => (paths.length ? [`${label} ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` and ${paths.length - 5} more` : ''}`] : []);
    const what = [...list('changed', d.changed), ...list('added', d.added), ...list('removed', d.removed)].join('; ');
    throw ksaError('KSA_ERR_PLUGIN_LOCKED', `plugin ${record.manifest.id} (package ${name} ${entry.version}) does not match ${lockPath(home)}: ${what || 'file list differs'}; refusing to run it`, { fix });
  }
  for (const [key, dep] of Object.entries(entry.dependencies)) {
    const dir = join(home, key);
    const why = !existsSync(dir) ? 'is missing' : digestPackage(dir).digest !== dep.integrity ? 'was modified' : undefined;
    if (why) throw ksaError('KSA_ERR_PLUGIN_LOCKED', `dependency ${key.replace(/^node_modules\//, '')} of plugin ${record.manifest.id} (package ${name}) ${why} since install; refusing to run it`, { fix });
  }
}

export function createLockVerifier(home: string): (record: VerifiableRecord) => void {
  return (record) => verifyInstalled(home, record);
}
