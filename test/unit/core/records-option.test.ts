// The `records` option type: a list of mappings with declared, typed fields (a plugin's checks in
// ksa.yaml), checked and coerced before any plugin code runs; problems name the item and field.
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../../src/core/schemas.js';
import { checkOptionValue, type OptionRule } from '../../../src/core/option-values.js';
import { resolveOptions } from '../../../src/core/plugin-options.js';
import { firstIssue } from '../../../src/core/zod-issues.js';

const rule: OptionRule = {
  type: 'records',
  fields: {
    id: { type: 'string', required: true, unique: true, pattern: '^[a-z]+$' },
    warning: { type: 'number' },
    every: { type: 'duration' },
    mode: { type: 'string', enum: ['above', 'below'] },
  },
};

describe('records option values', () => {
  it('coerces each field to its type, leaves out null fields, accepts a JSON array from the command line', () => {
    expect(checkOptionValue([{ id: 'a', warning: '5', every: '2s', mode: 'below' }, { id: 'b', warning: null }], rule)).toEqual({ ok: true, value: [{ id: 'a', warning: 5, every: 2000, mode: 'below' }, { id: 'b' }] });
    expect(checkOptionValue('[{"id":"a","warning":1}]', rule)).toEqual({ ok: true, value: [{ id: 'a', warning: 1 }] });
    expect(checkOptionValue([], rule)).toEqual({ ok: true, value: [] });
  });

  it.each([
    { raw: 'id=a', why: /is not a list of records/ },
    { raw: { id: 'a' }, why: /is not a list of records/ },
    { raw: ['a'], why: /has item 1 that is not a mapping/ },
    { raw: [{ id: 'a', wrning: 1 }], why: /has item 1 with an unknown field "wrning" \(fields: id, warning, every, mode\)/ },
    { raw: [{ id: 'a' }, { warning: 1 }], why: /has item 2 without its id/ },
    { raw: [{ id: 'a', warning: 'high' }], why: /has item 1 whose warning is not a number/ },
    { raw: [{ id: 'A1' }], why: /has item 1 whose id does not match/ },
    { raw: [{ id: 'a', mode: 'sideways' }], why: /has item 1 whose mode is not one of above, below/ },
    { raw: [{ id: 'a' }, { id: 'a' }], why: /has two items with id "a" \(id must be unique\)/ },
  ])('refuses $raw: $why', ({ raw, why }) => {
    const checked = checkOptionValue(raw, rule);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.why).toMatch(why);
  });

  it('a problem in ksa.yaml names the target option and the fields to give', () => {
    const manifest = ManifestSchema.parse({ id: 'demo-diagnostics', name: 'D', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'demo', entry: './index.js', options: { checks: { ...rule, description: 'the checks' } } });
    const { problems } = resolveOptions(manifest, [{ name: (k) => `targets[0].options.${k}`, values: { checks: [{ warning: 1 }] }, scope: 'target' }], 'target');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^targets\[0\]\.options\.checks: .* has item 1 without its id$/);
    expect(problems[0]!.fix).toMatch(/a list of records with the fields id, warning, every, mode/);
  });
});

describe('records option declarations', () => {
  const base = { id: 'demo-diagnostics', name: 'D', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'demo', entry: './index.js' };
  it.each([
    { options: { a: { type: 'records' } }, says: /options\.a\.fields: is required for a records option/ },
    { options: { a: { type: 'list', fields: { x: { type: 'string' } } } }, says: /options\.a\.fields: applies to a records option/ },
    { options: { a: { type: 'records', fields: { x: { type: 'records' } } } }, says: /options\.a\.fields\.x\.type/ },
    { options: { a: { type: 'records', fields: { x: { type: 'string', pattern: '(' } } } }, says: /options\.a\.fields\.x\.pattern: is not a valid regular expression/ },
  ])('$says', ({ options, says }) => {
    const parsed = ManifestSchema.safeParse({ ...base, options });
    expect(parsed.success).toBe(false);
    expect(parsed.success ? '' : firstIssue(parsed.error)).toMatch(says);
  });
});
