// Spawns the built CLI (`node bin/ksa.js`) as a user runs it, asynchronously (so servers started
// by the same test process keep answering), with the caller's environment minus the variables
// that would leak test credentials into the run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './services.js';

export interface KsaRun { code: number | null; stdout: string; stderr: string }

/** `drop` matches the environment variable names not passed through (e.g. /^(KSA_|PGPASSWORD$)/). */
export function spawnKsa(args: readonly string[], env: Record<string, string>, drop: RegExp): Promise<KsaRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !drop.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/ksa.js'), ...args], { cwd: repoRoot, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
