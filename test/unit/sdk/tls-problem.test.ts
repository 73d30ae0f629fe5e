// describeTlsProblem: Node's TLS error codes -> what is wrong and the fix; anything else (a refused
// connection, a timeout, an unknown code) is not a TLS problem and keeps its own message.
import { describe, expect, it } from 'vitest';
import { describeTlsProblem, tlsProblemOf } from '../../../src/sdk/tls-problem.js';

describe('describeTlsProblem', () => {
  it('an untrusted certificate names caFile; code and reason are kept', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(tlsProblemOf(code), code).toBe('untrusted');
    }
    expect(describeTlsProblem({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }))
      .toBe('the receiver\'s TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain): set caFile to the CA certificate that signed it (PEM); insecure: true skips the check, for testing only');
  });

  it('another name, expired, not TLS: each its own fix', () => {
    expect(describeTlsProblem({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'Hostname/IP does not match certificate\'s altnames' })).toMatch(/is for another name .*: connect by a host name or IP address the certificate lists/);
    expect(describeTlsProblem({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toMatch(/has expired or is not valid yet .*: renew the certificate/);
    expect(describeTlsProblem({ code: 'CERT_NOT_YET_VALID', message: 'certificate is not yet valid' })).toMatch(/has expired or is not valid yet/);
    expect(describeTlsProblem({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', reason: 'wrong version number', message: '80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c:350:' }))
      .toBe('the receiver does not speak TLS on this port (ERR_SSL_WRONG_VERSION_NUMBER: wrong version number): check the port, and that the receiver expects TLS there (an https:// URL needs a TLS port)');
  });

  it('node:https\'s EPROTO carries OpenSSL\'s reason in the message only: read from there', () => {
    expect(describeTlsProblem({ code: 'EPROTO', message: 'write EPROTO 801C:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl3_record.c:350:' }))
      .toMatch(/^the receiver does not speak TLS on this port \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\)/);
    expect(describeTlsProblem({ code: 'EPROTO', message: 'write EPROTO something else' })).toBeUndefined();
  });

  it('a caller\'s fix replaces the generic one for that problem only', () => {
    const fix = { 'not-tls': 'use tls: starttls' };
    expect(describeTlsProblem({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', reason: 'wrong version number' }, fix)).toMatch(/: use tls: starttls$/);
    expect(describeTlsProblem({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, fix)).toMatch(/: renew the certificate/);
  });

  it('not a TLS problem: undefined (the caller keeps its own message)', () => {
    for (const code of [undefined, 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET']) expect(describeTlsProblem({ code, message: 'x' }), String(code)).toBeUndefined();
  });
});
