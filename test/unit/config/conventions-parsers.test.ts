// The format parsers behind the manifests' `conventions:` (libpq password file, INI service file and
// option files, Java/librdkafka properties, libpq URIs) and the resolver's precedence rules.
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPassword, splitPasswordLine } from '../../../src/config/conventions/pgpass-file.js';
import { parseIni } from '../../../src/config/conventions/ini-file.js';
import { parseProperties } from '../../../src/config/conventions/properties-file.js';
import { libpqUriKeywords } from '../../../src/config/conventions/libpq-uri.js';
import { resolveConventions, type Fields } from '../../../src/config/conventions/resolve-conventions.js';
import { ConventionsSchema } from '../../../src/core/conventions-schema.js';

const want = { host: 'db1', port: 5432, database: 'app', user: 'mon', socket: false };

describe('password file (libpq rules)', () => {
  it('splits on unescaped colons; \\: and \\\\ are literal', () => {
    expect(splitPasswordLine('h\\:x:5432:d:u:p\\:w\\\\d:tail')).toEqual(['h:x', '5432', 'd', 'u', 'p:w\\d:tail']);
  });
  it('the first matching line wins; * matches any field; comments are skipped', () => {
    const text = '# db1:5432:app:mon:commented\nother:5432:app:mon:no\ndb1:*:*:mon:first\n*:*:*:*:second\n';
    expect(findPassword(text, want)).toEqual({ password: 'first', line: 3 });
    expect(findPassword(text, { ...want, user: 'x' })).toEqual({ password: 'second', line: 4 });
  });
  it('localhost matches a connection to a default socket directory, not a TCP host', () => {
    const text = 'localhost:5432:*:mon:viasocket\n';
    expect(findPassword(text, { ...want, host: '/var/run/x', socket: true }, ['/var/run/x'])?.password).toBe('viasocket');
    expect(findPassword(text, { ...want, host: '/elsewhere', socket: true }, ['/var/run/x'])).toBeUndefined();
    expect(findPassword(text, want)).toBeUndefined();
  });
  it('lines with fewer than five fields never match', () => {
    expect(findPassword('db1:5432:app:mon\n', want)).toBeUndefined();
  });
});

describe('INI files', () => {
  it('service file: sections, key=value, # comments', () => {
    const s = parseIni('# c\n[a]\nhost = h1\n[b]\nport=1\n', '/f', { optionFile: false });
    expect(s.get('a')?.get('host')?.value).toBe('h1');
    expect(s.get('b')?.get('port')).toMatchObject({ value: '1', line: 5 });
  });
  it('option file: quotes, escapes, inline # comments, ; comments, - and _ alike, later lines win', () => {
    const s = parseIni('[client]\n; c\nuser = mon # who\npassword="p#w\\s1"\nssl_ca=/ca\nuser=mon2\n', '/f', { optionFile: true });
    const c = s.get('client')!;
    expect(c.get('user')?.value).toBe('mon2');
    expect(c.get('password')?.value).toBe('p#w 1');
    expect(c.get('ssl-ca')?.value).toBe('/ca');
  });
  it('option file: !include and !includedir (only *.cnf)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksa-ini-'));
    writeFileSync(join(dir, 'inc.cnf'), '[client]\nport=7\n');
    writeFileSync(join(dir, 'skip.txt'), '[client]\nport=9\n');
    const s = parseIni(`[client]\nport=1\n!includedir ${dir}\n`, join(dir, 'main.cnf'), { optionFile: true });
    expect(s.get('client')?.get('port')?.value).toBe('7');
  });
});

describe('properties files', () => {
  it('=, : and whitespace separators; # and ! comments; continuation lines; escapes', () => {
    const p = parseProperties('# c\n! c\na=1\nb: 2\nc   3\nd = x\\\n    y\ne=\\u0041\\tz\n');
    expect([...p].map(([k, v]) => [k, v.value])).toEqual([['a', '1'], ['b', '2'], ['c', '3'], ['d', 'xy'], ['e', 'A\tz']]);
    expect(p.get('d')?.line).toBe(6);
  });
});

describe('libpq URIs', () => {
  it('authority parts and query parameters (which win), a percent-encoded socket directory', () => {
    expect(libpqUriKeywords('postgresql://u:p%40@h:5433/db?sslmode=require&port=6000')).toEqual({ user: 'u', password: 'p@', host: 'h', port: '6000', dbname: 'db', sslmode: 'require' });
    expect(libpqUriKeywords('postgres://%2Fvar%2Frun/db').host).toBe('/var/run');
  });
  it('does not open the files ssl parameters name', () => {
    expect(libpqUriKeywords('postgres://h/db?sslrootcert=/nonexistent/ca.pem').sslrootcert).toBe('/nonexistent/ca.pem');
  });
});

describe('resolveConventions', () => {
  const conventions = ConventionsSchema.parse({
    client: 'test',
    defaultUser: 'os-user',
    sources: [
      { from: 'file', format: 'ini', paths: ['~/svc.conf'], sectionFromService: true, keys: { user: 'user', port: 'port' } },
      { from: 'env', vars: { T_USER: 'user', T_PASSWORD: 'password', T_SERVICE: 'service', T_TLS: { field: 'tls', map: { on: true, off: false } } } },
      { from: 'file', format: 'pgpass', paths: ['~/.pw'], private: true },
    ],
  });
  const home = mkdtempSync(join(tmpdir(), 'ksa-conv-'));
  writeFileSync(join(home, 'svc.conf'), '[s1]\nuser=fromfile\nport=7\n');
  writeFileSync(join(home, '.pw'), '*:*:*:*:frompw\n');
  chmodSync(join(home, '.pw'), 0o600);
  const ctx = (env: Record<string, string>) => ({ env, home, osUser: 'osuser', givenOptions: {}, defaultPort: 5 });
  const value = (f: Fields, k: string) => [f.get(k)?.value, f.get(k)?.from];

  it('the command line wins; then the sources in order; then the OS user', () => {
    const given: Fields = new Map([['user', { value: 'cli', from: '--user' }]]);
    expect(value(resolveConventions(conventions, given, ctx({ T_USER: 'env' })).fields, 'user')).toEqual(['cli', '--user']);
    expect(value(resolveConventions(conventions, new Map(), ctx({ T_USER: 'env', T_SERVICE: 's1' })).fields, 'user')).toEqual(['fromfile', '~/svc.conf [s1]']);
    expect(value(resolveConventions(conventions, new Map(), ctx({})).fields, 'user')).toEqual(['osuser', 'the OS user']);
  });
  it('the password file only when no earlier source gave a password', () => {
    expect(value(resolveConventions(conventions, new Map(), ctx({})).fields, 'password')).toEqual(['frompw', '~/.pw line 1']);
    expect(value(resolveConventions(conventions, new Map(), ctx({ T_PASSWORD: 'env' })).fields, 'password')).toEqual(['env', 'T_PASSWORD']);
  });
  it('a password file others may read is ignored with a warning', () => {
    chmodSync(join(home, '.pw'), 0o640);
    const r = resolveConventions(conventions, new Map(), ctx({}));
    chmodSync(join(home, '.pw'), 0o600);
    expect(r.fields.has('password')).toBe(false);
    expect(r.warnings[0]).toMatch(/~\/\.pw has group or world access \(mode 640\); ignored/);
  });
  it('mapped values; an unknown one is refused naming its source', () => {
    expect(value(resolveConventions(conventions, new Map(), ctx({ T_TLS: 'ON' })).fields, 'tls')).toEqual([true, 'T_TLS']);
    expect(() => resolveConventions(conventions, new Map(), ctx({ T_TLS: 'maybe' }))).toThrow(/T_TLS: "maybe" is not one of on, off/);
  });
  it('an undefined service is an error naming the file', () => {
    expect(() => resolveConventions(conventions, new Map(), ctx({ T_SERVICE: 'nope' }))).toThrow(/service "nope" \(from T_SERVICE\) is not defined in ~\/svc\.conf/);
  });
});

describe('manifest conventions: declared options only', () => {
  it('refuses a convention setting an option the manifest does not declare', async () => {
    const { ManifestSchema } = await import('../../../src/core/schemas.js');
    const base = { id: 'x-diagnostics', name: 'X', version: '1.0.0', apiVersion: 1, type: 'middleware', entry: './i.js' };
    const conventions = { client: 'x', sources: [{ from: 'env', vars: { X_DB: 'option.database' } }] };
    expect(ManifestSchema.safeParse({ ...base, conventions, options: { database: { type: 'string' } } }).success).toBe(true);
    const bad = ManifestSchema.safeParse({ ...base, conventions });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('option database is not declared in options:');
  });
});
