// An installed plugin's dependencies that live outside its own directory (hoisted by npm into the
// plugin directory's node_modules): they run inside the plugin's process, so they are locked too.
// Found through npm's hidden lockfile, resolved the way Node resolves them (nearest node_modules up).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_NAME } from '../core/versions.js';

interface NpmLockPackage {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export type NpmLockPackages = Record<string, NpmLockPackage>;

/** `node_modules/.package-lock.json` of the plugin directory (keys like `node_modules/foo`). */
export function readNpmLock(home: string): NpmLockPackages {
  const file = join(home, 'node_modules', '.package-lock.json');
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { packages?: NpmLockPackages }).packages ?? {};
}

function resolveKey(from: string, dep: string, pkgs: NpmLockPackages): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base}/node_modules/${dep}`;
    if (pkgs[candidate]) return candidate;
    const i = base.lastIndexOf('/node_modules/');
    if (i < 0) return pkgs[`node_modules/${dep}`] ? `node_modules/${dep}` : undefined;
    base = base.slice(0, i);
  }
}

/** Lock keys (`node_modules/foo`) of every package the plugin loads from outside its own directory; ksa itself excluded. */
export function hoistedDependencies(pkgs: NpmLockPackages, name: string): string[] {
  const root = `node_modules/${name}`;
  const seen = new Set<string>();
  const visit = (key: string) => {
    const entry = pkgs[key];
    if (!entry) return;
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const dep of Object.keys(deps)) {
      if (dep === PACKAGE_NAME) continue; // the running ksa, not a plugin dependency
      const found = resolveKey(key, dep, pkgs);
      if (!found || seen.has(found)) continue;
      seen.add(found);
      visit(found);
    }
  };
  visit(root);
  // Packages nested inside the plugin's directory are already covered by its own digest.
  return [...seen].filter((k) => !k.startsWith(`${root}/`)).sort();
}
