// Loader: manifest validation (before any code is imported), apiVersion, `requires:` ranges,
// dependency order and cycles, external plugins from a directory and from node_modules.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dependencyOrder, parseRequirement } from '../../../src/core/loader.js';
import { discoverDirectory, readExternalPackage, resolveExternal, validateManifest } from '../../../src/core/manifest-reader.js';
import { PluginManager } from '../../../src/core/manager.js';
import { KsaError } from '../../../src/core/errors.js';
import { ManifestSchema } from '../../../src/core/schemas.js';
import type { Logger, Manifest } from '../../../src/core/types.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const fixtures = join(repo, 'test/fixtures/plugins');
const FIXTURE_ID = 'fixture-diagnostics';
const project = join(repo, 'test/fixtures/project');
const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

const VALID = { id: 'demo-plugin', name: 'Demo', version: '1.2.3', apiVersion: 1, type: 'middleware', middleware: 'demo', entry: './index.js' };

function thrown(fn: () => unknown): KsaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KsaError) return error;
    throw new Error(`expected a KsaError, got ${String(error)}`);
  }
  throw new Error('expected a KsaError, nothing was thrown');
}

function manifest(id: string, requires: string[] = [], version = '1.0.0'): Manifest {
  return ManifestSchema.parse({ id, name: id, version, apiVersion: 1, type: 'analyzer', entry: './index.js', requires });
}

describe('validateManifest', () => {
  it('accepts a valid manifest and fills defaults', () => {
    const m = validateManifest(VALID, 'plugin.yaml');
    expect(m).toMatchObject({ ...VALID, description: '', capabilities: [], categories: [], operations: [], actions: [], requires: [] });
  });

  it.each([
    { name: 'unknown key', raw: { ...VALID, colour: 'red' }, field: 'colour' },
    { name: 'missing id', raw: { ...VALID, id: undefined }, field: 'id' },
    { name: 'missing entry', raw: { ...VALID, entry: undefined }, field: 'entry' },
    { name: 'missing apiVersion', raw: { ...VALID, apiVersion: undefined }, field: 'apiVersion' },
    { name: 'apiVersion not a number', raw: { ...VALID, apiVersion: 'one' }, field: 'apiVersion' },
    { name: 'bad id (uppercase)', raw: { ...VALID, id: 'Demo' }, field: 'id' },
    { name: 'bad type', raw: { ...VALID, type: 'database' }, field: 'type' },
    { name: 'version not semver', raw: { ...VALID, version: 'one point oh' }, field: 'version' },
    { name: 'version missing patch', raw: { ...VALID, version: '1.2' }, field: 'version' },
    { name: 'middleware type without middleware name', raw: { ...VALID, middleware: undefined }, field: 'middleware' },
    { name: 'bad capability', raw: { ...VALID, capabilities: ['fly'] }, field: 'capabilities[0]' },
    { name: 'action without mutating', raw: { ...VALID, actions: [{ name: 'reset' }] }, field: 'actions[0].mutating' },
    { name: 'defaultPort out of range', raw: { ...VALID, defaultPort: 70000 }, field: 'defaultPort' },
    { name: 'bad requires entry', raw: { ...VALID, requires: ['other-plugin >>> 1'] }, field: 'requires' },
    { name: 'not an object', raw: 'just a string', field: '(root)' },
  ])('$name -> KSA_ERR_MANIFEST_INVALID naming $field', ({ raw, field }) => {
    const e = thrown(() => validateManifest(raw, '/x/plugin.yaml'));
    expect(e.code).toBe('KSA_ERR_MANIFEST_INVALID');
    expect(e.message).toContain('/x/plugin.yaml');
    expect(e.message).toContain(field);
  });

  it.each([2, 0.5, 99])('apiVersion %s -> KSA_ERR_API_VERSION', (apiVersion) => {
    const e = thrown(() => validateManifest({ ...VALID, apiVersion }, 'plugin.yaml'));
    // 0.5 is not an integer: invalid rather than unsupported.
    expect(e.code).toBe(Number.isInteger(apiVersion) ? 'KSA_ERR_API_VERSION' : 'KSA_ERR_MANIFEST_INVALID');
    if (Number.isInteger(apiVersion)) expect(e.message).toContain(`API ${apiVersion}`);
  });
});

describe('parseRequirement', () => {
  it.each([
    { text: 'redis-diagnostics >= 1.0.0', id: 'redis-diagnostics', range: '>= 1.0.0' },
    { text: 'base ^2.1.0', id: 'base', range: '^2.1.0' },
    { text: 'base', id: 'base', range: '*' },
    { text: '  base   ~1.2  ', id: 'base', range: '~1.2' },
  ])('$text', ({ text, id, range }) => {
    expect(parseRequirement(text, 'f')).toEqual({ id, range });
  });

  it.each(['', 'Base ^1', 'base >>> 1', '^1.0.0', 'base not-a-range!'])('%j is KSA_ERR_MANIFEST_INVALID', (text) => {
    expect(thrown(() => parseRequirement(text, 'f.yaml')).code).toBe('KSA_ERR_MANIFEST_INVALID');
  });
});

describe('dependencyOrder', () => {
  it('a requires b requires c -> c, b, a (whatever the input order)', () => {
    const a = manifest('a', ['b >=1.0.0']);
    const b = manifest('b', ['c ^1.2.0']);
    const c = manifest('c', [], '1.4.0');
    for (const input of [[a, b, c], [c, b, a], [b, a, c]]) expect(dependencyOrder(input)).toEqual(['c', 'b', 'a']);
  });

  it('a diamond puts the shared dependency first, once', () => {
    const order = dependencyOrder([manifest('top', ['left', 'right']), manifest('left', ['base']), manifest('right', ['base']), manifest('base')]);
    expect(order).toHaveLength(4);
    expect(order[0]).toBe('base');
    expect(order[3]).toBe('top');
  });

  it('plugins without requires keep their input order', () => {
    expect(dependencyOrder([manifest('z'), manifest('y'), manifest('x')])).toEqual(['z', 'y', 'x']);
  });

  it.each([
    { name: 'range unmet', list: [manifest('a', ['b >=2.0.0']), manifest('b', [], '1.9.9')], text: ['a requires b >=2.0.0', '1.9.9'] },
    { name: 'caret range unmet', list: [manifest('a', ['b ^1.0.0']), manifest('b', [], '2.0.0')], text: ['b ^1.0.0', '2.0.0'] },
    { name: 'dependency missing', list: [manifest('a', ['ghost ^1.0.0'])], text: ['a requires ghost', 'not installed'] },
    { name: 'transitive dependency missing', list: [manifest('a', ['b']), manifest('b', ['ghost'])], text: ['b requires ghost'] },
  ])('$name -> KSA_ERR_DEPENDENCY_MISSING', ({ list, text }) => {
    const e = thrown(() => dependencyOrder(list));
    expect(e.code).toBe('KSA_ERR_DEPENDENCY_MISSING');
    for (const t of text) expect(e.message).toContain(t);
  });

  it.each([
    { name: 'two-plugin cycle', list: [manifest('x', ['y']), manifest('y', ['x'])], path: 'x -> y -> x' },
    { name: 'three-plugin cycle', list: [manifest('x', ['y']), manifest('y', ['z']), manifest('z', ['x'])], path: 'x -> y -> z -> x' },
    { name: 'self-dependency', list: [manifest('x', ['x'])], path: 'x -> x' },
    { name: 'cycle behind a good plugin', list: [manifest('ok'), manifest('p', ['q']), manifest('q', ['r']), manifest('r', ['q'])], path: 'q -> r -> q' },
  ])('$name -> KSA_ERR_DEPENDENCY_CYCLE with the path "$path"', ({ list, path }) => {
    const e = thrown(() => dependencyOrder(list));
    expect(e.code).toBe('KSA_ERR_DEPENDENCY_CYCLE');
    expect(e.message).toContain(path);
  });
});

describe('readExternalPackage (a directory path)', () => {
  it('reads plugin.yaml of the fixture plugin without importing it', () => {
    const r = readExternalPackage(join(fixtures, 'fixture'));
    expect(r.source).toBe('external');
    expect(r.manifest.id).toBe('fixture-diagnostics');
    expect(r.manifest.categories).toEqual(['alpha', 'beta']);
    expect(r.entryPath).toBe(join(fixtures, 'fixture', 'index.js'));
    expect(r.location).toBe(join(fixtures, 'fixture'));
  });

  it.each([
    { dir: 'bad-unknown-key', code: 'KSA_ERR_MANIFEST_INVALID', text: 'operation' },
    { dir: 'bad-missing-field', code: 'KSA_ERR_MANIFEST_INVALID', text: 'entry' },
    { dir: 'bad-version', code: 'KSA_ERR_MANIFEST_INVALID', text: 'version' },
    { dir: 'bad-yaml', code: 'KSA_ERR_MANIFEST_INVALID', text: 'YAML' },
    { dir: 'bad-api-version', code: 'KSA_ERR_API_VERSION', text: 'API 2' },
    { dir: 'does-not-exist', code: 'KSA_ERR_MANIFEST_UNREADABLE', text: 'does-not-exist' },
    { dir: 'deps-chain', code: 'KSA_ERR_MANIFEST_UNREADABLE', text: 'deps-chain' },
  ])('$dir -> $code', ({ dir, code, text }) => {
    const e = thrown(() => readExternalPackage(join(fixtures, dir)));
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(e.message).toMatch(/: [a-z`]/); // ends with the fix
  });

  describe('unreadable files (built in a temp dir)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ksa-loader-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('plugin.yaml that is a directory -> KSA_ERR_MANIFEST_UNREADABLE with the OS code', () => {
      mkdirSync(join(tmp, 'isdir/plugin.yaml'), { recursive: true });
      const e = thrown(() => readExternalPackage(join(tmp, 'isdir')));
      expect(e.code).toBe('KSA_ERR_MANIFEST_UNREADABLE');
      expect(e.message).toContain('EISDIR');
    });

    it('a file instead of a directory -> KSA_ERR_MANIFEST_UNREADABLE', () => {
      writeFileSync(join(tmp, 'afile'), 'x');
      expect(thrown(() => readExternalPackage(join(tmp, 'afile'))).code).toBe('KSA_ERR_MANIFEST_UNREADABLE');
    });

    it('package.json that is not JSON -> KSA_ERR_MANIFEST_INVALID', () => {
      mkdirSync(join(tmp, 'badjson'));
      writeFileSync(join(tmp, 'badjson/package.json'), '{ "name": ');
      const e = thrown(() => readExternalPackage(join(tmp, 'badjson')));
      expect(e.code).toBe('KSA_ERR_MANIFEST_INVALID');
      expect(e.message).toContain('JSON');
    });

    it('an entry escaping the package -> KSA_ERR_MANIFEST_INVALID', () => {
      mkdirSync(join(tmp, 'escape'));
      writeFileSync(join(tmp, 'escape/plugin.yaml'), 'id: escape\nname: e\nversion: 1.0.0\napiVersion: 1\ntype: middleware\nmiddleware: esc\nentry: ../../etc/passwd\n');
      const e = thrown(() => readExternalPackage(join(tmp, 'escape')));
      expect(e.code).toBe('KSA_ERR_MANIFEST_INVALID');
      expect(e.message).toContain('entry');
    });

    it('an entry into a sibling directory with the same prefix is refused', () => {
      mkdirSync(join(tmp, 'pkg'));
      mkdirSync(join(tmp, 'pkg-evil'));
      writeFileSync(join(tmp, 'pkg/plugin.yaml'), 'id: pkg\nname: e\nversion: 1.0.0\napiVersion: 1\ntype: middleware\nmiddleware: pkg\nentry: ../pkg-evil/index.js\n');
      expect(thrown(() => readExternalPackage(join(tmp, 'pkg'))).code).toBe('KSA_ERR_MANIFEST_INVALID');
    });
  });
});

describe('resolveExternal', () => {
  it.each([
    { name: 'relative path', spec: '../plugins/fixture', from: join(repo, 'test/fixtures/project'), id: 'fixture-diagnostics' },
    { name: 'absolute path', spec: join(fixtures, 'probe'), from: '/', id: 'probe-diagnostics' },
    { name: 'npm package from the project root', spec: 'ksa-plugin-fixture', from: project, id: 'npm-fixture' },
    { name: 'npm package from a sub-directory (node_modules upwards)', spec: 'ksa-plugin-fixture', from: join(project, 'sub/dir'), id: 'npm-fixture' },
  ])('$name', ({ spec, from, id }) => {
    const r = resolveExternal(spec, from);
    expect(r.manifest.id).toBe(id);
    expect(r.source).toBe('external');
  });

  it('an npm package carries its manifest in package.json `ksa`, entry resolved inside the package', () => {
    const r = resolveExternal('ksa-plugin-fixture', project);
    expect(r.location).toBe(join(project, 'node_modules/ksa-plugin-fixture'));
    expect(r.entryPath).toBe(join(project, 'node_modules/ksa-plugin-fixture/index.js'));
    expect(r.manifest).toMatchObject({ version: '0.3.0', middleware: 'npmfixture', defaultPort: 7002, categories: ['gamma'] });
  });

  it('extra roots are searched after the ancestors of `from`', () => {
    expect(resolveExternal('ksa-plugin-fixture', tmpdir(), [project]).manifest.id).toBe('npm-fixture');
  });

  it('a package that is not installed -> KSA_ERR_UNKNOWN_PLUGIN naming it', () => {
    const e = thrown(() => resolveExternal('ksa-plugin-nosuch', project));
    expect(e.code).toBe('KSA_ERR_UNKNOWN_PLUGIN');
    expect(e.message).toContain('ksa-plugin-nosuch');
  });

  it.each(['Not A Name', 'a//b', 'foo bar'])('%j is neither a path nor a package name -> KSA_ERR_BAD_INPUT', (spec) => {
    expect(thrown(() => resolveExternal(spec, project)).code).toBe('KSA_ERR_BAD_INPUT');
  });
});

describe('discoverDirectory', () => {
  it('finds every plugin package in a directory, manifests only', () => {
    expect(discoverDirectory(join(fixtures, 'deps-chain')).map((r) => r.manifest.id).sort()).toEqual(['dep-a', 'dep-b', 'dep-c']);
  });

  it('a missing directory yields nothing', () => {
    expect(discoverDirectory(join(fixtures, 'nope'))).toEqual([]);
  });
});

describe('PluginManager.load: order, dependencies and no code imported', () => {
  const markers = ['marker-invalid', 'marker-valid'].map((d) => join(fixtures, d, 'imported.marker'));
  beforeEach(() => {
    for (const m of markers) rmSync(m, { force: true });
  });
  afterAll(() => {
    for (const m of markers) rmSync(m, { force: true });
  });

  const load = (opts: { externals?: string[]; discoveryDirs?: string[]; cwd?: string }) =>
    new PluginManager({ packageRoot: repo, isolation: 'worker', logger: silent, ...opts }).load();

  it('dependency order of a discovered chain is c, b, a and startAll would follow it', async () => {
    const m = await load({ discoveryDirs: [join(fixtures, 'deps-chain')] });
    const ids = m.registry.listByType('analyzer').map((e) => e.manifest.id);
    expect(ids.sort()).toEqual(['dep-a', 'dep-b', 'dep-c']);
    const order = dependencyOrder(m.registry.list().map((e) => e.manifest)).filter((id) => id.startsWith('dep-'));
    expect(order).toEqual(['dep-c', 'dep-b', 'dep-a']);
    expect(m.registry.listByState('Loaded').length).toBe(m.registry.list().length);
    await m.close();
  });

  it.each([
    { dir: 'deps-cycle', code: 'KSA_ERR_DEPENDENCY_CYCLE', text: 'cyc-x -> cyc-y -> cyc-z -> cyc-x' },
    { dir: 'deps-unmet', code: 'KSA_ERR_DEPENDENCY_MISSING', text: 'old-base >=2.0.0, but 1.5.0' },
    { dir: 'deps-missing', code: 'KSA_ERR_DEPENDENCY_MISSING', text: 'ghost-plugin' },
  ])('$dir -> $code', async ({ dir, code, text }) => {
    await expect(load({ discoveryDirs: [join(fixtures, dir)] })).rejects.toMatchObject({ code, message: expect.stringContaining(text) });
  });

  it('the same package named twice (e.g. --plugin and discovery) is loaded once', async () => {
    const m = await load({ externals: [join(fixtures, 'fixture'), join(fixtures, 'fixture', '.')] });
    expect(m.registry.list().filter((e) => e.source === 'external').map((e) => e.manifest.id)).toEqual([FIXTURE_ID]);
    await m.close();
  });

  it('two packages with the same plugin id -> KSA_ERR_DUPLICATE_PLUGIN naming both locations', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ksa-dup-'));
    cpSync(join(fixtures, 'fixture'), copy, { recursive: true });
    try {
      await expect(load({ externals: [join(fixtures, 'fixture'), copy] })).rejects.toMatchObject({ code: 'KSA_ERR_DUPLICATE_PLUGIN', message: expect.stringContaining(copy) });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('an npm package name resolves from cwd', async () => {
    const m = await load({ externals: ['ksa-plugin-fixture'], cwd: join(project, 'sub/dir') });
    expect(m.pluginForType('npmfixture').manifest.id).toBe('npm-fixture');
    await m.close();
  });

  it('an invalid manifest is rejected before its code is imported (no marker)', async () => {
    await expect(load({ externals: [join(fixtures, 'marker-invalid')] })).rejects.toMatchObject({ code: 'KSA_ERR_MANIFEST_INVALID', message: expect.stringContaining('colour') });
    expect(() => readExternalPackage(join(fixtures, 'marker-invalid'))).toThrow(/colour/);
    expect(existsSync(markers[0]!)).toBe(false);
  });

  it('a valid manifest is loaded without importing code; the code is imported on first use (control)', async () => {
    const m = await load({ externals: [join(fixtures, 'marker-valid')] });
    expect(m.registry.require('marker-valid').state).toBe('Loaded');
    expect(existsSync(markers[1]!)).toBe(false);
    const { result } = await m.diagnose({
      pluginId: 'marker-valid',
      target: { type: 'markervalid', name: 't', endpoints: ['h:1'], auth: {}, options: {} },
      opts: { categories: [], thresholds: {}, timeoutMs: 10_000, allowWrite: false },
    });
    await m.close();
    expect(result.status).toBe('healthy');
    expect(existsSync(markers[1]!)).toBe(true);
  });
});
