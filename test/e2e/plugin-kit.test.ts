// The plugin author kit end to end, as users run it: `ksa plugin new` output builds, passes its
// own contract tests and is diagnosed through `ksa`; `ksa plugin install` locks what it installs
// and a tampered or unlocked plugin is refused (exit 3) before any of its code runs.
// No network: the scaffold links the repo's typescript/vitest/ksa, npm runs with --offline.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { LockFileSchema } from '../../src/install/lock-file.js';
import type { DiagnosticResult } from '../../src/core/types.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ksa-plugin-kit-'));

interface Run { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ksa = (args: string[], env: NodeJS.ProcessEnv = process.env) => run(process.execPath, [join(REPO, 'bin', 'ksa.js'), ...args], { env });

function resultOf(r: Run): DiagnosticResult {
  return ReportSchema.parse(JSON.parse(r.stdout)).results[0]!;
}

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')) || !existsSync(join(REPO, 'dist', 'src', 'testing', 'index.js'))) {
    throw new Error('dist/ is missing or stale: run `npm run build` first');
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ksa plugin new', () => {
  const dir = join(tmp, 'scaffold', 'acme');
  let server: Server;
  let endpoint = '';

  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('scaffolds a package with manifest, sources and a contract test', async () => {
    const r = await ksa(['plugin', 'new', 'acme', '--dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`created acme-diagnostics (middleware acme) in ${dir}`);
    for (const f of ['package.json', 'plugin.yaml', 'tsconfig.json', 'src/index.ts', 'src/connect.ts', 'src/collect.ts', 'src/snapshot.ts', 'src/checks/connection.ts', 'test/contract.test.ts']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    // The dev dependency is this ksa by a relative path (works in any checkout), under the name
    // ksa is published as; never the registry's unrelated bare `ksa` package.
    expect(pkg.devDependencies['@kubestack/ksa']).toBe(`file:${relative(dir, REPO) || '.'}`);
    expect(pkg.devDependencies.ksa).toBeUndefined();
    expect(pkg.peerDependencies['@kubestack/ksa']).toMatch(/^>=\d+\.\d+\.\d+$/);
  });

  it('refuses to scaffold into a non-empty directory', async () => {
    const r = await ksa(['plugin', 'new', 'acme', '--dir', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_BAD_INPUT .* exists and is not empty/);
  });

  it('builds with tsc and passes its own contract tests', async () => {
    // What `npm install` would do, offline: link this ksa and the repo's toolchain.
    mkdirSync(join(dir, 'node_modules', '@kubestack'), { recursive: true });
    symlinkSync(REPO, join(dir, 'node_modules', '@kubestack', 'ksa'), 'dir');
    for (const p of ['typescript', 'vitest', '@types']) symlinkSync(join(REPO, 'node_modules', p), join(dir, 'node_modules', p), 'dir');
    const build = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    expect(build.stdout + build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    const test = await run(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Tests\s+9 passed \(9\)/);
  }, 60_000);

  it('validates with `ksa plugin validate` unchanged', async () => {
    const r = await ksa(['plugin', 'validate', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: acme-diagnostics 0\.1\.0 \(1 categories, 1 operations\)/);
  });

  it('is diagnosed through `ksa --plugin <dir> diagnose acme`: healthy, and unknown when the server is down', async () => {
    const up = await ksa(['--plugin', dir, 'diagnose', 'acme', endpoint, '--json']);
    expect(up.code).toBe(0);
    const result = resultOf(up);
    expect(result).toMatchObject({ status: 'healthy', plugin: { id: 'acme-diagnostics', version: '0.1.0' }, findings: [], errors: [] });
    expect(result.categories).toEqual([expect.objectContaining({ name: 'connection', status: 'healthy' })]);
    expect(typeof result.metrics.connect_avg_ms).toBe('number');

    const closed = await new Promise<number>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
    const down = await ksa(['--plugin', dir, 'diagnose', 'acme', `127.0.0.1:${closed}`, '--json']);
    expect(down.code).toBe(3);
    expect(resultOf(down).errors.map((e) => e.code)).toEqual(['KSA_ERR_CONNECT']);
  });
});

describe('ksa plugin install', () => {
  const home = join(tmp, 'home');
  const marker = 'imported-marker';
  const source = join(tmp, 'marker-plugin');
  const env = { ...process.env, KSA_PLUGIN_DIR: home, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  const installed = join(home, 'node_modules', 'marker-diagnostics');

  /**
   * A plugin whose import leaves a trace on its stdout, which ksa logs at debug level: if the
   * marker is in ksa's stderr, its code ran. (Not a file: the plugin sandbox refuses every write.)
   */
  function writeMarkerPlugin(dir: string, id: string, middleware: string, markerText: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: id, version: '1.2.3', type: 'module', peerDependencies: { '@kubestack/ksa': '>=0.1.0' },
      ksa: { id, name: id, version: '1.2.3', apiVersion: 1, type: 'middleware', middleware, defaultPort: 1, entry: './index.js', capabilities: ['diagnose'], categories: ['alpha'], checks: [`${middleware}.alpha.ok`], operations: ['NOOP'] },
    }, null, 2));
    writeFileSync(join(dir, 'index.js'), [
      "import { createOperationGuard, defineCheck, defineMiddlewarePlugin } from '@kubestack/ksa/sdk';",
      `console.log(${JSON.stringify(markerText)});`,
      'export default defineMiddlewarePlugin({',
      `  info: { id: '${id}', version: '1.2.3', middleware: '${middleware}' },`,
      "  categories: ['alpha'],",
      '  async connect(ctx) { createOperationGuard(ctx.pluginId, ctx.operations).assert(\'NOOP\'); return {}; },',
      '  async collect() { return { data: { ok: true } }; },',
      `  checks: [defineCheck({ id: '${middleware}.alpha.ok', category: 'alpha', run: () => null })],`,
      '});',
      '',
    ].join('\n'));
  }

  const diagnoseMarker = () => ksa(['--log-level', 'debug', 'diagnose', 'marker', '127.0.0.1:1', '--json'], env);
  /** Whether the plugin's code ran in that run (its import printed the marker). */
  const ran = (r: { stderr: string }, text = marker) => r.stderr.includes(`plugin stdout: ${text}`);

  beforeAll(() => writeMarkerPlugin(source, 'marker-diagnostics', 'marker', marker));

  it('installs a local package with --plugin-home, npm --ignore-scripts, and records it in the lock', async () => {
    const r = await ksa(['--plugin-home', home, 'plugin', 'install', source], { ...env, KSA_PLUGIN_DIR: join(tmp, 'not-used') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^installed marker-diagnostics@1\.2\.3: plugin marker-diagnostics \(ksa diagnose marker \.\.\.\)/);
    const lock = LockFileSchema.parse(JSON.parse(readFileSync(join(home, 'ksa-plugins.lock.json'), 'utf8')));
    const entry = lock.plugins['marker-diagnostics']!;
    expect(entry).toMatchObject({ name: 'marker-diagnostics', version: '1.2.3', pluginId: 'marker-diagnostics', middleware: 'marker', requested: source });
    expect(entry.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(entry.npmIntegrity).toMatch(/^sha512-/);
    expect(Object.keys(entry.files).sort()).toEqual(['index.js', 'package.json']);
    // ksa itself is linked, so npm never fetches the registry's unrelated `ksa` for the peer dependency.
    expect(JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')).dependencies['@kubestack/ksa']).toBe(`file:${REPO.replace(/\/$/, '')}`);
    expect(r.stdout + r.stderr).not.toContain(marker); // installing never imports the plugin
  }, 60_000);

  it('discovers installed plugins automatically (KSA_PLUGIN_DIR) and runs them', async () => {
    const list = await ksa(['plugin', 'list', '--json'], env);
    const plugin = JSON.parse(list.stdout).plugins.find((p: { id: string }) => p.id === 'marker-diagnostics');
    expect(plugin).toMatchObject({ source: 'external', location: installed, middleware: 'marker' });
    const r = await diagnoseMarker();
    expect(r.code).toBe(0);
    expect(resultOf(r).status).toBe('healthy');
    expect(ran(r)).toBe(true); // the code ran
  });

  it('refuses a tampered plugin with exit 3 (KSA_ERR_PLUGIN_LOCKED) before its code runs', async () => {
    appendFileSync(join(installed, 'index.js'), '// tampered\n');
    const r = await diagnoseMarker();
    expect(r.code).toBe(3);
    const result = resultOf(r);
    expect(result.status).toBe('unknown');
    expect(result.errors.map((e) => e.code)).toEqual(['KSA_ERR_PLUGIN_LOCKED']);
    expect(result.errors[0]!.message).toContain('does not match');
    expect(result.errors[0]!.message).toContain('changed index.js');
    expect(ran(r)).toBe(false);
  });

  it('refuses an added file the same way', async () => {
    const reinstall = await ksa(['plugin', 'install', source], env);
    expect(reinstall.code).toBe(0);
    writeFileSync(join(installed, 'extra.js'), 'export {};\n');
    const r = await diagnoseMarker();
    expect(r.code).toBe(3);
    expect(resultOf(r).errors[0]!.message).toContain('added extra.js');
    expect(ran(r)).toBe(false);
  }, 60_000);

  it('refuses a plugin in the plugin directory that is not in the lock, before its code runs', async () => {
    const rogueMarker = 'imported-rogue';
    writeMarkerPlugin(join(home, 'node_modules', 'rogue-diagnostics'), 'rogue-diagnostics', 'rogue', rogueMarker);
    const r = await ksa(['--log-level', 'debug', 'diagnose', 'rogue', '127.0.0.1:1', '--json'], env);
    expect(r.code).toBe(3);
    const result = resultOf(r);
    expect(result.errors.map((e) => e.code)).toEqual(['KSA_ERR_PLUGIN_LOCKED']);
    expect(result.errors[0]!.message).toMatch(/plugin rogue-diagnostics \(package rogue-diagnostics\) is in .* but not in .*ksa-plugins\.lock\.json/);
    expect(ran(r, rogueMarker)).toBe(false);
    rmSync(join(home, 'node_modules', 'rogue-diagnostics'), { recursive: true });
  });

  it("locks the plugin's dependencies too: a modified dependency is refused before the plugin runs", async () => {
    const helper = join(tmp, 'helper');
    const plugin = join(tmp, 'dep-plugin');
    const depMarker = 'imported-dep';
    mkdirSync(helper, { recursive: true });
    writeFileSync(join(helper, 'package.json'), JSON.stringify({ name: 'kit-helper', version: '0.0.1', type: 'module', main: 'index.js' }));
    writeFileSync(join(helper, 'index.js'), 'export const level = 1;\n');
    writeMarkerPlugin(plugin, 'dep-diagnostics', 'dep', depMarker);
    const pkg = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ ...pkg, dependencies: { 'kit-helper': `file:${helper}` } }));
    writeFileSync(join(plugin, 'index.js'), `import 'kit-helper';\n${readFileSync(join(plugin, 'index.js'), 'utf8')}`);
    expect((await ksa(['plugin', 'install', plugin], env)).code).toBe(0);
    const lock = LockFileSchema.parse(JSON.parse(readFileSync(join(home, 'ksa-plugins.lock.json'), 'utf8')));
    expect(Object.keys(lock.plugins['dep-diagnostics']!.dependencies)).toEqual(['node_modules/kit-helper']);
    const first = await ksa(['--log-level', 'debug', 'diagnose', 'dep', '127.0.0.1:1', '--json'], env);
    expect(first.code).toBe(0);
    expect(ran(first, depMarker)).toBe(true);
    // npm links a file: dependency, so editing its source edits what the plugin loads.
    appendFileSync(join(helper, 'index.js'), 'export const evil = 1;\n');
    const r = await ksa(['--log-level', 'debug', 'diagnose', 'dep', '127.0.0.1:1', '--json'], env);
    expect(r.code).toBe(3);
    expect(resultOf(r).errors[0]).toMatchObject({ code: 'KSA_ERR_PLUGIN_LOCKED', message: expect.stringContaining('dependency kit-helper of plugin dep-diagnostics (package dep-diagnostics) was modified since install') });
    expect(ran(r, depMarker)).toBe(false);
  }, 60_000);

  it('a reinstall restores a working plugin; a second plugin keeps the first one locked', async () => {
    expect((await ksa(['plugin', 'install', source], env)).code).toBe(0);
    const zk = await ksa(['plugin', 'install', join(REPO, 'examples', 'zookeeper-plugin')], env);
    expect(zk.code, zk.stderr).toBe(0);
    const lock = LockFileSchema.parse(JSON.parse(readFileSync(join(home, 'ksa-plugins.lock.json'), 'utf8')));
    expect(Object.keys(lock.plugins).sort()).toEqual(['dep-diagnostics', 'marker-diagnostics', 'zookeeper-diagnostics']);
    const r = await diagnoseMarker();
    expect(r.code).toBe(0);
    expect(ran(r)).toBe(true);
    // The installed example runs (and fails only on the network: nothing listens on port 1).
    const zr = await ksa(['diagnose', 'zookeeper', '127.0.0.1:1', '--json'], env);
    expect(resultOf(zr).errors.map((e) => e.code)).toEqual(['KSA_ERR_CONNECT']);
  }, 60_000);

  it('refuses to install a directory that is not a ksa plugin, without running npm', async () => {
    const notPlugin = join(tmp, 'not-a-plugin');
    cpSync(source, notPlugin, { recursive: true });
    writeFileSync(join(notPlugin, 'package.json'), JSON.stringify({ name: 'not-a-plugin', version: '1.0.0' }));
    const r = await ksa(['plugin', 'install', notPlugin], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_MANIFEST_UNREADABLE .* has neither plugin\.yaml nor a "ksa" field in package\.json/);
    expect(existsSync(join(home, 'node_modules', 'not-a-plugin'))).toBe(false);
  });
});
