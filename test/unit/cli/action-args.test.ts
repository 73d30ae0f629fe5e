// `ksa action`'s two forms told apart without spawning: a target given by its endpoints, or a
// ksa.yaml target by name (--target), with each mistake a coded one-line error naming the fix;
// the did-you-mean of an unknown target name; the help's examples read from the manifests.
import { describe, expect, it } from 'vitest';
import { parseActionArgs } from '../../../src/cli/action-args.js';
import { pickConfigTarget } from '../../../src/config/config-target-name.js';
import { actionHelp } from '../../../src/cli/action-help.js';
import { KsaError } from '../../../src/core/errors.js';
import { ManifestSchema } from '../../../src/core/schemas.js';

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof KsaError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

const none = { connectionFlags: [] };

describe('parseActionArgs', () => {
  it('the endpoint form: <type> <action> <endpoint...>', () => {
    expect(parseActionArgs(['fixture', 'reset', 'h1:1', 'h2:2'], none)).toEqual({ form: 'endpoints', type: 'fixture', action: 'reset', endpoints: ['h1:1', 'h2:2'] });
  });

  it('the endpoint form names what is missing', () => {
    expect(refusal(() => parseActionArgs([], none))).toMatchObject({ code: 'KSA_ERR_BAD_INPUT', message: expect.stringMatching(/^ksa action needs <type> <action> <endpoint\.\.\.>: write .*--target <name> <action>$/) });
    expect(refusal(() => parseActionArgs(['fixture'], none)).message).toMatch(/^ksa action needs <action> <endpoint\.\.\.>:/);
    expect(refusal(() => parseActionArgs(['fixture', 'reset'], none)).message).toMatch(/^ksa action needs <endpoint\.\.\.>:/);
  });

  it('the ksa.yaml form: --target <name> and only the action', () => {
    expect(parseActionArgs(['reset'], { target: 'cache', connectionFlags: [] })).toEqual({ form: 'config', target: 'cache', action: 'reset' });
  });

  it('--target with the type or endpoints too is refused, naming both forms', () => {
    for (const positionals of [['fixture', 'reset'], ['fixture', 'reset', 'h1:1'], ['reset', 'h1:1']]) {
      const r = refusal(() => parseActionArgs(positionals, { target: 'cache', connectionFlags: [] }));
      expect(r.code).toBe('KSA_ERR_BAD_INPUT');
      expect(r.message).toContain(`--target takes the type and endpoints from ksa.yaml, but ${JSON.stringify(positionals.join(' '))} was given too`);
      expect(r.message).toContain('give only the action (ksa action --config ksa.yaml --target <name> <action>)');
    }
  });

  it('--target without an action, or empty, is refused', () => {
    expect(refusal(() => parseActionArgs([], { target: 'cache', connectionFlags: [] })).message).toMatch(/^--target cache names no action: write ksa action --config ksa\.yaml --target <name> <action>/);
    expect(refusal(() => parseActionArgs(['reset'], { target: '', connectionFlags: [] })).message).toMatch(/^--target is empty:/);
  });

  it('connection flags belong to the endpoint form: with --target they are refused, not ignored', () => {
    const r = refusal(() => parseActionArgs(['reset'], { target: 'cache', connectionFlags: ['--password-env', '--user'] }));
    expect(r).toMatchObject({ code: 'KSA_ERR_BAD_INPUT', message: expect.stringMatching(/^--password-env applies to a target given on the command line, not to a ksa\.yaml target: set it in the target in ksa\.yaml/) });
    // The endpoint form takes them.
    expect(parseActionArgs(['fixture', 'reset', 'h1:1'], { connectionFlags: ['--user'] }).form).toBe('endpoints');
  });
});

describe('pickConfigTarget', () => {
  const targets = [{ name: 'cache' }, { name: 'orders-db' }];

  it('finds the target by its exact name', () => {
    expect(pickConfigTarget(targets, 'orders-db', 'ksa.yaml')).toBe(targets[1]);
  });

  it('an unknown name: did you mean, and the names to use', () => {
    expect(refusal(() => pickConfigTarget(targets, 'cahce', '/etc/ksa.yaml'))).toEqual({ code: 'KSA_ERR_BAD_INPUT', message: '--target "cahce" is not in /etc/ksa.yaml (did you mean cache?): use one of cache, orders-db' });
    expect(refusal(() => pickConfigTarget(targets, 'zzzzzzzz', 'ksa.yaml')).message).toBe('--target "zzzzzzzz" is not in ksa.yaml: use one of cache, orders-db');
    expect(refusal(() => pickConfigTarget([], 'cache', 'ksa.yaml')).message).toBe('--target "cache" is not in ksa.yaml: add it under targets: in ksa.yaml');
  });

  it('names at most 8 targets', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `t${i}` }));
    expect(refusal(() => pickConfigTarget(many, 'nothing-like-it', 'ksa.yaml')).message).toMatch(/use one of t0, t1, t2, t3, t4, t5, t6, t7, \.\.\.$/);
  });
});

describe('actionHelp', () => {
  const manifest = (middleware: string, actions: unknown[]) => ManifestSchema.parse({
    id: `${middleware}-diagnostics`, name: 'F', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware, defaultPort: 7000, entry: './index.js', categories: ['alpha'], actions,
  });

  it('one example per declared action (required params, --allow-write when it writes), then the ksa.yaml form', () => {
    const text = actionHelp([
      manifest('zeta', [{ name: 'flush', mutating: true }]),
      manifest('alpha', [{ name: 'end', mutating: true, params: { pid: { type: 'integer', required: true }, note: { type: 'string' } } }, { name: 'look', mutating: false }]),
      manifest('quiet', []),
    ]);
    expect(text.split('\n').filter((l) => l.startsWith('  ksa action'))).toEqual([
      '  ksa action alpha end 127.0.0.1:7000 --param pid=<integer> --allow-write',
      '  ksa action alpha look 127.0.0.1:7000',
      '  ksa action zeta flush 127.0.0.1:7000 --allow-write',
      '  ksa action --config ksa.yaml --target <name> end --param pid=<integer> --allow-write',
    ]);
  });
});
