// The lock side of `ksa plugin install` without npm: digests, the lock file, and the verifier the
// PluginManager calls before importing an installed plugin.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestPackage, diffFiles, hoistedDependencies, installedPackageDirs, installedPackageName, packageNameOf, pluginHome, readLock, verifyInstalled, writeLock, type LockEntry, type NpmLockPackages } from '../../../src/install/index.js';

let home: string;
beforeEach(() => { home = mkdtempSync(join(tmpdir(), 'ksa-lock-')); });
afterEach(() => rmSync(home, { recursive: true, force: true }));

function writePackage(name: string, files: Record<string, string>): string {
  const dir = join(home, 'node_modules', name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

function lockIt(name: string, dir: string, deps: string[] = []): LockEntry {
  const { digest, files } = digestPackage(dir);
  const dependencies = Object.fromEntries(deps.map((k) => [k, { integrity: digestPackage(join(home, k)).digest }]));
  const entry: LockEntry = { name, version: '1.0.0', pluginId: 'p-diagnostics', requested: name, integrity: digest, files, dependencies, installedAt: new Date(0).toISOString() };
  const lock = readLock(home);
  lock.plugins[name] = entry;
  writeLock(home, lock);
  return entry;
}

const record = (dir: string) => ({ location: dir, manifest: { id: 'p-diagnostics' } });

describe('digestPackage', () => {
  it('is stable, per file, and changes with content, names and symlinks', () => {
    const dir = writePackage('p', { 'package.json': '{}', 'src/a.js': 'a', 'src/b.js': 'b' });
    const first = digestPackage(dir);
    expect(Object.keys(first.files)).toEqual(['package.json', 'src/a.js', 'src/b.js']);
    expect(first.digest).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(digestPackage(dir)).toEqual(first);
    writeFileSync(join(dir, 'src/a.js'), 'A');
    const changed = digestPackage(dir);
    expect(changed.digest).not.toBe(first.digest);
    expect(diffFiles(first.files, changed.files)).toEqual({ changed: ['src/a.js'], added: [], removed: [] });
    symlinkSync('/etc/passwd', join(dir, 'src/link'));
    rmSync(join(dir, 'src/b.js'));
    expect(diffFiles(changed.files, digestPackage(dir).files)).toEqual({ changed: [], added: ['src/link'], removed: ['src/b.js'] });
  });
});

describe('verifyInstalled', () => {
  it('passes an unchanged locked package', () => {
    const dir = writePackage('p', { 'package.json': '{}', 'index.js': 'x' });
    lockIt('p', dir);
    expect(() => verifyInstalled(home, record(dir))).not.toThrow();
  });

  it.each([
    ['a changed file', (dir: string) => writeFileSync(join(dir, 'index.js'), 'evil'), /does not match .*: changed index\.js; refusing to run it/],
    ['an added file', (dir: string) => writeFileSync(join(dir, 'postinstall.js'), 'evil'), /added postinstall\.js/],
    ['a removed file', (dir: string) => rmSync(join(dir, 'index.js')), /removed index\.js/],
  ])('refuses %s with KSA_ERR_PLUGIN_LOCKED', (_name, tamper, message) => {
    const dir = writePackage('p', { 'package.json': '{}', 'index.js': 'x' });
    lockIt('p', dir);
    tamper(dir);
    expect(() => verifyInstalled(home, record(dir))).toThrow(expect.objectContaining({ code: 'KSA_ERR_PLUGIN_LOCKED', message: expect.stringMatching(message) }));
  });

  it('refuses a package that is not in the lock (also a scoped one)', () => {
    const dir = writePackage('@acme/p', { 'package.json': '{}' });
    expect(() => verifyInstalled(home, record(dir))).toThrow(expect.objectContaining({ code: 'KSA_ERR_PLUGIN_LOCKED', message: expect.stringContaining('(package @acme/p) is in') }));
  });

  it('does not lock plugins outside the plugin directory (--plugin ./dir)', () => {
    expect(() => verifyInstalled(home, record('/somewhere/else'))).not.toThrow();
    expect(installedPackageName(home, join(home, 'node_modules', '@acme', 'p'))).toBe('@acme/p');
    expect(installedPackageName(home, join(home, 'other'))).toBeUndefined();
  });

  it('refuses everything when the lock file is corrupt', () => {
    const dir = writePackage('p', { 'package.json': '{}' });
    writeFileSync(join(home, 'ksa-plugins.lock.json'), '{"lockfileVersion":1,"plugins":{"p":{"name":"p"}}}');
    expect(() => verifyInstalled(home, record(dir))).toThrow(expect.objectContaining({ code: 'KSA_ERR_PLUGIN_LOCKED' }));
  });
});

describe('hoisted dependencies', () => {
  const pkgs: NpmLockPackages = {
    'node_modules/@kubestack/ksa': { link: true },
    'node_modules/p': { version: '1.0.0', dependencies: { a: '^1', nested: '^1' }, peerDependencies: { '@kubestack/ksa': '>=0.1.0' } },
    'node_modules/p/node_modules/nested': { version: '1.0.0', dependencies: { b: '^1' } },
    'node_modules/a': { version: '1.0.0', dependencies: { b: '^2', '@s/c': '^1' } },
    'node_modules/a/node_modules/b': { version: '2.0.0' },
    'node_modules/b': { version: '1.0.0' },
    'node_modules/@s/c': { version: '1.0.0' },
    'node_modules/unrelated': { version: '1.0.0' },
  };

  it('resolves like Node (nearest node_modules up), excludes ksa and what is inside the plugin', () => {
    expect(hoistedDependencies(pkgs, 'p')).toEqual(['node_modules/@s/c', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/b']);
  });

  it('refuses a plugin whose hoisted dependency was modified or removed', () => {
    const dir = writePackage('p', { 'package.json': '{}', 'index.js': 'x' });
    writePackage('a', { 'package.json': '{}', 'index.js': 'dep' });
    lockIt('p', dir, ['node_modules/a']);
    expect(() => verifyInstalled(home, record(dir))).not.toThrow();
    writeFileSync(join(home, 'node_modules', 'a', 'index.js'), 'evil');
    expect(() => verifyInstalled(home, record(dir))).toThrow(expect.objectContaining({ code: 'KSA_ERR_PLUGIN_LOCKED', message: expect.stringContaining('dependency a of plugin p-diagnostics (package p) was modified since install') }));
    rmSync(join(home, 'node_modules', 'a'), { recursive: true });
    expect(() => verifyInstalled(home, record(dir))).toThrow(/dependency a of plugin p-diagnostics \(package p\) is missing/);
  });
});

describe('plugin home', () => {
  it('resolves --plugin-home, then KSA_PLUGIN_DIR, then ~/.ksa/plugins', () => {
    expect(pluginHome('/x', { KSA_PLUGIN_DIR: '/y' })).toBe('/x');
    expect(pluginHome(undefined, { KSA_PLUGIN_DIR: '/y' })).toBe('/y');
    expect(pluginHome(undefined, {})).toMatch(/\.ksa\/plugins$/);
  });

  it('lists node_modules and its @scopes as discovery directories', () => {
    expect(installedPackageDirs(home)).toEqual([]);
    writePackage('@acme/p', { 'package.json': '{}' });
    expect(installedPackageDirs(home)).toEqual([join(home, 'node_modules'), join(home, 'node_modules', '@acme')]);
  });

  it.each([['name', 'name'], ['name@1.2.3', 'name'], ['@scope/name', '@scope/name'], ['@scope/name@^2', '@scope/name']])('package name of %s', (spec, name) => {
    expect(packageNameOf(spec)).toBe(name);
  });
});
