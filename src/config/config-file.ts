// Which ksa.yaml applies: --config, then KSA_CONFIG, then ./ksa.yaml (no parsing here, so the
// single-target path does not load yaml or zod just to find out there is no config).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ksaError } from '../core/errors.js';

export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  if (env.KSA_CONFIG) return resolve(cwd, env.KSA_CONFIG);
  const local = resolve(cwd, 'ksa.yaml');
  return existsSync(local) ? local : undefined;
}

/** The config's text; an unreadable file fails here, before yaml and zod are even loaded. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw ksaError('KSA_ERR_CONFIG_UNREADABLE', `cannot read config ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
