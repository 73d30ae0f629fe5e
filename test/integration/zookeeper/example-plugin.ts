// The example plugin as a user has it: its directory, with `@kubestack/ksa` resolvable from it
// (what `npm install` does for its `"@kubestack/ksa": "file:../.."` devDependency, offline).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
export const EXAMPLE_DIR = join(REPO, 'examples', 'zookeeper-plugin');

export function linkKsa(pluginDir: string = EXAMPLE_DIR): void {
  const link = join(pluginDir, 'node_modules', '@kubestack', 'ksa');
  if (existsSync(join(link, 'package.json'))) return;
  mkdirSync(join(pluginDir, 'node_modules', '@kubestack'), { recursive: true });
  symlinkSync(REPO, link, 'dir');
}

export function requireBuild(): void {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')) || !existsSync(join(REPO, 'dist', 'src', 'sdk', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (they run ksa as a user does)');
  }
}

export interface CliRun { code: number; stdout: string; stderr: string; ms: number }

export function ksa(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 30_000): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin', 'ksa.js'), ...args], { cwd: REPO, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
