// What a failed TLS handshake with a receiver means and what to change, from Node's error code
// (OpenSSL's verify result or the TLS layer's): the raw "unable to verify the first certificate"
// names no fix. Notifiers put the sentence into the outcome's detail, which `ksa notify test`,
// `ksa notify status` and the watch events show.
export type TlsProblem = 'untrusted' | 'wrong-name' | 'expired' | 'not-tls';

const PROBLEM_OF: Record<string, TlsProblem> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-name',
  HOSTNAME_MISMATCH: 'wrong-name',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'expired',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not-tls',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'not-tls',
  ERR_SSL_HTTP_REQUEST: 'not-tls',
};

const SAYS: Record<TlsProblem, string> = {
  untrusted: 'the receiver\'s TLS certificate is not trusted',
  'wrong-name': 'the receiver\'s TLS certificate is for another name',
  expired: 'the receiver\'s TLS certificate has expired or is not valid yet',
  'not-tls': 'the receiver does not speak TLS on this port',
};

const FIX: Record<TlsProblem, string> = {
  untrusted: 'set caFile to the CA certificate that signed it (PEM); insecure: true skips the check, for testing only',
  'wrong-name': 'connect by a host name or IP address the certificate lists (subjectAltName), or reissue the certificate with this one',
  expired: 'renew the certificate on the receiver (and check this machine\'s clock)',
  'not-tls': 'check the port, and that the receiver expects TLS there (an https:// URL needs a TLS port)',
};

/** The problem a TLS error code stands for; undefined for anything else (a refused connection, a timeout). */
export function tlsProblemOf(code: string | undefined): TlsProblem | undefined {
  return code === undefined ? undefined : PROBLEM_OF[code];
}

// node:https reports some handshake failures as EPROTO with OpenSSL's reason only in the message
// ("...:ssl3_get_record:wrong version number:..."): that reason as the code OpenSSL 3 gives it.
function opensslCode(error: TlsErrorLike): { code: string | undefined; reason: string | undefined } {
  const reason = error.code === 'EPROTO' ? /:SSL routines:[^:]*:([a-z ]+):/.exec(error.message ?? '')?.[1] : undefined;
  return reason ? { code: `ERR_SSL_${reason.toUpperCase().replace(/ /g, '_')}`, reason } : { code: error.code, reason: error.reason };
}

/** A TLS error as Node (or a client library passing Node's code on) reports it. */
export interface TlsErrorLike {
  code?: string | undefined;
  /** OpenSSL's reason ("wrong version number"), shorter than its message. */
  reason?: string | undefined;
  message?: string | undefined;
}

/**
 * One sentence for the outcome's detail: what is wrong (with Node's code and reason), then the
 * fix (`fix` replaces the generic one, e.g. the email notifier's `tls:` values); undefined when
 * the error is not a TLS problem.
 */
export function describeTlsProblem(error: TlsErrorLike, fix?: Partial<Record<TlsProblem, string>>): string | undefined {
  const { code, reason } = opensslCode(error);
  const problem = tlsProblemOf(code);
  if (!problem) return undefined;
  const why = (reason ?? error.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
  return `${SAYS[problem]} (${code}${why ? `: ${why}` : ''}): ${fix?.[problem] ?? FIX[problem]}`;
}
