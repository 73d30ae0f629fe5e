// Endpoint parsing: host:port, [v6]:port, bare host with a default port, URLs with credentials.
import { describe, expect, it } from 'vitest';
import { expandEndpointList, parseEndpoint } from '../../../src/core/endpoint.js';
import { KsaError } from '../../../src/core/errors.js';

describe('parseEndpoint: valid', () => {
  it.each([
    { raw: 'h:1', def: undefined, want: { scheme: undefined, host: 'h', port: 1, username: undefined, password: undefined, path: '', params: {} } },
    { raw: '127.0.0.1:6379', def: undefined, want: { host: '127.0.0.1', port: 6379 } },
    { raw: 'redis.example.com:65535', def: undefined, want: { host: 'redis.example.com', port: 65535 } },
    { raw: 'fqdn.example.com.:80', def: undefined, want: { host: 'fqdn.example.com.', port: 80 } },
    { raw: '  h:7  ', def: undefined, want: { host: 'h', port: 7 } },
    { raw: 'h', def: 6379, want: { host: 'h', port: 6379 } },
    { raw: '[::1]:5432', def: undefined, want: { host: '::1', port: 5432 } },
    { raw: '[fe80::1]', def: 9092, want: { host: 'fe80::1', port: 9092 } },
    { raw: 'redis://h', def: 6379, want: { scheme: 'redis', host: 'h', port: 6379, path: '' } },
    { raw: 'redis://u:p%40ss@h:6380/2?tls=1', def: 6379, want: { scheme: 'redis', host: 'h', port: 6380, username: 'u', password: 'p@ss', path: '2', params: { tls: '1' } } },
    { raw: 'redis://:onlypw@h:1', def: undefined, want: { username: undefined, password: 'onlypw', host: 'h', port: 1 } },
    { raw: 'postgres://[::1]:5433/app', def: undefined, want: { scheme: 'postgres', host: '::1', port: 5433, path: 'app' } },
  ])('$raw', ({ raw, def, want }) => {
    expect(parseEndpoint(raw, def)).toMatchObject(want);
  });
});

describe('parseEndpoint: malformed -> KSA_ERR_BAD_ENDPOINT', () => {
  it.each([
    { raw: '', why: 'empty' },
    { raw: '   ', why: 'empty' },
    { raw: 'host:99999', why: 'not 1-65535' },
    { raw: 'host:65536', why: 'not 1-65535' },
    { raw: 'host:0', why: 'not 1-65535' },
    { raw: 'host:abc', why: 'not 1-65535' },
    { raw: 'host:-1', why: 'not 1-65535' },
    { raw: 'host:1.5', why: 'not 1-65535' },
    { raw: 'host:', why: 'not 1-65535' },
    { raw: 'host', why: 'no port' },
    { raw: 'a:b:c', why: 'several colons' },
    { raw: '::1', why: 'several colons' },
    { raw: ':6379', why: 'invalid host' },
    { raw: '-bad:1', why: 'invalid host' },
    { raw: 'under_score:1', why: 'invalid host' },
    { raw: 'a b:1', why: 'whitespace' },
    { raw: '[zz]:1', why: 'IPv6' },
    { raw: '[::1]:abc', why: 'not 1-65535' },
    { raw: 'http://', why: 'not a valid URL' },
    { raw: 'redis://h:99999', why: 'not 1-65535' },
    { raw: 'ksa@h:3306', why: 'has a user name but no scheme' },
    { raw: 'redis://h:port', why: 'not 1-65535' },
    { raw: 'redis://u:%zz@h:1', why: 'malformed %-escape in its password' },
    { raw: 'redis://h', why: 'no port' },
  ])('$raw ($why)', ({ raw, why }) => {
    let error: unknown;
    try {
      parseEndpoint(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KsaError);
    expect((error as KsaError).code).toBe('KSA_ERR_BAD_ENDPOINT');
    expect((error as KsaError).message).toContain(why);
    expect((error as KsaError).message).toContain('use host:port');
  });

  it.each([
    'redis://user:hunter2secret@h:99999',
    'redis://user:hunter2secret@:5',
    'redis://user:hunter2secret@bad host:1',
  ])('never echoes the password of a malformed URL: %s', (raw) => {
    expect(() => parseEndpoint(raw)).toThrowError(expect.objectContaining({ code: 'KSA_ERR_BAD_ENDPOINT' }));
    try {
      parseEndpoint(raw);
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2secret');
    }
  });

  it('truncates absurdly long input in the message', () => {
    const raw = `${'x'.repeat(5000)}:1:2`;
    try {
      parseEndpoint(raw);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(400);
    }
  });
});

describe('expandEndpointList', () => {
  it.each([
    [['a:1,b:2,c:3'], ['a:1', 'b:2', 'c:3']],
    [['a:1,', ' ', 'b:2'], ['a:1', 'b:2']],
    [['redis://u:p,w@h:1/0'], ['redis://u:p,w@h:1/0']],
    [['a:1', 'b:2'], ['a:1', 'b:2']],
  ])('%j -> %j', (input, output) => {
    expect(expandEndpointList(input)).toEqual(output);
  });
});
