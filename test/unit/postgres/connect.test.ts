// Endpoint/options -> connection settings, sslmode -> TLS options, driver errors -> KSA codes.
import { describe, expect, it } from 'vitest';
import { settingsOf, sslOptionsOf } from '../../../plugins/postgres/connect-settings.js';
import { isSqlState, toKsaError } from '../../../plugins/postgres/pg-errors.js';
import { loadBuiltinManifest } from '../../support/plugin-harness.js';

const target = (options: Record<string, unknown> = {}, auth: Record<string, string> = {}, tls?: { enabled: boolean; rejectUnauthorized: boolean }) => ({ options, auth, ...(tls ? { tls } : {}) });

describe('settingsOf', () => {
  it.each([
    { endpoint: '127.0.0.1', t: target(), want: { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', sslmode: 'prefer' } },
    { endpoint: 'db:6543', t: target({}, { username: 'mon' }), want: { host: 'db', port: 6543, database: 'postgres', user: 'mon', sslmode: 'prefer' } },
    { endpoint: 'postgres://app@db:5433/shop?sslmode=require', t: target(), want: { host: 'db', port: 5433, database: 'shop', user: 'app', sslmode: 'require' } },
    { endpoint: 'postgresql://db/shop', t: target({ database: 'other', sslmode: 'disable' }, { username: 'mon' }), want: { host: 'db', port: 5432, database: 'other', user: 'mon', sslmode: 'disable' } },
    { endpoint: 'db', t: target({}, {}, { enabled: true, rejectUnauthorized: true }), want: { sslmode: 'verify-full' } },
    { endpoint: 'db', t: target({}, {}, { enabled: true, rejectUnauthorized: false }), want: { sslmode: 'require' } },
    { endpoint: 'unix:/var/run/postgresql', t: target({ port: '5433' }), want: { host: '/var/run/postgresql', port: 5433, database: 'postgres', sslmode: 'disable' } },
  ])('$endpoint', ({ endpoint, t, want }) => {
    // The default port is the manifest's (the plugin gets it as ctx.defaultPort).
    expect(settingsOf(endpoint, t, loadBuiltinManifest('postgres-diagnostics').defaultPort)).toMatchObject(want);
  });

  it('rejects an unknown sslmode', () => {
    expect(() => settingsOf('db', target({ sslmode: 'allow-anything' }), 5432)).toThrow(/KSA_ERR_BAD_INPUT|sslmode/);
  });
});

describe('sslOptionsOf', () => {
  it.each([
    { mode: 'disable', want: false },
    { mode: 'prefer', want: { rejectUnauthorized: false } },
    { mode: 'require', want: { rejectUnauthorized: false } },
    { mode: 'verify-full', want: { rejectUnauthorized: true, servername: 'db.example' } },
  ] as const)('$mode', ({ mode, want }) => {
    const got = sslOptionsOf(mode, 'db.example', undefined);
    if (want === false) expect(got).toBe(false);
    else expect(got).toMatchObject(want);
  });

  it('verify-ca checks the chain but not the host name', () => {
    const got = sslOptionsOf('verify-ca', 'db', undefined);
    expect(got && got.rejectUnauthorized).toBe(true);
    expect(got && got.checkServerIdentity?.('other', {} as never)).toBeUndefined();
  });

  it('an unreadable CA file is a TLS error naming the file', () => {
    expect(() => sslOptionsOf('verify-full', 'db', { enabled: true, caFile: '/nonexistent/ca.pem', rejectUnauthorized: true })).toThrow(/KSA_ERR_TLS|\/nonexistent\/ca.pem/);
  });
});

describe('toKsaError', () => {
  it.each([
    { error: { code: '28P01', message: 'password authentication failed for user "x"' }, code: 'KSA_ERR_AUTH' },
    { error: { code: '28000', message: 'no pg_hba.conf entry' }, code: 'KSA_ERR_AUTH' },
    { error: { code: '3D000', message: 'database "nope" does not exist' }, code: 'KSA_ERR_CONNECT' },
    { error: { code: '53300', message: 'sorry, too many clients already' }, code: 'KSA_ERR_CONNECT' },
    { error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, code: 'KSA_ERR_CONNECT' },
    { error: { message: 'self-signed certificate in certificate chain' }, code: 'KSA_ERR_TLS' },
    { error: { message: 'The server does not support SSL connections' }, code: 'KSA_ERR_TLS' },
    { error: { message: 'Connection terminated due to connection timeout' }, code: 'KSA_ERR_TIMEOUT' },
    { error: { code: '57014', message: 'canceling statement due to statement timeout' }, code: 'KSA_ERR_TIMEOUT' },
    { error: { message: 'Query read timeout' }, code: 'KSA_ERR_TIMEOUT' },
  ])('$error.message -> $code', ({ error, code }) => {
    expect(toKsaError(error, [], 'connect').code).toBe(code);
  });

  it('never repeats the password', () => {
    const e = toKsaError({ message: 'weird failure mentioning s3cretPW' }, ['s3cretPW'], 'connect');
    expect(e.message).not.toContain('s3cretPW');
  });
});

describe('isSqlState', () => {
  it.each([
    [{ code: '42501' }, true], [{ code: '57014' }, true], [{ code: '0A000' }, true], [{ code: 'XX000' }, true],
    [{ code: 'EPIPE' }, false], [{ code: 'ECONNREFUSED' }, false], [{ code: 'KSA_ERR_TIMEOUT' }, false], [{}, false], [null, false],
  ])('%j -> %s', (error, want) => {
    expect(isSqlState(error)).toBe(want);
  });
});
