// Issue 14 item 7, the author loop as docs/PLUGINS.md tells it, on a plugin made by `ksa plugin
// new` (offline: the scaffold links this repo's ksa and toolchain, npm runs with --offline):
// validate refuses an unbuilt package and a version that differs from package.json; install
// 0.1.0, install 0.2.0 upgrades (lock and plugin list say 0.2.0), uninstall removes it (lock entry
// and package gone), and the `--plugin .` development loop then runs without DUPLICATE_PLUGIN.
// The manifest's defaultPort is the port a portless endpoint gets. Needs `npm run build`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { LockFileSchema } from '../../src/install/lock-file.js';
import { repoRoot as REPO } from '../support/services.js';

const tmp = mkdtempSync(join(tmpdir(), 'ksa-author-loop-'));
const dir = join(tmp, 'loop-diagnostics');
const home = join(tmp, 'home');
const env = { ...process.env, KSA_PLUGIN_DIR: home, npm_config_offline: 'true', npm_config_update_notifier: 'false' };

interface Run { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], cwd = REPO): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ksa = (...args: string[]) => run(process.execPath, [join(REPO, 'bin', 'ksa.js'), ...args], dir);
const build = () => run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
const lock = () => LockFileSchema.parse(JSON.parse(readFileSync(join(home, 'ksa-plugins.lock.json'), 'utf8')));
const listed = async () => (JSON.parse((await ksa('plugin', 'list', '--json')).stdout) as { plugins: Array<{ id: string; version: string; source: string }> }).plugins.filter((p) => p.id === 'loop-diagnostics');

/** Sets the version in the three places an author keeps it (manifest, package.json, code). */
function setVersion(version: string, files: Array<'plugin.yaml' | 'package.json' | 'src/index.ts'> = ['plugin.yaml', 'package.json', 'src/index.ts']): void {
  for (const f of files) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const next = f === 'plugin.yaml' ? text.replace(/^version: .*$/m, `version: ${version}`)
      : f === 'package.json' ? text.replace(/"version": "[^"]*"/, `"version": "${version}"`)
        : text.replace(/version: '[^']*'/, `version: '${version}'`);
    if (next === text && !text.includes(version)) throw new Error(`no version in ${f}`);
    writeFileSync(path, next);
  }
}

let server: Server;
let port = 0;

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  mkdirSync(tmp, { recursive: true });
  const created = await run(process.execPath, [join(REPO, 'bin', 'ksa.js'), 'plugin', 'new', 'loop', '--dir', dir]);
  if (created.code !== 0) throw new Error(created.stderr);
  // What `npm install` does in the new package, offline: link this ksa and the repo's toolchain.
  mkdirSync(join(dir, 'node_modules', '@kubestack'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules', '@kubestack', 'ksa'), 'dir');
  for (const p of ['typescript', '@types']) symlinkSync(join(REPO, 'node_modules', p), join(dir, 'node_modules', p), 'dir');
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('from ksa plugin new to install, upgrade and uninstall', () => {
  it('validate refuses the package before it is built, naming the fix', async () => {
    const r = await ksa('plugin', 'validate', '.');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_MANIFEST_INVALID plugin loop-diagnostics: entry \.\/dist\/index\.js does not exist .*: run `npm run build` in /);
    const install = await ksa('plugin', 'install', '.');
    expect(install.code).toBe(3);
    expect(existsSync(join(home, 'node_modules', 'loop-diagnostics'))).toBe(false);
  });

  it('validate accepts it once built', async () => {
    const b = await build();
    expect(b.stdout + b.stderr).toBe('');
    const r = await ksa('plugin', 'validate', '.');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: loop-diagnostics 0\.1\.0 /);
  }, 60_000);

  it('a manifest version that differs from package.json is refused by validate and install', async () => {
    setVersion('0.1.1', ['package.json']);
    try {
      const r = await ksa('plugin', 'validate', '.');
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^ksa: KSA_ERR_MANIFEST_INVALID plugin loop-diagnostics: manifest version 0\.1\.0 differs from package\.json version 0\.1\.1: give plugin\.yaml .* the same version/);
      const install = await ksa('plugin', 'install', '.');
      expect(install.code).toBe(3);
      expect(existsSync(join(home, 'node_modules', 'loop-diagnostics'))).toBe(false);
    } finally {
      setVersion('0.1.0', ['package.json']);
    }
  });

  it('installs 0.1.0: locked and listed', async () => {
    const r = await ksa('plugin', 'install', '.');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^installed loop-diagnostics@0\.1\.0: plugin loop-diagnostics \(ksa diagnose loop \.\.\.\)/);
    expect(lock().plugins['loop-diagnostics']).toMatchObject({ version: '0.1.0', pluginId: 'loop-diagnostics' });
    expect(await listed()).toEqual([expect.objectContaining({ version: '0.1.0', source: 'external' })]);
  }, 90_000);

  it('installing 0.2.0 upgrades it: lock and plugin list say 0.2.0, and it runs', async () => {
    setVersion('0.2.0');
    expect((await build()).code).toBe(0);
    const r = await ksa('plugin', 'install', '.');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^upgraded loop-diagnostics 0\.1\.0 -> 0\.2\.0: plugin loop-diagnostics/);
    expect(lock().plugins['loop-diagnostics']).toMatchObject({ version: '0.2.0' });
    expect(await listed()).toEqual([expect.objectContaining({ version: '0.2.0' })]);
    const d = await ksa('diagnose', 'loop', `127.0.0.1:${port}`, '--json');
    expect(d.code, d.stderr).toBe(0);
    expect(ReportSchema.parse(JSON.parse(d.stdout)).results[0]).toMatchObject({ status: 'healthy', plugin: { id: 'loop-diagnostics', version: '0.2.0' } });
  }, 90_000);

  it('while installed, `--plugin .` collides with the installed copy (the reason for uninstall)', async () => {
    const r = await ksa('--plugin', '.', 'diagnose', 'loop', `127.0.0.1:${port}`, '--json');
    expect(r.code).toBe(3);
    expect(r.stderr + r.stdout).toContain('KSA_ERR_DUPLICATE_PLUGIN');
  });

  it('uninstall removes the package and its lock entry; plugin list no longer shows it', async () => {
    const r = await ksa('plugin', 'uninstall', 'loop-diagnostics');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^uninstalled loop-diagnostics@0\.2\.0: plugin loop-diagnostics/);
    expect(lock().plugins['loop-diagnostics']).toBeUndefined();
    expect(existsSync(join(home, 'node_modules', 'loop-diagnostics'))).toBe(false);
    expect(JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')).dependencies['loop-diagnostics']).toBeUndefined();
    expect(await listed()).toEqual([]);
    const again = await ksa('plugin', 'uninstall', 'loop-diagnostics');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^ksa: KSA_ERR_UNKNOWN_PLUGIN no plugin "loop-diagnostics" is installed in /);
  }, 90_000);

  it('the `--plugin .` loop then works, and a portless endpoint gets the manifest defaultPort', async () => {
    const r = await ksa('--plugin', '.', 'diagnose', 'loop', `127.0.0.1:${port}`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).results[0]).toMatchObject({ status: 'healthy', plugin: { version: '0.2.0' } });
    // plugin.yaml is the one place the default port is written: the plugin reads it as ctx.defaultPort.
    writeFileSync(join(dir, 'plugin.yaml'), readFileSync(join(dir, 'plugin.yaml'), 'utf8').replace(/^defaultPort: \d+$/m, `defaultPort: ${port}`));
    const portless = await ksa('--plugin', '.', 'diagnose', 'loop', '127.0.0.1', '--json');
    expect(portless.code, portless.stderr).toBe(0);
    expect(ReportSchema.parse(JSON.parse(portless.stdout)).results[0]!.status).toBe('healthy');
  });
});
