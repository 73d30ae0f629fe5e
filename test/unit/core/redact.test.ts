// Secrets never leave ksa: endpoints show user:***@host; text and values are scrubbed of secrets.
import { describe, expect, it } from 'vitest';
import { redactedJson, redactEndpoint, redactSecrets, redactValue } from '../../../src/core/redact.js';

describe('redactEndpoint', () => {
  it.each([
    ['redis://user:pw@h:1/0', 'redis://user:***@h:1/0'],
    ['redis://:pw@h:6379', 'redis://:***@h:6379'],
    ['redis://user@h:1', 'redis://user:***@h:1'],
    ['postgres://app:p%40ss:w@db.example.com:5432/app?sslmode=require', 'postgres://app:***@db.example.com:5432/app?sslmode=require'],
    ['h:6379', 'h:6379'],
    ['redis://h:6379/0', 'redis://h:6379/0'],
    ['[::1]:5432', '[::1]:5432'],
    ['mysql://u:pw@h:3306/db?note=a@b', 'mysql://u:***@h:3306/db?note=a@b'],
  ])('%s -> %s', (input, output) => {
    expect(redactEndpoint(input)).toBe(output);
  });
});

describe('redactSecrets', () => {
  it.each([
    { text: 'auth failed for s3cret', secrets: ['s3cret'], want: 'auth failed for ***' },
    { text: 's3cret and s3cret again', secrets: ['s3cret'], want: '*** and *** again' },
    { text: 'url redis://u:p%40ss%2Fw@h', secrets: ['p@ss/w'], want: 'url redis://u:***@h' },
    { text: 'two a1b2c3 and z9y8', secrets: ['a1b2c3', 'z9y8'], want: 'two *** and ***' },
    { text: 'short pw ab stays', secrets: ['ab'], want: 'short pw ab stays' },
    { text: 'nothing to hide', secrets: [], want: 'nothing to hide' },
    { text: 'regex chars a.*b+? here', secrets: ['a.*b+?'], want: 'regex chars *** here' },
  ])('$text', ({ text, secrets, want }) => {
    expect(redactSecrets(text, secrets)).toBe(want);
  });
});

describe('redactValue', () => {
  it('deep-redacts strings anywhere in a JSON value, keys and nesting kept', () => {
    const value = { a: 'pw is hunter2!', list: [{ detail: 'hunter2! twice hunter2!' }], n: 3, ok: true };
    expect(redactValue(value, ['hunter2!'])).toEqual({ a: 'pw is ***', list: [{ detail: '*** twice ***' }], n: 3, ok: true });
  });

  it.each(['quo"te', 'back\\slash', 'new\nline', 'tab\there', 'uni\u00e9code'])('secrets needing JSON escaping are still redacted: %j', (secret) => {
    const out = redactValue({ detail: `secret is ${secret}.` }, [secret]);
    expect(out.detail).toBe('secret is ***.');
    expect(JSON.stringify(out)).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('returns the value unchanged when there is nothing long enough to redact', () => {
    const value = { a: 'x' };
    expect(redactValue(value, ['ab'])).toBe(value);
  });
});

describe('redactedJson (a host\'s diagnosis reply)', () => {
  it('is the JSON text of the value with every secret form redacted, escaped ones included', () => {
    const value = { result: { detail: 'pw hunt@r2/x and quo"te', url: 'redis://:hunt%40r2%2Fx@h' }, n: 1 };
    const text = redactedJson(value, ['hunt@r2/x', 'quo"te']);
    expect(JSON.parse(text)).toEqual({ result: { detail: 'pw *** and ***', url: 'redis://:***@h' }, n: 1 });
  });

  it('is plain JSON.stringify when no secret occurs or none is long enough', () => {
    const value = { a: 'nothing here', list: [1, 2] };
    expect(redactedJson(value, ['hunter2!'])).toBe(JSON.stringify(value));
    expect(redactedJson(value, ['ab'])).toBe(JSON.stringify(value));
  });
});
