// One wording for every plugin's authentication failure: what the server said, the user ksa tried
// and where that user (and the password, never its value) came from, and the fix, which names the
// flags, variables and files that set them (ksa core puts both in target.auth.origin).
import { ksaError, type KsaError } from './errors.js';
import type { Auth } from './types.js';

export interface AuthFailure {
  /** What was being done: `connect to 10.0.0.2:5432`. */
  what: string;
  /** The server's or driver's reason, secrets already removed. */
  detail: string;
  /** The user name the plugin sent (its default when the target had none), or undefined for none. */
  user: string | undefined;
  auth: Auth;
  /** A fix on the server's side (e.g. no pg_hba rule) instead of the one naming the user's sources. */
  fix?: string;
}

/** `as user "x" (from USERVAR) with the password from ~/.pw line 2`: never a value. */
export function loginDescription(user: string | undefined, auth: Auth): string {
  const origin = auth.origin;
  const who = user === undefined || user === ''
    ? 'without a user name'
    : `as user ${JSON.stringify(user)} (from ${auth.username === undefined ? 'the plugin default' : origin?.user ?? 'the target'})`;
  const password = auth.password === undefined ? 'no password (no source gave one)' : `the password from ${origin?.password ?? 'the target'}`;
  return `ksa logged in ${who} with ${password}`;
}

export function authFailure(f: AuthFailure): KsaError {
  const fix = f.fix ?? f.auth.origin?.fix;
  return ksaError('KSA_ERR_AUTH', `${f.what}: ${f.detail}; ${loginDescription(f.user, f.auth)}`, fix ? { fix } : undefined);
}
