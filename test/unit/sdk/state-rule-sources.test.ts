// Every state rule (defineStateRule: the rule of a fixed-severity finding) names the upstream
// section its verdict follows with a URL at the end of its source, as numeric threshold sources do
// (issue 15: "every threshold source with a URL"). The SDK refuses a source without one; the
// built-ins' rules are all defined when their check modules load, each source ends with an https
// URL, and no URL serves more than 3 rules (the explain test's rule for check URLs).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { KsaError } from '../../../src/core/errors.js';
import { defineStateRule, isStateRule, stateRules, type ThresholdSpec } from '../../../src/sdk/index.js';
import { repoRoot } from '../../support/services.js';

const BUILTINS = ['redis', 'mysql', 'postgres', 'kafka', 'http', 'prometheus'];
/** The source text, a space, then one https URL: what explain, the docs and every report show. */
const ENDS_WITH_URL = /\S\shttps:\/\/(\S+)$/;

function refusal(source: string): KsaError {
  try {
    defineStateRule({ id: 'demo.security.trust', source });
  } catch (error) {
    if (error instanceof KsaError) return error;
    throw error;
  }
  throw new Error(`defineStateRule accepted ${JSON.stringify(source)}`);
}

describe('defineStateRule', () => {
  it.each([
    ['no URL', 'demo docs: trust is critical'],
    ['a URL in the middle', 'demo docs https://docs.example.org/auth#trust: trust is critical'],
    ['http, not https', 'demo docs: trust is critical http://docs.example.org/auth#trust'],
    ['only a URL, no text', 'https://docs.example.org/auth#trust'],
    ['punctuation after the URL', 'demo docs: trust is critical (https://docs.example.org/auth#trust).'],
  ])('refuses a source with %s, with a coded error naming the rule and the fix', (_case, source) => {
    const e = refusal(source);
    expect(e.code).toBe('KSA_ERR_PLUGIN_INVALID');
    expect(e.message).toContain('state rule demo.security.trust');
    expect(e.message).toContain(JSON.stringify(source));
    expect(e.message).toContain('does not end with an https URL: end the source with a space and the https URL of the upstream section');
  });

  it('takes a source ending with an https URL, once per id and source, and lists it', () => {
    const source = 'demo docs: trust is critical https://docs.example.org/auth#trust';
    const rule = defineStateRule({ id: 'demo.security.trust', source });
    expect(rule).toMatchObject({ id: 'demo.security.trust', warning: null, critical: null, unit: 'state', source });
    expect(isStateRule(rule)).toBe(true);
    expect(defineStateRule({ id: 'demo.security.trust', source })).toBe(rule);
    expect(stateRules().filter((r) => r.id === 'demo.security.trust')).toEqual([rule]);
  });
});

describe('the built-in plugins\' state rules', () => {
  let rules: ThresholdSpec[];
  beforeAll(async () => {
    for (const type of BUILTINS) {
      const dir = join(repoRoot, 'plugins', type, 'checks');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) await import(pathToFileURL(join(dir, file)).href);
    }
    rules = stateRules().filter((r) => BUILTINS.some((type) => r.id.startsWith(`${type}.`)));
  });

  it('are defined when the check modules load: every plugin has some, one rule per finding id', () => {
    for (const type of BUILTINS) expect(rules.filter((r) => r.id.startsWith(`${type}.`)).length, type).toBeGreaterThan(0);
    expect(rules.length).toBeGreaterThanOrEqual(43);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('each source ends with a space and an https URL', () => {
    const bad = rules.filter((r) => !ENDS_WITH_URL.test(r.source)).map((r) => `${r.id}: ${r.source}`);
    expect(bad).toEqual([]);
  });

  it('point at specific upstream sections: no URL serves more than 3 rules', () => {
    const uses = new Map<string, string[]>();
    for (const r of rules) {
      const url = ENDS_WITH_URL.exec(r.source)?.[1] ?? '(none)';
      uses.set(url, [...(uses.get(url) ?? []), r.id]);
    }
    for (const [url, ids] of uses) expect(ids.length, `${url} is the source URL of ${ids.join(', ')}`).toBeLessThanOrEqual(3);
  });
});
