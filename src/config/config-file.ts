// Which ksa.yaml applies: --config, then KSA_CONFIG, then ./ksa.yaml (no parsing here, so the
// single-target path does not load yaml or zod just to find out there is no config).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  if (env.KSA_CONFIG) return resolve(cwd, env.KSA_CONFIG);
  const local = resolve(cwd, 'ksa.yaml');
  return existsSync(local) ? local : undefined;
}
