import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in <repo>/test/support). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of the env file written by `bash scripts/services.sh start`. */
export function servicesEnvPath(): string {
  return join(process.env.KSA_SERVICES_DIR || join(repoRoot, '.services'), 'env');
}

/** KEY=value pairs of the running test servers (KSA_REDIS_PRIMARY, KSA_PG_PASSWORD, ...). */
export function loadServicesEnv(): Record<string, string> {
  const file = servicesEnvPath();
  if (!existsSync(file)) {
    throw new Error(`test services are not running (no ${file}): run \`bash scripts/services.sh start\``);
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined) env[m[1]] = m[2] ?? '';
  }
  return env;
}
