// CLI argument handling without spawning: target building (endpoints, secrets, options), the
// diagnose flag parsers, the logger's redaction, global flag validation and report building.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTarget, type TargetFlags } from '../../../src/cli/target-from-args.js';
import { parseCategories, parseFailOn, parseThresholdFlags } from '../../../src/cli/commands/diagnose.js';
import { createCliLogger } from '../../../src/cli/logger.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { jsonSchemaOf } from '../../../src/cli/commands/schema.js';
import { ManifestSchema } from '../../../src/core/schemas.js';
import type { Manifest } from '../../../src/core/types.js';

const manifest: Manifest = ManifestSchema.parse({
  id: 'fixture-diagnostics', name: 'F', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'fixture',
  defaultPort: 7000, entry: './index.js', categories: ['alpha', 'beta'],
});
const noDefaultPort: Manifest = { ...manifest, defaultPort: undefined };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('buildTarget: endpoints', () => {
  it.each([
    { endpoints: ['h:1'], m: manifest, want: ['h:1'], name: 'h:1' },
    { endpoints: ['h'], m: manifest, want: ['h'], name: 'h' },
    // Named by what the user gave: the whole list (issue 13: not after its first, possibly dead, item).
    { endpoints: ['a:1', 'b:2', '[::1]:3'], m: manifest, want: ['a:1', 'b:2', '[::1]:3'], name: 'a:1,b:2,[::1]:3' },
    { endpoints: ['a:1,b:2,c:3'], m: manifest, want: ['a:1', 'b:2', 'c:3'], name: 'a:1,b:2,c:3' },
    { endpoints: ['a:1,', 'b:2'], m: manifest, want: ['a:1', 'b:2'], name: 'a:1,b:2' },
  ])('$endpoints', ({ endpoints, m, want, name }) => {
    const { target, warnings } = buildTarget('fixture', endpoints, {}, m, {});
    expect(target).toMatchObject({ type: 'fixture', endpoints: want, name, auth: {}, options: {} });
    expect(warnings).toEqual([]);
  });

  it.each([
    { endpoints: [], m: manifest },
    { endpoints: ['h'], m: noDefaultPort },
    { endpoints: ['h:1', 'h:99999'], m: manifest },
    { endpoints: ['a:b:c'], m: manifest },
    { endpoints: [''], m: manifest },
    { endpoints: ['user@h:1'], m: manifest },
    { endpoints: ['a:1,b:x'], m: manifest },
  ])('$endpoints (defaultPort $m.defaultPort) -> KSA_ERR_BAD_ENDPOINT', ({ endpoints, m }) => {
    expect(codeOf(() => buildTarget('fixture', endpoints, {}, m, {}))).toBe('KSA_ERR_BAD_ENDPOINT');
  });

  it('--name names the target', () => {
    expect(buildTarget('fixture', ['h:1'], { name: 'prod-cache' }, manifest, {}).target.name).toBe('prod-cache');
  });
});

describe('buildTarget: secrets', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ksa-args-'));
  const pwFile = join(tmp, 'pw');
  writeFileSync(pwFile, 'from-file-pw\n');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each([
    { name: '--password-file (trailing newline stripped)', flags: { passwordFile: pwFile }, env: {}, password: 'from-file-pw', warns: false },
    { name: '--password-env', flags: { passwordEnv: 'MY_PW' }, env: { MY_PW: 'from-named-env' }, password: 'from-named-env', warns: false },
    { name: 'KSA_PASSWORD', flags: {}, env: { KSA_PASSWORD: 'from-ksa-env' }, password: 'from-ksa-env', warns: false },
    { name: '--password (argv): warned', flags: { password: 'from-argv' }, env: {}, password: 'from-argv', warns: true },
    { name: 'file wins over env and argv', flags: { passwordFile: pwFile, password: 'from-argv' }, env: { KSA_PASSWORD: 'x-env' }, password: 'from-file-pw', warns: false },
    { name: 'nothing', flags: {}, env: {}, password: undefined, warns: false },
    { name: 'empty KSA_PASSWORD is no password', flags: {}, env: { KSA_PASSWORD: '' }, password: undefined, warns: false },
  ] as Array<{ name: string; flags: TargetFlags; env: Record<string, string>; password: string | undefined; warns: boolean }>)('$name', ({ flags, env, password, warns }) => {
    const { target, warnings } = buildTarget('fixture', ['h:1'], flags, manifest, env);
    expect(target.auth.password).toBe(password);
    expect(warnings.some((w) => /visible/.test(w))).toBe(warns);
  });

  it('a URL password moves into auth, out of the endpoint and the name, with a warning', () => {
    const { target, warnings } = buildTarget('fixture', ['fixture://bob:url-secret@h:1/0'], {}, manifest, {});
    expect(target.auth).toMatchObject({ username: 'bob', password: 'url-secret' });
    expect(JSON.stringify(target.endpoints)).not.toContain('url-secret');
    expect(target.name).not.toContain('url-secret');
    expect(warnings.join(' ')).toMatch(/visible/);
  });

  it.each([
    { flags: { passwordFile: '/nonexistent/pw' }, env: {} },
    { flags: { passwordEnv: 'UNSET_VAR_FOR_TEST' }, env: {} },
  ])('unreadable secret source $flags -> KSA_ERR_SECRET_UNREADABLE', ({ flags, env }) => {
    expect(codeOf(() => buildTarget('fixture', ['h:1'], flags, manifest, env))).toBe('KSA_ERR_SECRET_UNREADABLE');
  });
});

describe('buildTarget: options (checked against the manifest\'s options: declaration)', () => {
  // A manifest declaring the kinds of options the built-ins declare (no middleware name needed).
  const withOptions: Manifest = ManifestSchema.parse({
    id: 'fixture-diagnostics', name: 'F', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'fixture',
    defaultPort: 7000, entry: './index.js', categories: ['alpha'],
    options: {
      behavior: { type: 'string' },
      query: { type: 'string' },
      mode: { type: 'string', enum: ['standalone', 'cluster'], flag: 'mode', description: 'mode' },
      intervalMs: { type: 'duration', flag: 'interval', description: 'interval' },
      samples: { type: 'integer', min: 1, max: 1000, default: 1, flag: 'samples', description: 'samples' },
      peers: { type: 'endpoints', port: 26379, flag: 'peers', description: 'peers' },
      groups: { type: 'list', flag: 'group', description: 'groups' },
      socket: { type: 'string', unixSocket: true, flag: 'socket', description: 'socket' },
      verbose: { type: 'boolean', flag: 'verbose', description: 'verbose' },
      token: { type: 'string', secret: true },
    },
  });

  it('--option key=value (value may contain =) and the declared flags land in target.options, typed', () => {
    const { target } = buildTarget('fixture', ['h:1'], { option: ['behavior=warning', 'query=a=b'], pluginFlags: { mode: ['cluster'], interval: ['2s'], samples: ['5'], group: ['a,b', 'c'], verbose: true } }, withOptions, {});
    expect(target.options).toEqual({ behavior: 'warning', query: 'a=b', mode: 'cluster', intervalMs: 2000, samples: 5, groups: ['a', 'b', 'c'], verbose: true });
  });

  it('a declared default fills a missing option', () => {
    expect(buildTarget('fixture', ['h:1'], {}, withOptions, {}).target.options).toEqual({ samples: 1 });
  });

  it('a unixSocket option stands for the endpoint when none is given', () => {
    const { target } = buildTarget('fixture', [], { pluginFlags: { socket: ['/run/x.sock'] } }, withOptions, {});
    expect(target).toMatchObject({ endpoints: ['unix:/run/x.sock'], name: 'fixture@/run/x.sock' });
  });

  // Declared like Redis' --sentinel, without naming any middleware.
  const seeded: Manifest = { ...withOptions, options: { ...withOptions.options, peers: { type: 'endpoints', port: 26379, suppliesEndpoints: true, flag: 'peers', description: 'peers' } } };

  it('a suppliesEndpoints option is the endpoints when none is given (its own port), and names the target', () => {
    const { target } = buildTarget('fixture', [], { pluginFlags: { peers: ['a:1,b', 'c:3'] } }, seeded, {});
    expect(target).toMatchObject({ endpoints: ['a:1', 'b', 'c:3'], name: 'a:1,b,c:3', options: { peers: ['a:1', 'b', 'c:3'] } });
  });

  it('given endpoints win over a suppliesEndpoints option', () => {
    expect(buildTarget('fixture', ['h:1'], { pluginFlags: { peers: ['a:1'] } }, seeded, {}).target).toMatchObject({ endpoints: ['h:1'], name: 'h:1' });
  });

  it('without endpoints, the fix names every option that can stand for them; undeclared, no option helps', () => {
    expect(() => buildTarget('fixture', [], {}, seeded, {})).toThrowError(expect.objectContaining({
      code: 'KSA_ERR_BAD_ENDPOINT', message: expect.stringContaining('needs at least one endpoint: use host:port, or --peers <host:port,...>, or --socket <path>'),
    }));
    // Without suppliesEndpoints, an endpoints option is only an option (Redis' rule is declared, not built in).
    expect(codeOf(() => buildTarget('fixture', [], { pluginFlags: { peers: ['a:1'] } }, withOptions, {}))).toBe('KSA_ERR_BAD_ENDPOINT');
  });

  it('suppliesEndpoints is refused on an option that is not of type endpoints', () => {
    expect(() => ManifestSchema.parse({ ...withOptions, options: { s: { type: 'string', suppliesEndpoints: true } } })).toThrowError(/suppliesEndpoints/);
  });

  it.each([
    { flags: { option: ['novalue'] }, says: /not key=value/ },
    { flags: { option: ['=x'] }, says: /not key=value/ },
    { flags: { option: ['bogus=1'] }, says: /has no option "bogus"/ },
    { flags: { option: ['behavir=x'] }, says: /did you mean behavior\?/ },
    { flags: { option: ['interval=2s'] }, says: /did you mean intervalMs\?/ },
    { flags: { pluginFlags: { interval: ['2'] } }, says: /--interval: "2" is not a duration/ },
    { flags: { pluginFlags: { samples: ['0'] } }, says: /below the minimum 1/ },
    { flags: { pluginFlags: { samples: ['many'] } }, says: /"many" is not an integer/ },
    { flags: { pluginFlags: { samples: ['1', '2'] } }, says: /given 2 times/ },
    { flags: { pluginFlags: { mode: ['sentinel'] } }, says: /not one of standalone, cluster/ },
    { flags: { pluginFlags: { peers: ['h:1,bad host:2'] } }, says: /invalid endpoint \(item 2\)/ },
    { flags: { pluginFlags: { elsewhere: ['x'] } }, says: /--elsewhere is not an option of fixture/ },
  ])('$flags -> KSA_ERR_BAD_INPUT $says', ({ flags, says }) => {
    expect(() => buildTarget('fixture', ['h:1'], flags as TargetFlags, withOptions, {})).toThrowError(expect.objectContaining({ code: 'KSA_ERR_BAD_INPUT', message: expect.stringMatching(says) }));
  });

  it('a manifest without options accepts none', () => {
    expect(() => buildTarget('fixture', ['h:1'], { option: ['behavior=x'] }, manifest, {})).toThrowError(/declares no options/);
  });

  it('a bad secret value is reported without the value; a secret on argv is warned about', () => {
    const bad = ManifestSchema.parse({ ...withOptions, options: { token: { type: 'integer', secret: true } } });
    expect(() => buildTarget('fixture', ['h:1'], { option: ['token=Sup3r-Secret'] }, bad, {})).toThrowError(expect.objectContaining({ message: expect.not.stringContaining('Sup3r-Secret') }));
    const { warnings } = buildTarget('fixture', ['h:1'], { option: ['token=Sup3r-Secret'] }, withOptions, {});
    expect(warnings.join(' ')).toMatch(/secret option token on the command line is visible/);
  });
});

describe('diagnose flag parsers', () => {
  it.each(['warning', 'critical'] as const)('--fail-on %s', (v) => expect(parseFailOn(v)).toBe(v));
  it.each(['info', 'unknown', 'WARNING', ''])('--fail-on %j -> KSA_ERR_BAD_INPUT', (v) => {
    expect(codeOf(() => parseFailOn(v))).toBe('KSA_ERR_BAD_INPUT');
  });

  it.each([
    { requested: undefined, want: [] },
    { requested: ['alpha'], want: ['alpha'] },
    { requested: ['alpha,beta'], want: ['alpha', 'beta'] },
    { requested: ['beta', 'alpha', 'beta'], want: ['beta', 'alpha'] },
    { requested: [' alpha , '], want: ['alpha'] },
  ])('--category $requested -> $want', ({ requested, want }) => {
    expect(parseCategories(requested, manifest)).toEqual(want);
  });

  it.each([['gamma'], ['alpha,gamma'], ['ALPHA']])('--category %j -> KSA_ERR_UNKNOWN_CATEGORY listing the categories', (c) => {
    try {
      parseCategories([c], manifest);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'KSA_ERR_UNKNOWN_CATEGORY', message: expect.stringContaining('alpha, beta') });
    }
  });

  it.each([
    { flags: ['a.b=70,85'], want: { 'a.b': { warning: 70, critical: 85 } } },
    { flags: ['a.b=70'], want: { 'a.b': { warning: 70 } } },
    { flags: ['a.b=,85'], want: { 'a.b': { critical: 85 } } },
    { flags: ['a.b=none,95.5'], want: { 'a.b': { warning: null, critical: 95.5 } } },
    { flags: ['a.b=-1,-2'], want: { 'a.b': { warning: -1, critical: -2 } } },
    { flags: ['redis.memory.usage=1', 'x.y_z=2,3'], want: { 'redis.memory.usage': { warning: 1 }, 'x.y_z': { warning: 2, critical: 3 } } },
  ])('--threshold $flags', ({ flags, want }) => {
    expect(parseThresholdFlags(flags)).toEqual(want);
  });

  it.each(['level=1', 'a.b', 'a.b=x', 'a.b=1,2,3', 'A.B=1', 'a.b=1..2'])('--threshold %j -> KSA_ERR_BAD_INPUT', (t) => {
    expect(codeOf(() => parseThresholdFlags([t]))).toBe('KSA_ERR_BAD_INPUT');
  });
});

describe('CLI logger', () => {
  it.each([
    { level: 'error', shown: ['error'] },
    { level: 'warn', shown: ['error', 'warn'] },
    { level: 'info', shown: ['error', 'warn', 'info'] },
    { level: 'debug', shown: ['error', 'warn', 'info', 'debug'] },
  ] as const)('level $level shows $shown', ({ level, shown }) => {
    const lines: string[] = [];
    const log = createCliLogger(level, (l) => lines.push(l));
    log.error('e');
    log.warn('w');
    log.info('i');
    log.debug('d');
    expect(lines.map((l) => l.split(':')[0]!.replace('ksa ', ''))).toEqual(shown);
  });

  it('redacts registered secrets in messages and fields', () => {
    const lines: string[] = [];
    const log = createCliLogger('debug', (l) => lines.push(l));
    log.addSecret('Hunter2-Secret');
    log.warn('auth failed with Hunter2-Secret', { stack: 'at connect(Hunter2-Secret)' });
    expect(lines.join('')).not.toContain('Hunter2-Secret');
    expect(lines.join('')).toContain('***');
  });
});

describe('global flags', () => {
  const base = { logLevel: 'warn', color: true, isolation: 'auto' };
  it.each([
    { flags: { ...base, logLevel: 'loud' }, says: '--log-level' },
    { flags: { ...base, isolation: 'chroot' }, says: '--isolation' },
  ])('$flags -> KSA_ERR_BAD_INPUT', ({ flags, says }) => {
    expect(() => createRuntime(flags)).toThrowError(expect.objectContaining({ code: 'KSA_ERR_BAD_INPUT', message: expect.stringContaining(says) }));
  });

  it('--no-color, NO_COLOR and a non-TTY stdout all disable colour', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(createRuntime({ ...base, color: false }).color).toBe(false);
      process.env.NO_COLOR = '1';
      expect(createRuntime(base).color).toBe(false);
      delete process.env.NO_COLOR;
      // Under vitest stdout is not a TTY.
      expect(createRuntime(base).color).toBe(process.stdout.isTTY === true);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});

describe('jsonSchemaOf', () => {
  it.each(['report', 'plugins', 'health', 'snapshot'])('%s is a versioned JSON Schema object', (kind) => {
    const s = jsonSchemaOf(kind);
    expect(s).toMatchObject({ type: 'object', $id: expect.stringContaining(`${kind}-v1`) });
  });

  it('an unknown kind -> KSA_ERR_BAD_INPUT', () => {
    expect(codeOf(() => jsonSchemaOf('nosuch'))).toBe('KSA_ERR_BAD_INPUT');
  });
});
