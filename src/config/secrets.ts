// Where a password comes from, in order: --password-file, --password-env NAME, --password (argv,
// warned: visible in `ps`), the endpoint URL (warned), the type's conventional env var, KSA_PASSWORD.
import { readFileSync } from 'node:fs';
import { ksaError } from '../core/errors.js';

/** Conventional variables of each middleware's own CLI (redis-cli, psql, mysql). */
export const PASSWORD_ENV_BY_TYPE: Record<string, string> = {
  redis: 'REDISCLI_AUTH',
  postgres: 'PGPASSWORD',
  mysql: 'MYSQL_PWD',
  kafka: 'KSA_KAFKA_PASSWORD',
};

export interface PasswordSources {
  type: string;
  passwordFile?: string | undefined;
  passwordEnv?: string | undefined;
  argvPassword?: string | undefined;
  urlPassword?: string | undefined;
  env: NodeJS.ProcessEnv;
}

export interface ResolvedPassword {
  password: string | undefined;
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
  if (s.passwordFile !== undefined) return { password: readPasswordFile(s.passwordFile), warnings };
  if (s.passwordEnv !== undefined) {
    const value = s.env[s.passwordEnv];
    if (value === undefined) throw ksaError('KSA_ERR_SECRET_UNREADABLE', `environment variable ${s.passwordEnv} is not set`, { fix: `export ${s.passwordEnv} or use --password-file` });
    return { password: value, warnings };
  }
  if (s.argvPassword !== undefined) {
    warnings.push('--password on the command line is visible to other users (ps, /proc); use --password-file or an environment variable');
    return { password: s.argvPassword, warnings };
  }
  if (s.urlPassword !== undefined) {
    warnings.push('a password in the endpoint URL is visible to other users (ps, /proc); use --password-file or an environment variable');
    return { password: s.urlPassword, warnings };
  }
  const conventional = PASSWORD_ENV_BY_TYPE[s.type];
  const fromEnv = (conventional ? s.env[conventional] : undefined) ?? s.env.KSA_PASSWORD;
  return { password: fromEnv === '' ? undefined : fromEnv, warnings };
}
