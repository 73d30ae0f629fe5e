// kafkajs errors -> coded ksa errors, with any secret scrubbed from the message.
import { authFailure, ksaError, redactSecrets, type Auth, type ErrorCode, type KsaError } from '../../src/sdk/index.js';
import { MALFORMED_ANSWER } from './kafka-wire.js';

interface DriverError { name?: string; message?: string; code?: unknown; type?: string; apiName?: string }

/** What the connection was set up with, to tell e.g. "no SASL on this listener" from a protocol error. */
export interface ConnectSetup {
  sasl: boolean;
  tls: boolean;
  /** The target's auth, so a SASL failure names the user tried and its source. */
  auth?: Auth;
}

const SASL_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM']);
const TLS_PATTERN = /certificate|self[- ]signed|\bSSL\b|\bTLS\b|handshake|unable to verify/i;

/** Which ksa code a kafkajs error maps to. */
export function codeOf(error: unknown): ErrorCode {
  const e = (error ?? {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : ''; // kafkajs protocol errors carry a numeric code
  const text = `${e.name ?? ''} ${code} ${e.message ?? ''}`;
  if (e.name === 'KafkaJSSASLAuthenticationError' || SASL_TYPES.has(e.type ?? '')) return 'KSA_ERR_AUTH';
  if (text.includes(MALFORMED_ANSWER)) return 'KSA_ERR_PROTOCOL';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || TLS_PATTERN.test(text)) return 'KSA_ERR_TLS';
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET/.test(text)) return 'KSA_ERR_CONNECT';
  if (e.name === 'KafkaJSRequestTimeoutError') return 'KSA_ERR_TIMEOUT';
  return 'KSA_ERR_PROTOCOL';
}

/** A one-line description of a driver error, safe to put in a snapshot or a log. */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const e = (error ?? {}) as DriverError;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return redactSecrets(`${name}${message}`, secrets).slice(0, 300);
}

export function toKsaError(error: unknown, what: string, secrets: readonly string[], setup?: ConnectSetup): KsaError {
  const e = (error ?? {}) as DriverError;
  if (setup?.sasl && e.name === 'KafkaJSServerDoesNotSupportApiKey' && /Sasl/.test(e.apiName ?? '')) {
    return ksaError('KSA_ERR_AUTH', `${what}: this listener does not offer SASL (no ${e.apiName} in ApiVersions)`, { fix: 'use the port of the SASL listener, or drop --user/--sasl-mechanism for a plaintext listener' });
  }
  if (setup?.tls && codeOf(error) === 'KSA_ERR_CONNECT' && /ECONNRESET|socket disconnected|closed/i.test(e.message ?? '')) {
    return ksaError('KSA_ERR_TLS', `${what}: the TLS handshake was cut off (${describeError(error, secrets)})`, { fix: 'check that this port is a TLS (SSL/SASL_SSL) listener, or drop --tls' });
  }
  if (setup?.auth && codeOf(error) === 'KSA_ERR_AUTH') {
    return authFailure({ what, detail: describeError(error, secrets), user: setup.auth.username, auth: setup.auth });
  }
  return ksaError(codeOf(error), `${what}: ${describeError(error, secrets)}`);
}
