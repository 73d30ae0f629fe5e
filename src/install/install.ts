// `ksa plugin install <package|path>`: npm installs the package into ksa's plugin directory with
// lifecycle scripts disabled, then ksa validates its manifest (no code is run) and records name,
// exact version and integrity in the lock. A local directory is packed first (as `npm publish`
// would) so the installed copy is independent of the source directory.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ksaError } from '../core/errors.js';
import { PACKAGE_NAME } from '../core/versions.js';
import { readExternalPackage } from '../core/manifest-reader.js';
import { assertPackageReady } from '../core/package-ready.js';
import { digestPackage } from './digest.js';
import { hoistedDependencies, readNpmLock } from './dependencies.js';
import { readLock, writeLock, type LockEntry } from './lock-file.js';
import { modulesDir } from './plugin-home.js';

export interface InstallRequest {
  home: string;
  /** npm package spec (`name`, `name@1.2.3`, `@scope/name`) or a local directory / .tgz path. */
  spec: string;
  /** The running ksa's package root: plugins resolve `@kubestack/ksa/sdk` to it. */
  ksaRoot: string;
  cwd?: string;
  npm?: string;
  log?: (line: string) => void;
}

interface NpmResult { code: number; stdout: string; stderr: string }

export function runNpm(npm: string, args: string[], cwd: string): Promise<NpmResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(npm, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', (error) => reject(ksaError('KSA_ERR_BAD_INPUT', `cannot run ${npm} (${(error as NodeJS.ErrnoException).code ?? error.message})`, { fix: 'install npm (it comes with Node.js) and make sure it is on PATH' })));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

export function npmFailure(what: string, r: NpmResult): Error {
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.includes('npm warn'));
  return ksaError('KSA_ERR_BAD_INPUT', `${what} failed (npm exit ${r.code}): ${lines.slice(-3).join(' | ') || 'no output'}`, { fix: 'check the package name or path and your npm registry access' });
}

/** The plugin directory's own package.json: ksa itself is a `file:` dependency, so npm never fetches ksa from the registry to satisfy plugins' peer dependency (an older home's bare `ksa` entry is dropped). */
export function ensureHome(home: string, ksaRoot: string): void {
  mkdirSync(home, { recursive: true });
  const file = join(home, 'package.json');
  const pkg: { dependencies?: Record<string, string>; [key: string]: unknown } = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> }
    : { name: 'ksa-plugins', private: true, description: 'plugins installed by `ksa plugin install`; do not edit, see ksa-plugins.lock.json' };
  const { ksa: _legacy, ...others } = pkg.dependencies ?? {};
  pkg.dependencies = { ...others, [PACKAGE_NAME]: `file:${ksaRoot}` };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

function isLocal(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:');
}

/** `@scope/name@range` -> `@scope/name`. */
export function packageNameOf(spec: string): string {
  const m = /^(@[^/@]+\/[^@]+|[^@]+)(?:@.*)?$/.exec(spec);
  if (!m?.[1]) throw ksaError('KSA_ERR_BAD_INPUT', `${JSON.stringify(spec)} is not an npm package spec`, { fix: 'pass a package name (name, name@1.2.3, @scope/name) or a path to a plugin directory' });
  return m[1];
}

/** The lock entry written, and the version it replaced when this install was an upgrade (or downgrade). */
export type InstallOutcome = LockEntry & { previousVersion?: string };

export async function installPlugin(req: InstallRequest): Promise<InstallOutcome> {
  const npm = req.npm ?? 'npm';
  const log = req.log ?? (() => undefined);
  const { home } = req;
  const local = isLocal(req.spec) ? resolve(req.cwd ?? process.cwd(), req.spec.replace(/^file:/, '')) : undefined;
  if (local !== undefined) {
    if (!existsSync(local)) throw ksaError('KSA_ERR_BAD_INPUT', `${local} does not exist`, { fix: 'pass a plugin package directory, a .tgz or an npm package name' });
    // Validate before anything is written: a directory that is not a plugin (or not built, or
    // whose versions disagree) is refused without running npm.
    if (!local.endsWith('.tgz')) assertPackageReady(readExternalPackage(local));
  }
  const registryName = local === undefined ? packageNameOf(req.spec) : undefined;
  ensureHome(home, req.ksaRoot);

  let installSpec = req.spec;
  let name: string;
  if (local !== undefined) {
    const path = local;
    // Packed tarballs are kept in the plugin directory: npm re-reads them on later installs.
    const packs = join(home, 'packs');
    mkdirSync(packs, { recursive: true });
    if (path.endsWith('.tgz')) {
      installSpec = join(packs, basename(path));
      if (resolve(installSpec) !== path) copyFileSync(path, installSpec);
      name = '';
    } else {
      log(`packing ${path}`);
      const packed = await runNpm(npm, ['pack', path, '--ignore-scripts', '--json', '--pack-destination', packs], home);
      if (packed.code !== 0) throw npmFailure(`npm pack ${path}`, packed);
      const info = (JSON.parse(packed.stdout) as Array<{ name: string; filename: string }>)[0];
      if (!info) throw ksaError('KSA_ERR_INTERNAL', 'npm pack reported nothing');
      installSpec = join(packs, info.filename);
      name = info.name;
    }
  } else {
    name = registryName!;
  }

  log(`npm install --ignore-scripts ${installSpec}`);
  const installed = await runNpm(npm, ['install', '--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', installSpec], home);
  if (installed.code !== 0) throw npmFailure(`npm install ${req.spec}`, installed);
  if (name === '') name = nameFromTarballInstall(home, installSpec);

  const dir = join(modulesDir(home), name);
  const before = readLock(home);
  let record;
  try {
    record = readExternalPackage(dir);
    assertPackageReady(record);
    const id = record.manifest.id;
    // Same plugin id under another package name: both would load and collide (DUPLICATE_PLUGIN).
    const other = Object.values(before.plugins).find((p) => p.pluginId === id && p.name !== name);
    if (other) throw ksaError('KSA_ERR_DUPLICATE_PLUGIN', `plugin ${id} is already installed from package ${other.name} ${other.version}`, { fix: `run \`ksa plugin uninstall ${id}\` first` });
  } catch (error) {
    // Only a package this install added is removed; an upgrade that fails leaves npm's state as
    // npm left it, and the lock still refuses the unrecorded files until a good install.
    if (!before.plugins[name]) await runNpm(npm, ['uninstall', '--ignore-scripts', name], home);
    throw error;
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const npmPackages = readNpmLock(home);
  const npmLock = npmPackages[`node_modules/${name}`];
  const { digest, files } = digestPackage(dir);
  const dependencies: LockEntry['dependencies'] = {};
  for (const key of hoistedDependencies(npmPackages, name)) {
    const version = npmPackages[key]?.version;
    dependencies[key] = { ...(version ? { version } : {}), integrity: digestPackage(join(home, key)).digest };
  }
  const entry: LockEntry = {
    name,
    version: pkg.version,
    pluginId: record.manifest.id,
    ...(record.manifest.middleware ? { middleware: record.manifest.middleware } : {}),
    requested: req.spec,
    ...(npmLock?.resolved ? { resolved: npmLock.resolved } : {}),
    ...(npmLock?.integrity ? { npmIntegrity: npmLock.integrity } : {}),
    integrity: digest,
    files,
    dependencies,
    installedAt: new Date().toISOString(),
  };
  const previous = before.plugins[name];
  const lock = readLock(home);
  lock.plugins[name] = entry;
  writeLock(home, lock);
  return previous && previous.version !== entry.version ? { ...entry, previousVersion: previous.version } : entry;
}

function nameFromTarballInstall(home: string, tarball: string): string {
  for (const [key, value] of Object.entries(readNpmLock(home))) {
    if (value.resolved && resolve(home, value.resolved.replace(/^file:/, '')) === resolve(tarball)) return key.replace(/^node_modules\//, '');
  }
  throw ksaError('KSA_ERR_INTERNAL', `cannot tell which package ${tarball} installed`);
}
