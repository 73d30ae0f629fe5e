// The kit must catch each contract violation (and pass a plugin that has none).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, PluginTester, testPlugin, type CheckCase } from '../../../src/testing/index.js';
import { demoManifest, demoPlugin, startDemoServer } from './demo-plugin.js';

const CASES: CheckCase[] = [
  { name: 'all fine', data: { level: 10, up: true }, expect: { findings: [], status: 'healthy' } },
  { name: 'at the warning threshold: no finding', data: { level: 70, up: true }, expect: { findings: [] } },
  { name: 'just above warning', data: { level: 70.5, up: true }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'warning', observed: 70.5 }], status: 'warning' } },
  { name: 'critical and down', data: { level: 95, up: false }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'critical' }, { id: 'demo.beta.up', severity: 'critical' }], status: 'critical' } },
  { name: 'beta skipped by collect', data: { level: 10, up: false }, skipped: { beta: 'no privilege: grant X' }, expect: { findings: [], skipped: ['beta'] } },
  { name: 'threshold override', data: { level: 60, up: true }, thresholds: { 'demo.alpha.level': { warning: 50 } }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'warning' }] } },
];

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return [...error.problems];
    throw error;
  }
  return [];
}

async function asyncProblemsOf(fn: () => Promise<unknown>): Promise<string[]> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ContractError) return [...error.problems];
    throw error;
  }
  return [];
}

let server: Awaited<ReturnType<typeof startDemoServer>>;
beforeAll(async () => { server = await startDemoServer(10); });
afterAll(async () => { await server.close(); });

describe('a plugin that meets the contract', () => {
  const tester = new PluginTester(demoPlugin(), demoManifest());
  it('passes manifest validation, every case, coverage, abort, guard and a live run', async () => {
    tester.validateManifest();
    tester.runCases(CASES);
    tester.assertCoverage(CASES);
    await tester.assertAbortable();
    await tester.assertGuarded();
    const run = await tester.run({ endpoints: server.endpoint });
    expect(run.result.status).toBe('healthy');
    expect(run.snapshot.data).toEqual({ level: 10, up: true });
  });
});

describe('manifest vs code', () => {
  it.each([
    ['a check id missing from the manifest', { checks: ['demo.alpha.level'] }, /check demo\.beta\.up is in the code but missing from the manifest checks:/],
    ['a manifest check with no code', { checks: ['demo.alpha.level', 'demo.beta.up', 'demo.beta.gone'] }, /check demo\.beta\.gone is in the manifest checks: but not in the code/],
    ['a category only in code', { categories: ['alpha'] }, /category beta is in the code but missing from the manifest categories:/],
    ['a different id', { id: 'other-diagnostics' }, /id: manifest says "other-diagnostics", code says "demo-diagnostics"/],
    ['a different version', { version: '1.0.1' }, /version: manifest says "1.0.1", code says "1.0.0"/],
    ['a different middleware', { middleware: 'other' }, /middleware: manifest says "other"/],
    ['an undeclared action', { actions: [] }, /action reset is in the code but missing from the manifest actions:/],
    ['a manifest-only action', { actions: [{ name: 'reset', mutating: true }, { name: 'ping', mutating: false }] }, /action ping is in the manifest actions: but not in the code/],
    ['a mutating action declared read-only', { actions: [{ name: 'reset', mutating: false }] }, /action reset: manifest says mutating: false, code says mutating: true/],
    ['no operations', { operations: [] }, /operations: is empty/],
  ])('catches %s', (_name, patch, message) => {
    const problems = problemsOf(() => new PluginTester(demoPlugin(), demoManifest(patch)).validateManifest());
    expect(problems.join('\n')).toMatch(message);
  });

  it('rejects a manifest that ksa itself would reject (strict schema)', () => {
    expect(() => new PluginTester(demoPlugin(), { ...demoManifest(), colour: 'red' } as never)).toThrow(/unknown key "colour"/);
  });

  it('rejects something that is not a plugin module', () => {
    expect(() => new PluginTester({} as never, demoManifest())).toThrow(ContractError);
  });
});

describe('check cases', () => {
  const tester = new PluginTester(demoPlugin(), demoManifest());
  it.each([
    ['a wrong expected severity', { name: 'x', data: { level: 95, up: true }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'warning' }] } }, /expected demo\.alpha\.level \(warning\).*got demo\.alpha\.level \(critical\)/],
    ['a finding that was not expected (exact match)', { name: 'x', data: { level: 95, up: false }, expect: { findings: [{ id: 'demo.beta.up', severity: 'critical' }] } }, /unexpected finding demo\.alpha\.level \(critical\)/],
    ['an expected finding that is missing', { name: 'x', data: { level: 10, up: true }, expect: { findings: [{ id: 'demo.beta.up', severity: 'critical' }] } }, /expected finding demo\.beta\.up \(critical\) was not produced/],
    ['a wrong observed value', { name: 'x', data: { level: 80, up: true }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'warning', observed: 81 }] } }, /observed 81, got demo\.alpha\.level \(warning\) observed 80/],
    ['a wrong status', { name: 'x', data: { level: 80, up: true }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'warning' }], status: 'healthy' } }, /status is warning, expected healthy/],
    ['a wrong skipped list', { name: 'x', data: { level: 10, up: true }, expect: { findings: [], skipped: ['beta'] } }, /skipped categories are \[\], expected \[beta\]/],
    ['an unknown category', { name: 'x', data: { level: 10, up: true }, categories: ['gamma'], expect: { findings: [] } }, /category gamma is not in the manifest categories/],
  ])('fails on %s', (_name, kase, message) => {
    expect(problemsOf(() => tester.runCases([kase as CheckCase])).join('\n')).toMatch(message);
  });

  it.each([
    ['in a finding expectation', { name: 'typo', data: {}, expect: { findings: [{ id: 'demo.alpha.level', severty: 'warning' }] } }, /case "typo": expect\.findings\[0\]: unknown key "severty" \(allowed: id, severity, observed, node\)/],
    ['in expect', { name: 'typo', data: {}, expect: { findings: [], statuss: 'healthy' } }, /case "typo": expect: unknown key "statuss" \(allowed: findings, status, skipped\)/],
    ['at the top of a case', { name: 'typo', data: {}, expected: {}, expect: { findings: [] } }, /case "typo": \(root\): unknown key "expected"/],
    ['a severity that does not exist', { name: 'typo', data: {}, expect: { findings: [{ id: 'demo.alpha.level', severity: 'high' }] } }, /case "typo": expect\.findings\[0\]\.severity/],
  ])('rejects unknown keys and bad values %s', (_name, kase, message) => {
    expect(problemsOf(() => tester.runCases([kase as unknown as CheckCase])).join('\n')).toMatch(message);
  });

  it('catches a malformed finding and names the check that made it', () => {
    const bad = new PluginTester(demoPlugin('malformed-finding'), demoManifest());
    const problems = problemsOf(() => bad.runCases([{ name: 'critical', data: { level: 95, up: true }, expect: { findings: [{ id: 'demo.alpha.level', severity: 'critical' }] } }]));
    expect(problems.join('\n')).toMatch(/check demo\.alpha\.level emitted a malformed finding \(severity: .*title: .*detail: /);
  });

  it('catches a finding id that does not start with its check id', () => {
    const bad = new PluginTester(demoPlugin('bad-finding-id'), demoManifest());
    const problems = problemsOf(() => bad.runCases([{ name: 'warn', data: { level: 80, up: true }, expect: { findings: [] } }]));
    expect(problems.join('\n')).toMatch(/check demo\.alpha\.level emitted finding demo\.other\.level/);
  });

  it('reports checks that no case makes fire', () => {
    expect(tester.uncoveredChecks([CASES[0]!])).toEqual(['demo.alpha.level', 'demo.beta.up']);
    expect(problemsOf(() => tester.assertCoverage([CASES[2]!]))).toEqual(['demo.beta.up: add a case whose data makes it report']);
  });
});

describe('live contract', () => {
  it('catches an undeclared operation in a live run', async () => {
    const bad = new PluginTester(demoPlugin('undeclared-op'), demoManifest());
    const problems = await asyncProblemsOf(() => bad.run({ endpoints: server.endpoint }));
    expect(problems.join('\n')).toMatch(/undeclared operation: .*plugin demo-diagnostics tried FLUSH, which its manifest does not declare/);
  });

  it('catches a plugin that bypasses the operation guard', async () => {
    const bad = new PluginTester(demoPlugin('no-guard'), demoManifest());
    const problems = await asyncProblemsOf(() => bad.assertGuarded({ target: { endpoints: server.endpoint } }));
    expect(problems.join('\n')).toMatch(/with no operations declared, connect\+collect succeeded instead of being refused with KSA_ERR_OPERATION_DENIED/);
  });

  it('does not flag a call that finished before the abort fired (e.g. a TCP-connect-only probe)', async () => {
    const quick = new PluginTester(demoPlugin(), demoManifest());
    // The target answers at once, so the call resolves long before the abort at 500 ms.
    expect(await asyncProblemsOf(() => quick.assertAbortable({ target: { endpoints: server.endpoint }, abortAfterMs: 500 }))).toEqual([]);
  });

  it('catches an ignored AbortSignal, within the bound (does not wait for the hang)', async () => {
    const bad = new PluginTester(demoPlugin('ignore-signal'), demoManifest());
    const t0 = Date.now();
    const problems = await asyncProblemsOf(() => bad.assertAbortable({ abortAfterMs: 50, boundMs: 300 }));
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(problems.join('\n')).toMatch(/already-aborted ctx\.signal, connect\/collect was still running after \d+ ms \(bound 300 ms after the abort\): ctx\.signal is ignored/);
    expect(problems.join('\n')).toMatch(/aborts 50 ms into a call to a server that never answers, connect\/collect was still running/);
  });
});

describe('testPlugin registers one test per contract item', () => {
  it('runs the good plugin green and a bad one red, through any describe/it', async () => {
    const register = (module: ReturnType<typeof demoPlugin>, patch = {}) => {
      const tests: Array<{ name: string; fn: () => unknown }> = [];
      testPlugin({ module, manifest: demoManifest(patch), cases: CASES, live: { target: () => ({ endpoints: server.endpoint }), status: ['healthy'] } }, {
        describe: (_n, fn) => fn(),
        it: (name, fn) => { tests.push({ name, fn }); },
      });
      return tests;
    };
    const good = register(demoPlugin());
    expect(good.map((t) => t.name)).toEqual([
      'manifest matches the code (ids, categories, checks, actions)',
      ...CASES.map((c) => `case: ${c.name}`),
      'every check fires in at least one case',
      'honours ctx.signal (an aborted call rejects promptly)',
      'routes operations through the guard (undeclared operations are refused)',
      'live run: declared operations only, schema-valid result',
    ]);
    for (const t of good) await t.fn();
    const bad = register(demoPlugin(), { checks: ['demo.alpha.level'] });
    await expect(async () => bad[0]!.fn()).rejects.toThrow(/missing from the manifest checks:/);
  });

  it('says how to provide describe/it when none is available', () => {
    expect(() => testPlugin({ module: demoPlugin(), manifest: demoManifest() })).toThrow(/testPlugin needs describe\/it/);
  });
});
