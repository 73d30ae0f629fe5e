// Reads and validates plugin manifests (YAML or package.json `ksa` field) with zod, before any
// plugin code is imported. Loaded only when a YAML manifest or an external plugin is involved,
// so `ksa plugin list` over the built-in index does not pay for zod and yaml.
import { builtinEntryPath } from './builtin-entry.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { ksaError } from './errors.js';
import { ManifestSchema, PLUGIN_API_VERSION } from './schemas.js';
import { firstIssue } from './zod-issues.js';
import { parseRequirement, provideSemver, type ManifestRecord } from './loader.js';
import type { Manifest } from './types.js';

provideSemver({ satisfies: (v, r) => semver.satisfies(v, r), validRange: (r) => semver.validRange(r) });

export const SUPPORTED_API_VERSIONS: readonly number[] = [PLUGIN_API_VERSION];

export function validateManifest(raw: unknown, file: string): Manifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: ${firstIssue(parsed.error, ManifestSchema)}`);
  const manifest = parsed.data;
  if (!SUPPORTED_API_VERSIONS.includes(manifest.apiVersion)) {
    throw ksaError('KSA_ERR_API_VERSION', `${file}: plugin ${manifest.id} needs plugin API ${manifest.apiVersion}, this ksa supports ${SUPPORTED_API_VERSIONS.join(', ')}`);
  }
  if (manifest.type === 'middleware' && !manifest.middleware) {
    throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: middleware: is required when type is middleware`);
  }
  if (!semver.valid(manifest.version)) throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: version: ${JSON.stringify(manifest.version)} is not semver (e.g. 1.0.0)`);
  for (const req of manifest.requires) parseRequirement(req, file);
  return manifest;
}

function readManifestFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw ksaError('KSA_ERR_MANIFEST_UNREADABLE', `cannot read manifest ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Built-in manifests from manifests/*.yaml; their entries point into the compiled dist/ tree. */
export function readBuiltinYaml(packageRoot: string): ManifestRecord[] {
  const dir = join(packageRoot, 'manifests');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  return files.map((f) => {
    const file = join(dir, f);
    const manifest = validateManifest(readManifestFile(file), file);
    return { manifest, source: 'builtin', location: dir, entryPath: builtinEntryPath(packageRoot, manifest) };
  });
}

/** An external plugin package: a directory with plugin.yaml, or package.json carrying a `ksa` manifest. */
export function readExternalPackage(dir: string): ManifestRecord {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw ksaError('KSA_ERR_MANIFEST_UNREADABLE', `plugin path ${root} is not a directory`);
  }
  const yamlFile = join(root, 'plugin.yaml');
  let raw: unknown;
  let file: string;
  if (existsSync(yamlFile)) {
    raw = readManifestFile(yamlFile);
    file = yamlFile;
  } else {
    file = join(root, 'package.json');
    const pkg = readManifestFile(file) as { ksa?: unknown };
    if (!pkg || typeof pkg !== 'object' || pkg.ksa === undefined) {
      throw ksaError('KSA_ERR_MANIFEST_UNREADABLE', `${root} has neither plugin.yaml nor a "ksa" field in package.json`);
    }
    raw = pkg.ksa;
  }
  const manifest = validateManifest(raw, file);
  // A recovery plugin is data only (no entry): its manifest file stands in for the code's path.
  const entryPath = manifest.entry === undefined ? file : resolve(root, manifest.entry);
  if (!entryPath.startsWith(root + sep)) throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: entry: must stay inside the package`);
  return { manifest, source: 'external', location: root, entryPath };
}

/** Every plugin package directly inside a discovery directory (and in its node_modules). */
export function discoverDirectory(dir: string): ManifestRecord[] {
  const root = resolve(dir);
  if (!existsSync(root)) return [];
  const candidates = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
    .map((d) => join(root, d.name))
    .filter((p) => existsSync(join(p, 'plugin.yaml')) || hasKsaField(join(p, 'package.json')));
  return candidates.map(readExternalPackage);
}

function hasKsaField(pkgFile: string): boolean {
  if (!existsSync(pkgFile)) return false;
  try {
    return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { ksa?: unknown }).ksa !== undefined;
  } catch {
    return false;
  }
}

/** `./path`, `/abs/path` or an installed npm package name (looked up in node_modules upwards of `from`). */
export function resolveExternal(spec: string, from: string, extraRoots: readonly string[] = []): ManifestRecord {
  if (spec.startsWith('.') || isAbsolute(spec)) return readExternalPackage(resolve(from, spec));
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(spec)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `${JSON.stringify(spec)} is neither a path nor an npm package name`, { fix: 'pass ./dir for a directory or the package name' });
  }
  for (const root of [...ancestors(resolve(from)), ...extraRoots]) {
    const dir = join(root, 'node_modules', spec);
    if (existsSync(join(dir, 'package.json'))) return readExternalPackage(dir);
  }
  throw ksaError('KSA_ERR_UNKNOWN_PLUGIN', `package ${spec} is not installed in node_modules`, { fix: `run \`ksa plugin install ${spec}\` or npm install it` });
}

function ancestors(dir: string): string[] {
  const out = [dir];
  for (let d = dirname(dir); d !== out[out.length - 1]; d = dirname(d)) out.push(d);
  return out;
}

