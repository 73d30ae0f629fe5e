// Where a password comes from, in order: --password-file, --password-env NAME, --password (argv,
// warned: visible in `ps`), the endpoint URL (warned), the plugin's conventional variables (its
// manifest's `credentials.passwordEnv`, e.g. the variable of the middleware's own CLI), then KSA_PASSWORD.
import { readFileSync } from 'node:fs';
import { ksaError } from '../core/errors.js';
import type { Manifest } from '../core/types.js';

/** The generic fallback, after the plugin's own conventional variables. */
export const GENERIC_PASSWORD_ENV = 'KSA_PASSWORD';

/** The variables read for a password when none is given explicitly, in order. */
export function conventionalPasswordEnv(manifest: Pick<Manifest, 'credentials'>): string[] {
  return [...(manifest.credentials?.passwordEnv ?? []), GENERIC_PASSWORD_ENV];
}

export interface PasswordSources {
  /** From conventionalPasswordEnv(manifest): the plugin's variables, then KSA_PASSWORD. */
  conventionalEnv: readonly string[];
  passwordFile?: string | undefined;
  passwordEnv?: string | undefined;
  argvPassword?: string | undefined;
  urlPassword?: string | undefined;
  env: NodeJS.ProcessEnv;
}

export interface ResolvedPassword {
  password: string | undefined;
  /** Where it came from (`--password-file /run/s`, a variable's name, `the endpoint URL`), for --explain-auth and auth errors. */
  from?: string;
  warnings: string[];
}

export function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw ksaError('KSA_ERR_SECRET_UNREADABLE', `cannot read password file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function resolvePassword(s: PasswordSources): ResolvedPassword {
  const warnings: string[] = [];
  if (s.passwordFile !== undefined) return { password: readPasswordFile(s.passwordFile), from: `--password-file ${s.passwordFile}`, warnings };
  if (s.passwordEnv !== undefined) {
    const value = s.env[s.passwordEnv];
    if (value === undefined) throw ksaError('KSA_ERR_SECRET_UNREADABLE', `environment variable ${s.passwordEnv} is not set`, { fix: `export ${s.passwordEnv} or use --password-file` });
    return { password: value, from: `--password-env ${s.passwordEnv}`, warnings };
  }
  if (s.argvPassword !== undefined) {
    warnings.push('--password on the command line is visible to other users (ps, /proc); use --password-file or an environment variable');
    return { password: s.argvPassword, from: '--password', warnings };
  }
  if (s.urlPassword !== undefined) {
    warnings.push('a password in the endpoint URL is visible to other users (ps, /proc); use --password-file or an environment variable');
    return { password: s.urlPassword, from: 'the endpoint URL', warnings };
  }
  const name = s.conventionalEnv.find((n) => s.env[n] !== undefined);
  const fromEnv = name === undefined ? undefined : s.env[name];
  return fromEnv === undefined || fromEnv === '' ? { password: undefined, warnings } : { password: fromEnv, from: name!, warnings };
}
