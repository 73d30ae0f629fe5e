// Plugin options as a schema: the manifest declaration (zod, with its own consistency rules), the
// per-type coercion of values, precedence (plugin config < target < env < default order), scope,
// required, secrets, and the deprecated config_schema read as options.
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../../src/core/schemas.js';
import { checkOptionValue } from '../../../src/core/option-values.js';
import { declaredOptions, resolveOptions, targetSecrets, type OptionSource } from '../../../src/core/plugin-options.js';
import { firstIssue } from '../../../src/core/zod-issues.js';
import type { Manifest } from '../../../src/core/types.js';

const base = { id: 'demo-diagnostics', name: 'D', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'demo', entry: './index.js' };
const manifestWith = (options: unknown): Manifest => ManifestSchema.parse({ ...base, options });
const target = (values: Record<string, unknown>): OptionSource => ({ name: (k) => `--option ${k}`, values, scope: 'target' });

describe('manifest options: declaration rules', () => {
  it.each([
    { options: { a: { type: 'integer', default: 'x' } }, says: /options\.a\.default: is not an integer/ },
    { options: { a: { type: 'integer', min: 5, default: 1 } }, says: /options\.a\.default: is below the minimum 5/ },
    { options: { a: { type: 'string', pattern: '(' } }, says: /options\.a\.pattern: is not a valid regular expression/ },
    { options: { a: { type: 'string', min: 1 } }, says: /options\.a\.min: applies to integer, number, duration and list options/ },
    { options: { a: { type: 'duration', max: 'soon' } }, says: /options\.a\.max: is not a duration/ },
    { options: { a: { type: 'integer', enum: ['x'] } }, says: /options\.a\.enum: has a value that is not a integer/ },
    { options: { a: { type: 'string', flag: 'a' } }, says: /options\.a\.description: is required for an option with a flag/ },
    { options: { a: { type: 'string', flag: 'no-color', description: 'd' } }, says: /options\.a\.flag/ },
    { options: { a: { type: 'string', flag: 'x', description: 'd' }, b: { type: 'string', flag: 'x', description: 'd' } }, says: /options\.b\.flag: --x is already the flag of option a/ },
    { options: { a: { type: 'string', required: true, default: 'x' } }, says: /options\.a\.required/ },
    { options: { a: { type: 'integer', unixSocket: true } }, says: /options\.a\.unixSocket/ },
    { options: { a: { type: 'text' } }, says: /options\.a\.type/ },
    { options: { 'a-b': { type: 'string' } }, says: /options/ },
  ])('$says', ({ options, says }) => {
    const parsed = ManifestSchema.safeParse({ ...base, options });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(firstIssue(parsed.error, ManifestSchema)).toMatch(says);
  });
});

describe('values are coerced to their declared type', () => {
  it.each([
    { rule: { type: 'integer' }, raw: '42', value: 42 },
    { rule: { type: 'integer' }, raw: 7, value: 7 },
    { rule: { type: 'number' }, raw: '0.5', value: 0.5 },
    { rule: { type: 'boolean' }, raw: 'yes', value: true },
    { rule: { type: 'boolean' }, raw: false, value: false },
    { rule: { type: 'duration' }, raw: '2s', value: 2000 },
    { rule: { type: 'duration' }, raw: 250, value: 250 },
    { rule: { type: 'list' }, raw: 'a, b,,c', value: ['a', 'b', 'c'] },
    { rule: { type: 'list' }, raw: ['x', 1], value: ['x', '1'] },
    { rule: { type: 'endpoints', port: 26379 }, raw: 'h1,h2:1', value: ['h1', 'h2:1'] },
    { rule: { type: 'string' }, raw: 5432, value: '5432' },
    { rule: { type: 'duration', min: '100ms' }, raw: '1s', value: 1000 },
    { rule: { type: 'list', max: 2 }, raw: 'a,b', value: ['a', 'b'] },
  ] as const)('$rule.type $raw -> $value', ({ rule, raw, value }) => {
    expect(checkOptionValue(raw, rule)).toEqual({ ok: true, value });
  });

  it.each([
    { rule: { type: 'integer' }, raw: '4.5', why: 'is not an integer' },
    { rule: { type: 'integer' }, raw: 'abc', why: 'is not an integer' },
    { rule: { type: 'number' }, raw: '1e', why: 'is not a number' },
    { rule: { type: 'boolean' }, raw: 'maybe', why: 'is not true or false' },
    { rule: { type: 'duration' }, raw: '2', why: 'is not a duration such as 500ms, 10s or 2m' },
    { rule: { type: 'list' }, raw: { a: 1 }, why: 'is not a list of strings (or a comma-separated string)' },
    { rule: { type: 'endpoints' }, raw: 'h:1,bad host', why: 'has an invalid endpoint (item 2): write host:port' },
    { rule: { type: 'string' }, raw: ['x'], why: 'is not a string' },
    { rule: { type: 'string', enum: ['a', 'b'] }, raw: 'c', why: 'is not one of a, b' },
    { rule: { type: 'list', enum: ['a', 'b'] }, raw: 'a,c', why: 'is not one of a, b' },
    { rule: { type: 'string', pattern: '^[0-9]+$' }, raw: '1x', why: 'does not match ^[0-9]+$' },
    { rule: { type: 'integer', max: 9 }, raw: '10', why: 'is above the maximum 9' },
    { rule: { type: 'duration', min: '1s' }, raw: '500ms', why: 'is below the minimum 1s' },
    { rule: { type: 'list', min: 2 }, raw: 'a', why: 'is below the minimum 2 items' },
  ] as const)('$rule.type $raw -> $why', ({ rule, raw, why }) => {
    expect(checkOptionValue(raw, rule)).toEqual({ ok: false, why });
  });
});

describe('resolveOptions', () => {
  const m = manifestWith({
    depth: { type: 'integer', default: 3 },
    token: { type: 'string', secret: true, env: ['DEMO_TOKEN', 'DEMO_TOKEN2'] },
    region: { type: 'string', required: true },
    digests: { type: 'integer', scope: 'plugin', default: 10 },
  });

  it('precedence: default < env < plugin config < target; plugin-scoped keys stay out of target options', () => {
    const plugin: OptionSource = { name: (k) => `plugins.demo-diagnostics.config.${k}`, values: { depth: 5, digests: 20 }, scope: 'plugin' };
    expect(resolveOptions(m, [plugin, target({ region: 'eu' })], 'target', { DEMO_TOKEN2: 'from-env' })).toEqual({ values: { depth: 5, region: 'eu', token: 'from-env' }, problems: [] });
    expect(resolveOptions(m, [target({ region: 'eu', depth: '7', token: 'given' })], 'target', { DEMO_TOKEN: 'env' }).values).toEqual({ region: 'eu', depth: 7, token: 'given' });
    expect(resolveOptions(m, [plugin], 'plugin').values).toEqual({ depth: 5, digests: 20 });
  });

  it('problems: unknown key (did-you-mean), required, plugin scope in a target, a bad env value', () => {
    const { problems } = resolveOptions(m, [target({ dept: 1, digests: 5 })], 'target', { DEMO_TOKEN: '' });
    expect(problems.map((p) => `${p.message} | ${p.fix}`)).toEqual([
      expect.stringMatching(/^--option dept: demo-diagnostics has no option "dept" .*\| did you mean depth\?/),
      expect.stringMatching(/^--option digests: digests applies to the whole plugin, not to one target \| set it in ksa.yaml under plugins.demo-diagnostics.config.digests/),
      expect.stringMatching(/^demo-diagnostics needs option region \| give --option region=<value>/),
    ]);
    const env = resolveOptions(manifestWith({ depth: { type: 'integer', env: ['DEMO_DEPTH'] } }), [], 'target', { DEMO_DEPTH: 'deep' });
    expect(env.problems[0]?.message).toBe('environment variable DEMO_DEPTH (option depth) is not an integer');
  });

  it('a secret: never in a problem message; collected for redaction with the password', () => {
    const { problems } = resolveOptions(manifestWith({ token: { type: 'integer', secret: true } }), [target({ token: 'S3cret-Value' })], 'target');
    expect(problems[0]!.message).toBe('--option token: the value is not an integer');
    const secretList = manifestWith({ keys: { type: 'list', secret: true }, plain: { type: 'string' } });
    expect(targetSecrets({ auth: { password: 'pw-1' }, options: { keys: ['k-one', 'k-two'], plain: 'shown' } }, secretList)).toEqual(['pw-1', 'k-one', 'k-two']);
  });

  it('a manifest without options accepts none; a legacy config_schema is read as options', () => {
    expect(resolveOptions(ManifestSchema.parse(base), [target({ a: 1 })], 'target').problems[0]!.message).toBe('--option a: demo-diagnostics declares no options');
    const legacy = ManifestSchema.parse({ ...base, config_schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, default: 2 }, tags: { type: 'array' }, odd: { type: ['integer', 'string'] } } } });
    expect(declaredOptions(legacy)).toEqual({ n: { type: 'integer', min: 1, default: 2 }, tags: { type: 'list' }, odd: { type: 'string' } });
    expect(resolveOptions(legacy, [target({ tags: 'a,b', odd: 3 })], 'target')).toEqual({ values: { tags: ['a', 'b'], odd: '3', n: 2 }, problems: [] });
    expect(resolveOptions(legacy, [target({ n: '0' })], 'target').problems[0]!.message).toBe('--option n: "0" is below the minimum 1');
  });
});
