// pg errors -> KSA error codes (with the fix for the common ones), never repeating a secret.
import { authFailure, ksaError, redactSecrets } from '../../src/sdk/index.js';
import type { Auth, ErrorCode, KsaError } from '../../src/sdk/index.js';

// Connection errors by SQLSTATE / errno, so the user gets the right code and fix.
const SQLSTATE_ERRORS: Record<string, { code: ErrorCode; fix?: string }> = {
  '28P01': { code: 'KSA_ERR_AUTH' },
  '28000': { code: 'KSA_ERR_AUTH', fix: 'pg_hba.conf has no rule allowing this user, database and address (or it says reject); add one and reload' },
  '3D000': { code: 'KSA_ERR_CONNECT', fix: 'the database does not exist: pass --database or put it in the URL path' },
  '42501': { code: 'KSA_ERR_AUTH', fix: 'the role lacks CONNECT on the database or LOGIN: GRANT CONNECT ON DATABASE ... TO <role>' },
  '53300': { code: 'KSA_ERR_CONNECT', fix: 'all connection slots are in use: connect as a superuser (reserved slots) or a role with pg_use_reserved_connections (16+), then find who holds the connections' },
  '57P03': { code: 'KSA_ERR_CONNECT', fix: 'the server is starting up, shutting down or in recovery without hot_standby' },
  '57014': { code: 'KSA_ERR_TIMEOUT' },
};

/** `login`: the user sent and the target's auth, so an authentication failure names them and their source. */
export function toKsaError(error: unknown, secrets: readonly string[], what: string, login?: { user: string; auth: Auth }): KsaError {
  const e = error as { code?: string; message?: string } | null;
  const message = redactSecrets(`${what}: ${e?.message ?? String(error)}`, secrets);
  const bySqlState = e?.code ? SQLSTATE_ERRORS[e.code] : undefined;
  // pg's own words when the server wants a password and none was given: an auth failure, not a network one.
  const noPassword = /client password must be a string|password must be a string|no password supplied/i.test(e?.message ?? '');
  if (login && (noPassword || e?.code === '28P01' || e?.code === '28000')) {
    const detail = noPassword ? 'the server asks for a password and none was found' : redactSecrets(e?.message ?? String(error), secrets);
    // pg_hba.conf without a rule (28000): the fix is on the server; the user's source still helps.
    return authFailure({ what, detail, user: login.user, auth: login.auth, ...(e?.code === '28000' ? { fix: SQLSTATE_ERRORS['28000']!.fix! } : {}) });
  }
  if (bySqlState) return ksaError(bySqlState.code, message, bySqlState.fix ? { fix: bySqlState.fix } : undefined);
  // The server answered SSLRequest with N (ssl = off): only sslmode prefer/disable can connect.
  if (/does not support SSL/i.test(e?.message ?? '')) {
    return ksaError('KSA_ERR_TLS', `${what}: the server does not offer TLS (ssl = off)`, { fix: 'use --sslmode prefer or disable (or sslmode= in the URL) to connect without TLS, or turn ssl on in postgresql.conf' });
  }
  if (/SSL|TLS|certificate|self[- ]signed|altnames/i.test(e?.message ?? '')) return ksaError('KSA_ERR_TLS', message);
  if (/timeout|timed out/i.test(e?.message ?? '')) return ksaError('KSA_ERR_TIMEOUT', message);
  return ksaError('KSA_ERR_CONNECT', message);
}

/** A server-side SQL error (five-character SQLSTATE), as opposed to a network or driver error. */
export function isSqlState(error: unknown): error is { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^E[A-Z]+$/.test(code);
}
