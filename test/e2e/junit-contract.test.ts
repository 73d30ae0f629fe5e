// JUnit that CI servers can trend (issue 12, item 3), read back by an independent reader: Debian's
// python3-junitparser (installed by `scripts/services.sh install`), not a schema of our own.
// One real Redis (the services' replica, healthy as started) is made failing with --threshold, and
// 127.0.0.1:1 stands in for an unreachable target; every run diagnoses all categories, so the
// (classname, name) pairs must be the same whatever the result. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv, repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

interface ReadResult { kind: 'Failure' | 'Error' | 'Skipped'; type: string | null; message: string | null; text: string | null }
interface ReadCase { classname: string; name: string; time: number; result: ReadResult[]; systemOut: string | null }
interface Counts { tests: number; failures: number; errors: number; skipped: number; time: number }
interface ReadFile extends Counts { suites: Array<Counts & { name: string }>; cases: ReadCase[] }

// Debian's interpreter: a python3 earlier on PATH (pyenv, venv) does not see dist-packages.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const READER = `
import json, sys
from junitparser import JUnitXml
def counts(x):
    return {'tests': x.tests, 'failures': x.failures, 'errors': x.errors, 'skipped': x.skipped, 'time': x.time}
xml = JUnitXml.fromfile(sys.argv[1])
cases = []
for suite in xml:
    for case in suite:
        cases.append({'classname': case.classname, 'name': case.name, 'time': case.time, 'systemOut': case.system_out,
                      'result': [{'kind': type(r).__name__, 'type': r.type, 'message': r.message, 'text': r.text} for r in case.result]})
print(json.dumps(dict(counts(xml), suites=[dict(counts(s), name=s.name) for s in xml], cases=cases)))
`;

const services = loadServicesEnv();
const REDIS = services.KSA_REDIS_REPLICA!;
const PRIMARY = services.KSA_REDIS_PRIMARY!;
const dir = mkdtempSync(join(tmpdir(), 'ksa-junit-'));
const CRITICAL_USAGE = ['--threshold', 'redis.connection.usage=0.001,0.002']; // 1+ of 10000 clients is > 0.002 %
const WARNING_USAGE = ['--threshold', 'redis.connection.usage=0.001,none'];

function readBack(file: string): ReadFile {
  const r = spawnSync(PYTHON, ['-c', READER, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`junitparser could not read ${file} (install it: bash scripts/services.sh install):\n${r.stderr}`);
  return JSON.parse(r.stdout) as ReadFile;
}

let runs = 0;
/** `ksa diagnose redis ... -o junit`, its XML written to a file and read back by junitparser. */
async function junit(args: readonly string[]): Promise<{ code: number | null; xml: ReadFile }> {
  const run = await spawnKsa(['diagnose', 'redis', ...args, '--password-env', 'JUNIT_REDIS_PW', '--timeout', '5s', '--output', 'junit'], { JUNIT_REDIS_PW: services.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_|REDISCLI_AUTH$)/);
  const file = join(dir, `run-${++runs}.xml`);
  writeFileSync(file, run.stdout);
  return { code: run.code, xml: readBack(file) };
}

const key = (c: ReadCase) => `${c.classname} | ${c.name}`;
const keys = (x: ReadFile) => new Set(x.cases.map(key));
const only = (x: ReadFile, kind: ReadResult['kind']) => x.cases.filter((c) => c.result.some((r) => r.kind === kind));
const caseOf = (x: ReadFile, classname: string, name: string) => x.cases.find((c) => c.classname === classname && c.name === name);

/** Counts on <testsuites> and <testsuite> agree with the cases; times are non-negative numbers. */
function expectConsistent(x: ReadFile): void {
  const tally = (cases: ReadCase[]) => ({ tests: cases.length, failures: only({ ...x, cases }, 'Failure').length, errors: only({ ...x, cases }, 'Error').length, skipped: only({ ...x, cases }, 'Skipped').length });
  expect(x).toMatchObject(tally(x.cases));
  expect(x.suites).toHaveLength(1); // one target
  expect(x.suites[0]).toMatchObject(tally(x.cases));
  for (const c of x.cases) expect(c.result.length).toBeLessThanOrEqual(1);
  for (const t of [x.time, ...x.suites.map((s) => s.time), ...x.cases.map((c) => c.time)]) {
    expect(Number.isFinite(t)).toBe(true);
    expect(t).toBeGreaterThanOrEqual(0);
  }
}

let checks: Array<{ category: string; id: string; skipped?: string; notApplicable?: boolean }>;
let healthy: { code: number | null; xml: ReadFile };
let failing: { code: number | null; xml: ReadFile };
let down: { code: number | null; xml: ReadFile };

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/src/cli/main.js'))) throw new Error('ksa is not built: run `npm run build`');
  const json = await spawnKsa(['diagnose', 'redis', REDIS, '--password-env', 'JUNIT_REDIS_PW', '--json'], { JUNIT_REDIS_PW: services.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_|REDISCLI_AUTH$)/);
  const report = ReportSchema.parse(JSON.parse(json.stdout));
  checks = report.results[0]!.categories.flatMap((c) => (c.checks ?? []).map((id) => ({ category: c.name, id, ...(c.skipped ? { skipped: c.skipped } : {}), ...(c.notApplicable ? { notApplicable: true } : {}) })));
  [healthy, failing, down] = await Promise.all([junit([REDIS]), junit([REDIS, ...CRITICAL_USAGE]), junit(['127.0.0.1:1'])]);
});

describe('JUnit: one testcase per (target, check id), the same on every run', () => {
  it('healthy, failing and unreachable runs of one target report the same (classname, name) set: every check, passing ones included', () => {
    expect([healthy.code, failing.code, down.code]).toEqual([0, 2, 3]);
    // The target was named after its endpoint (no --name): its type labels the cases instead.
    const expected = new Set(checks.map((c) => `redis.${c.category} | ${c.id}`));
    expect(expected.size).toBeGreaterThan(20);
    expect(keys(healthy.xml)).toEqual(expected);
    expect(keys(failing.xml)).toEqual(expected);
    expect(keys(down.xml)).toEqual(expected);
    for (const x of [healthy.xml, failing.xml, down.xml]) expect(x.cases).toHaveLength(expected.size); // no duplicates
  });

  it('no endpoint in any classname, name or suite name', () => {
    for (const x of [healthy.xml, failing.xml, down.xml]) {
      const names = [...x.cases.flatMap((c) => [c.classname, c.name]), ...x.suites.map((s) => s.name)];
      for (const n of names) expect(n).not.toMatch(/\d+\.\d+\.\d+\.\d+|:\d+|127\.0\.0\.1/);
      expect(x.suites.map((s) => s.name)).toEqual(['redis']);
    }
  });

  it('counts and times are consistent with the cases', () => {
    for (const x of [healthy.xml, failing.xml, down.xml]) expectConsistent(x);
  });

  it('healthy: no failure, no error; the checks of skipped categories are <skipped> with the reason', () => {
    expect(healthy.xml).toMatchObject({ failures: 0, errors: 0 });
    const skippedChecks = checks.filter((c) => c.skipped !== undefined || c.notApplicable);
    expect(skippedChecks.map((c) => c.category)).toContain('sentinel'); // a standalone Redis
    expect(new Set(only(healthy.xml, 'Skipped').map(key))).toEqual(new Set(skippedChecks.map((c) => `redis.${c.category} | ${c.id}`)));
    for (const check of skippedChecks) {
      const reason = check.notApplicable ? `not applicable: ${check.skipped}` : check.skipped;
      expect(caseOf(healthy.xml, `redis.${check.category}`, check.id)!.result).toEqual([{ kind: 'Skipped', type: null, message: reason, text: null }]);
    }
    // A passing check with an info finding passes and shows the finding in system-out.
    const info = caseOf(healthy.xml, 'redis.persistence', 'redis.persistence.disabled')!;
    expect(info.result).toEqual([]);
    expect(info.systemOut).toMatch(/^info: redis\.persistence\.disabled/);
  });

  it('failing: exactly the check that fails the gate is a <failure> typed by severity', () => {
    expect(failing.xml).toMatchObject({ failures: 1, errors: 0 });
    expect(only(failing.xml, 'Failure').map(key)).toEqual(['redis.connection | redis.connection.usage']);
    expect(caseOf(failing.xml, 'redis.connection', 'redis.connection.usage')!.result).toEqual([
      expect.objectContaining({ kind: 'Failure', type: 'critical', message: 'Clients close to maxclients', text: expect.stringMatching(/suggestion: /) }),
    ]);
  });

  it('unreachable: every check is an <error> with the error code, nothing passes, fails or is skipped', () => {
    expect(down.xml).toMatchObject({ failures: 0, skipped: 0, errors: down.xml.tests });
    for (const c of down.xml.cases) expect(c.result).toEqual([expect.objectContaining({ kind: 'Error', type: 'KSA_ERR_CONNECT', message: expect.stringMatching(/^could not diagnose: /) })]);
  });
});

describe('JUnit follows the gate, not the raw severity', () => {
  it('--fail-on critical with only warnings: failures=0 and exit 0; the warning is in system-out, marked', async () => {
    const [plain, gated] = await Promise.all([junit([REDIS, ...WARNING_USAGE]), junit([REDIS, ...WARNING_USAGE, '--fail-on', 'critical'])]);
    expect(plain.code).toBe(1);
    expect(only(plain.xml, 'Failure').map((c) => c.result[0]!.type)).toEqual(['warning']);
    expect(gated.code).toBe(0);
    expect(gated.xml).toMatchObject({ failures: 0, errors: 0 });
    expectConsistent(gated.xml);
    const usage = caseOf(gated.xml, 'redis.connection', 'redis.connection.usage')!;
    expect(usage.result).toEqual([]);
    expect(usage.systemOut).toMatch(/^warning \(below --fail-on\): redis\.connection\.usage/);
    expect(keys(gated.xml)).toEqual(keys(healthy.xml));
  });

  it('--baseline with every finding baselined: failures=0 and exit 0; the finding is in system-out, marked', async () => {
    const baseline = join(dir, 'baseline.json');
    const written = await junit([REDIS, ...CRITICAL_USAGE, '--write-baseline', baseline]);
    expect(written.code).toBe(2);
    expect(written.xml.failures).toBe(1);
    const known = await junit([REDIS, ...CRITICAL_USAGE, '--baseline', baseline]);
    expect(known.code).toBe(0);
    expect(known.xml).toMatchObject({ failures: 0, errors: 0 });
    expectConsistent(known.xml);
    const usage = caseOf(known.xml, 'redis.connection', 'redis.connection.usage')!;
    expect(usage.result).toEqual([]);
    expect(usage.systemOut).toMatch(/^critical \(baselined\): redis\.connection\.usage/);
  });
});

describe('JUnit naming and grouping', () => {
  it('--name labels the cases; findings of one check on several nodes are one testcase whose <failure> lists them all', async () => {
    const pair = await junit([PRIMARY, REDIS, '--name', 'pair', ...CRITICAL_USAGE]);
    expect(pair.code).toBe(2);
    expectConsistent(pair.xml);
    expect(pair.xml.suites.map((s) => s.name)).toEqual(['pair (redis)']);
    expect(keys(pair.xml)).toEqual(new Set([...keys(healthy.xml)].map((k) => k.replace(/^redis\./, 'pair.'))));
    const usage = caseOf(pair.xml, 'pair.connection', 'redis.connection.usage')!;
    expect(usage.result).toHaveLength(1);
    expect(usage.result[0]).toMatchObject({ kind: 'Failure', type: 'critical', message: 'Clients close to maxclients (+1 more)' });
    expect(usage.result[0]!.text).toContain(`@${PRIMARY}`);
    expect(usage.result[0]!.text).toContain(`@${REDIS}`);
  });
});
