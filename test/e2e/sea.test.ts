// Standalone executable (issue 15 item 2): scripts/build-sea.mjs builds dist/sea/ksa with Node's
// single-executable support, and it runs with no `node` anywhere on PATH: --version, plugin
// list, a real Redis diagnosis in every isolation mode but `none`, and plugin health. The probe
// fixture (an external plugin that reports its host from the inside) shows that the worker and
// child-process hosts really are a worker thread and a re-executed copy of the binary.
// Needs `npm run build`; the executable is rebuilt here (about 6 s: mostly copying and patching
// the ~95 MB node binary), so it always matches dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadServicesEnv, repoRoot } from '../support/services.js';

const services = loadServicesEnv();
const binary = join(repoRoot, 'dist', 'sea', 'ksa');
const work = mkdtempSync(join(tmpdir(), 'ksa-sea-'));
// PATH is an empty directory: the executable needs no tool, and certainly no node.
const env = (extra: Record<string, string> = {}) => ({ PATH: work, HOME: work, NO_COLOR: '1', ...extra });
const ksa = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(binary, args, { cwd: repoRoot, env: env(extra), encoding: 'utf8', timeout: 30_000 });

interface Report {
  exitCode: number;
  results: Array<{ status: string; errors: unknown[]; metrics?: Record<string, unknown>; categories: Array<{ name: string; status: string; checks?: string[] }> }>;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-sea.mjs')], { cwd: repoRoot, stdio: 'pipe', timeout: 120_000 });
}, 150_000);

describe('dist/sea/ksa, run without node on PATH', () => {
  it('has no node to fall back on', () => {
    expect(existsSync(binary)).toBe(true);
    const which = spawnSync('/bin/sh', ['-c', 'command -v node'], { env: env(), encoding: 'utf8' });
    expect(which.status).not.toBe(0);
    expect(which.stdout).toBe('');
  });

  it('prints its version', () => {
    const r = ksa(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.status).toBe(0);
  });

  it('lists the built-in plugins from its embedded manifest index', () => {
    const r = ksa(['plugin', 'list', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { plugins: Array<{ id: string }> }).plugins.map((p) => p.id).sort();
    expect(ids).toEqual(['alertmanager', 'email', 'http-diagnostics', 'kafka-diagnostics', 'mysql-diagnostics', 'pagerduty', 'postgres-diagnostics', 'prometheus-diagnostics', 'redis-diagnostics', 'slack', 'teams', 'webhook']);
  });

  // auto is a worker thread for built-ins; none is deliberately not run: it is no isolation.
  for (const isolation of ['auto', 'worker', 'process']) {
    it(`diagnoses the real Redis with --isolation ${isolation}`, () => {
      const r = ksa(['--isolation', isolation, 'diagnose', 'redis', services.KSA_REDIS_PRIMARY!, '--json'], { REDISCLI_AUTH: services.KSA_REDIS_PASSWORD ?? '' });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as Report;
      const result = report.results[0]!;
      expect(result.errors).toEqual([]);
      expect(result.status).not.toBe('unknown');
      // Categories were evaluated by the embedded plugin: named checks, real verdicts.
      expect(result.categories.map((c) => c.name)).toEqual(expect.arrayContaining(['memory', 'replication', 'persistence']));
      for (const c of result.categories) {
        expect(c.checks?.length, c.name).toBeGreaterThan(0);
        expect(['healthy', 'warning', 'critical', 'skipped']).toContain(c.status);
      }
      expect(r.status).toBe(report.exitCode);
      expect([0, 1, 2]).toContain(r.status);
    });
  }

  for (const isolation of ['worker', 'process']) {
    it(`reports every built-in plugin healthy with --isolation ${isolation}`, () => {
      const r = ksa(['--isolation', isolation, 'plugin', 'health', '--json']);
      expect(r.status, r.stderr).toBe(0);
      const plugins = (JSON.parse(r.stdout) as { plugins: Array<{ id: string; state: string; healthy: boolean }> }).plugins;
      // Every manifest under manifests/ is a built-in (the file name is its id): all are in the executable.
      expect(plugins.map((p) => p.id).sort()).toEqual(readdirSync(join(repoRoot, 'manifests')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort());
      expect(plugins.map((p) => p.id)).toContain('redis-diagnostics');
      for (const p of plugins) expect([p.id, p.state, p.healthy]).toEqual([p.id, 'Running', true]);
    });
  }

  it('runs a worker host as a worker thread of the executable, with no environment', () => {
    const r = ksa(['--isolation', 'worker', '--plugin', './test/fixtures/plugins/probe', 'diagnose', 'probe', '127.0.0.1:7001', '--json'], { LANG: 'C.UTF-8' });
    expect(r.status, r.stderr).toBe(0);
    const m = (JSON.parse(r.stdout) as Report).results[0]!.metrics!;
    expect(m.mainThread).toBe('no');
    expect(m.pid).toBe(r.pid);
    expect(m.envCount).toBe(0);
    expect(m.argv).toBe(`${binary} [worker eval]`); // the embedded host, evaluated as worker code
  });

  it('runs a child-process host by re-executing the executable, with the allowlisted environment only', () => {
    const r = ksa(['--isolation', 'process', '--plugin', './test/fixtures/plugins/probe', 'diagnose', 'probe', '127.0.0.1:7001', '--json'], { LANG: 'C.UTF-8', KSA_CANARY: 'x' });
    expect(r.status, r.stderr).toBe(0);
    const m = (JSON.parse(r.stdout) as Report).results[0]!.metrics!;
    expect(m.pid).not.toBe(r.pid);
    expect(m.mainThread).toBe('yes');
    expect(String(m.argv).split(' ')[0]).toBe(binary);
    // The host's markers (KSA_SEA_CHILD_HOST, NODE_OPTIONS for the heap limit) are removed before the plugin runs.
    // (PWD=/ is bubblewrap's --chdir /, the default sandbox where it is installed.)
    expect(String(m.envKeys).replace(',PWD', '')).toBe('LANG,PATH');
  });

  it('enforces the heap limit in a child-process host (NODE_OPTIONS: the executable takes no Node flags on argv)', () => {
    const r = ksa(['--isolation', 'process', '--plugin', './test/fixtures/plugins/fixture', 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=heap-bomb', '--timeout', '25s', '--json']);
    const error = (JSON.parse(r.stdout) as { results: Array<{ errors: Array<{ code: string; message: string }> }> }).results[0]!.errors[0]!;
    expect(error.code).toBe('KSA_ERR_OUT_OF_MEMORY');
    // V8's heap limit ended it, not the resident-memory watchdog (which names 'resident' MB).
    expect(error.message).toMatch(/exceeded its 256 MB heap limit/);
    expect(r.status).toBe(3);
  }, 30_000);

  it('refuses `plugin new` with a fix instead of a crash: plugins need ksa from npm on disk', () => {
    const r = ksa(['plugin', 'new', 'nope', '--dir', join(work, 'nope')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_BAD_INPUT `ksa plugin new` needs ksa installed from npm.*npm install -g @kubestack\/ksa/);
    expect(existsSync(join(work, 'nope'))).toBe(false);
  });
});

describe('dist/sea/ksa away from any node_modules', () => {
  it('checks plugin `requires:` ranges with its own bundled semver (a copy outside the repository)', () => {
    const away = join(work, 'bin-away');
    mkdirSync(away);
    const copy = join(away, 'ksa');
    copyFileSync(binary, copy);
    chmodSync(copy, 0o755);
    const deps = join(repoRoot, 'test', 'fixtures', 'plugins', 'deps-chain');
    const r = spawnSync(copy, ['--plugin-dir', deps, 'plugin', 'list', '--json'], { cwd: work, env: env(), encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ids = (JSON.parse(r.stdout) as { plugins: Array<{ id: string }> }).plugins.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['dep-a', 'dep-b', 'dep-c']));
  });
});

describe('dist/sea/ksa and the npm package', () => {
  it('stays out of the npm tarball (package.json `files` ships dist/)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: repoRoot, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files.filter((f) => f.startsWith('dist/sea/'))).toEqual([]);
    expect(files).toContain('bin/ksa.js');
  });
});
