// pg errors -> KSA error codes (with the fix for the common ones), never repeating a secret.
import { ksaError, redactSecrets } from '../../src/sdk/index.js';
import type { ErrorCode, KsaError } from '../../src/sdk/index.js';

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

export function toKsaError(error: unknown, secrets: readonly string[], what: string): KsaError {
  const e = error as { code?: string; message?: string } | null;
  const message = redactSecrets(`${what}: ${e?.message ?? String(error)}`, secrets);
  const bySqlState = e?.code ? SQLSTATE_ERRORS[e.code] : undefined;
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
