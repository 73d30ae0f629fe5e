// `ksa plugin uninstall <id|package>`: the reverse of install. npm removes the package from the
// plugin directory (lifecycle scripts disabled), then its lock entry and its packed tarball go, so
// the plugin is no longer discovered and a `--plugin ./dir` copy of it loads without a duplicate.
import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { closestName } from '../core/closest-name.js';
import { ksaError } from '../core/errors.js';
import { npmFailure, runNpm } from './install.js';
import { readLock, writeLock, type LockEntry } from './lock-file.js';
import { modulesDir } from './plugin-home.js';

export interface UninstallRequest {
  home: string;
  /** Plugin id (`memcached-diagnostics`) or npm package name. */
  id: string;
  npm?: string;
  log?: (line: string) => void;
}

export async function uninstallPlugin(req: UninstallRequest): Promise<LockEntry> {
  const { home } = req;
  const lock = readLock(home);
  const entries = Object.values(lock.plugins);
  const entry = entries.find((e) => e.pluginId === req.id) ?? lock.plugins[req.id];
  if (!entry) {
    const hint = closestName(req.id, entries.flatMap((e) => [e.pluginId, e.name]));
    throw ksaError('KSA_ERR_UNKNOWN_PLUGIN', `no plugin ${JSON.stringify(req.id)} is installed in ${home}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`, {
      fix: 'run `ksa plugin list` (installed plugins have source external and a location in the plugin directory); built-in plugins cannot be uninstalled',
    });
  }
  req.log?.(`npm uninstall --ignore-scripts ${entry.name}`);
  const r = await runNpm(req.npm ?? 'npm', ['uninstall', '--ignore-scripts', '--no-audit', '--no-fund', entry.name], home);
  if (r.code !== 0) throw npmFailure(`npm uninstall ${entry.name}`, r);
  // npm leaves nothing behind normally; a directory it did not know about must not stay loadable.
  const dir = join(modulesDir(home), entry.name);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  const packed = entry.resolved?.startsWith('file:') ? resolve(home, entry.resolved.slice('file:'.length)) : undefined;
  if (packed && relative(join(home, 'packs'), packed).split(sep)[0] !== '..' && existsSync(packed)) rmSync(packed, { force: true });
  const current = readLock(home);
  delete current.plugins[entry.name];
  writeLock(home, current);
  return entry;
}
