// What `ksa plugin validate` and `ksa plugin install` add to manifest validation: the package is
// ready to run as published. Its manifest's entry file exists (an unbuilt TypeScript plugin has
// only src/), and its manifest version is its package.json version (the version npm installs,
// locks and upgrades by). Loading a plugin does not need these, so they are not in the loader.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ksaError } from './errors.js';
import type { ManifestRecord } from './loader.js';

export function assertPackageReady(record: ManifestRecord): void {
  const { manifest, location, entryPath } = record;
  if (!existsSync(entryPath)) {
    throw ksaError('KSA_ERR_MANIFEST_INVALID', `plugin ${manifest.id}: entry ${manifest.entry} does not exist (${relative(process.cwd(), entryPath) || entryPath}); the package is not built`, { fix: `run \`npm run build\` in ${location}, then validate or install again` });
  }
  const pkgFile = join(location, 'package.json');
  if (!existsSync(pkgFile)) return;
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown }).version;
  } catch {
    throw ksaError('KSA_ERR_MANIFEST_UNREADABLE', `${pkgFile} is not valid JSON`, { fix: 'fix package.json (npm needs it to install the plugin)' });
  }
  if (typeof version === 'string' && version !== manifest.version) {
    throw ksaError('KSA_ERR_MANIFEST_INVALID', `plugin ${manifest.id}: manifest version ${manifest.version} differs from package.json version ${version}`, { fix: `give plugin.yaml (or package.json "ksa"), package.json and the code's info.version the same version` });
  }
}
