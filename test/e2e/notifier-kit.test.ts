// `ksa plugin new <name> --type notifier` end to end, as an author runs it: the scaffold builds
// with tsc, passes its own notifier contract tests (@kubestack/ksa/testing: manifest vs code, a
// firing and a resolved notification delivered to a real local HTTP server, no secret in the
// outcome, ctx.signal honoured) and validates with `ksa plugin validate`. Offline: the scaffold
// links the repo's typescript/vitest/ksa.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ksa-notifier-kit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], cwd = REPO): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0, stdout, stderr });
    });
  });
}
const ksa = (args: string[]) => run(process.execPath, [join(REPO, 'bin', 'ksa.js'), ...args]);

describe('ksa plugin new --type notifier', () => {
  const dir = join(tmp, 'pager');

  it('scaffolds a notifier package that builds, passes the notifier contract kit and validates', async () => {
    const made = await ksa(['plugin', 'new', 'pager', '--type', 'notifier', '--dir', dir]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`created pager-notifier (notifier) in ${dir}`);
    expect(readFileSync(join(dir, 'plugin.yaml'), 'utf8')).toMatch(/^type: notifier$/m);

    mkdirSync(join(dir, 'node_modules', '@kubestack'), { recursive: true });
    symlinkSync(REPO, join(dir, 'node_modules', '@kubestack', 'ksa'), 'dir');
    for (const p of ['typescript', 'vitest', '@types']) symlinkSync(join(REPO, 'node_modules', p), join(dir, 'node_modules', p), 'dir');
    const build = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
    expect(build.stdout + build.stderr).toBe('');
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    const test = await run(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], dir);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    // manifest, firing, resolved, abort
    expect(test.stdout).toMatch(/Tests\s+4 passed \(4\)/);

    const valid = await ksa(['plugin', 'validate', dir]);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^ok: pager-notifier 0\.1\.0/);
  }, 60_000);

  it('refuses an unknown --type with the fix', async () => {
    const r = await ksa(['plugin', 'new', 'x', '--type', 'exporter', '--dir', join(tmp, 'x')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_BAD_INPUT --type "exporter" is not one of middleware, notifier/);
  });
});
