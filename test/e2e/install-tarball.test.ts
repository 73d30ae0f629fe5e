// Distribution (issue 15 item 1): `npm pack` makes a tarball that `npm install -g` turns into a
// working `ksa` on PATH under the name we own (@kubestack/ksa), with no dev dependencies and no
// build step at install time (the bundle ships). Installed into a temporary prefix and run as a
// user would: --version, plugin list and a real diagnosis of the Redis of scripts/services.sh.
// Needs `npm run build`; npm fetches the runtime dependencies from the registry (or its cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { installCommand, packCommand } from '../support/install-commands.js';

const work = mkdtempSync(join(tmpdir(), 'ksa-pack-'));
const prefix = join(work, 'prefix');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
const installed = join(prefix, 'lib', 'node_modules', ...pkg.name.split('/'));
const bin = join(prefix, 'bin', 'ksa');

// Only the installed package's own PATH: no repo node_modules/.bin, no KSA_* test variables.
const env = (extra: Record<string, string> = {}) => ({
  PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: work, NO_COLOR: '1', ...extra,
});

beforeAll(() => {
  // The same commands as the Dockerfile's (test/support/install-commands.ts).
  const [npm, ...pack] = packCommand(work);
  const out = execFileSync(npm!, [...pack, '--json'], { cwd: repoRoot, encoding: 'utf8' });
  const tarball = join(work, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  const [, ...install] = installCommand(tarball, prefix);
  const r = spawnSync(npm!, install, { encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm install -g of the tarball failed: ${r.stderr.slice(-2000)}`);
}, 300_000);

describe('npm install -g <tarball>', () => {
  it('puts `ksa` on PATH under the scoped name', () => {
    expect(existsSync(bin)).toBe(true);
    expect(existsSync(join(installed, 'package.json'))).toBe(true);
    const r = spawnSync('ksa', ['--version'], { env: env(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.status).toBe(0);
  });

  it('ships the bundle and installs no dev dependency', () => {
    expect(existsSync(join(installed, 'dist', 'bundle'))).toBe(true);
    // @types/* are left out: mysql2 itself depends on @types/node at run time.
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !d.startsWith('@types/'));
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest', 'esbuild']));
    for (const dev of devOnly) {
      expect(existsSync(join(installed, 'node_modules', dev)), `dev dependency ${dev} was installed`).toBe(false);
      expect(existsSync(join(prefix, 'lib', 'node_modules', dev)), `dev dependency ${dev} was installed`).toBe(false);
    }
  });

  it('lists the built-in plugins', () => {
    const r = spawnSync('ksa', ['plugin', 'list', '--json'], { env: env(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { plugins: Array<{ id: string; state: string }> }).plugins.map((p) => p.id).sort();
    expect(ids).toEqual(['alertmanager', 'email', 'http-diagnostics', 'kafka-diagnostics', 'mysql-diagnostics', 'pagerduty', 'postgres-diagnostics', 'prometheus-diagnostics', 'recovery-ansible', 'recovery-kubernetes', 'recovery-script', 'recovery-systemd', 'redis-diagnostics', 'slack', 'teams', 'webhook']);
  });

  it('diagnoses a real Redis from the installed copy', () => {
    const r = spawnSync('ksa', ['diagnose', 'redis', process.env.KSA_REDIS_PRIMARY!, '--json'], { env: env({ REDISCLI_AUTH: process.env.KSA_REDIS_PASSWORD ?? '' }), encoding: 'utf8', timeout: 30_000 });
    const report = JSON.parse(r.stdout) as { exitCode: number; results: Array<{ status: string; errors: unknown[]; categories: unknown[] }> };
    expect(report.results[0]!.errors).toEqual([]);
    expect(report.results[0]!.categories.length).toBeGreaterThan(3);
    expect(r.status).toBe(report.exitCode);
    expect([0, 1, 2]).toContain(r.status);
  });
});
