// Fleet runs and the CI gate, spawned as a user runs them, with the fixture plugin standing in
// for targets whose health we choose (the four real plugins are covered in fleet-real.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(repo, 'test/fixtures/plugins/fixture');
const dir = mkdtempSync(join(tmpdir(), 'ksa-fleet-'));

function ksa(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(repo, 'bin/ksa.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(name: string, targets: Array<{ name: string; behavior: string; extra?: string }>, defaults = 'timeout: 3s, concurrency: 8'): string {
  const file = join(dir, name);
  const lines = [`defaults: { ${defaults} }`, 'targets:'];
  for (const t of targets) lines.push(`  - { name: ${t.name}, type: fixture, endpoints: [127.0.0.1:7000], options: { behavior: ${t.behavior} }${t.extra ?? ''} }`);
  lines.push('plugins:', `  discovery: { packages: [${JSON.stringify(fixture)}] }`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('ksa diagnose --config: worst status and exit code', () => {
  const cases: Array<{ name: string; behaviors: string[]; status: string; code: number; failOn?: string }> = [
    { name: 'all healthy', behaviors: ['healthy', 'healthy'], status: 'healthy', code: 0 },
    { name: 'one warning', behaviors: ['healthy', 'warning'], status: 'warning', code: 1 },
    { name: 'warning and critical', behaviors: ['warning', 'critical', 'healthy'], status: 'critical', code: 2 },
    // Aggregation CRITICAL > UNKNOWN > WARNING > OK (issue 12): a real critical outranks an unreachable target.
    { name: 'an unreachable target and a critical: critical, others still report', behaviors: ['healthy', 'refuse', 'critical'], status: 'critical', code: 2 },
    { name: 'an unreachable target and a warning: unknown', behaviors: ['warning', 'refuse', 'healthy'], status: 'unknown', code: 3 },
    // One effective status: under --fail-on critical a warning-only run is OK everywhere, not only in the exit code.
    { name: '--fail-on critical with only warnings exits 0', behaviors: ['warning', 'healthy'], status: 'healthy', code: 0, failOn: 'critical' },
    { name: '--fail-on critical still fails on critical', behaviors: ['warning', 'critical'], status: 'critical', code: 2, failOn: 'critical' },
    { name: '--fail-on critical never hides a tool failure', behaviors: ['warning', 'hang'], status: 'unknown', code: 3, failOn: 'critical' },
  ];
  it.each(cases)('$name', ({ name, behaviors, status, code, failOn }) => {
    const file = writeConfig(`${name.replace(/\W+/g, '-')}.yaml`, behaviors.map((b, i) => ({ name: `t${i}-${b}`, behavior: b })), 'timeout: 1500ms, concurrency: 8');
    const r = ksa(['diagnose', '--config', file, '--json', ...(failOn ? ['--fail-on', failOn] : [])]);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.status).toBe(status);
    expect(r.code).toBe(code);
    expect(report.exitCode).toBe(code);
    expect(report.results.map((x) => x.target.name)).toEqual(behaviors.map((b, i) => `t${i}-${b}`));
  });

  it('--target runs only the named targets', () => {
    const file = writeConfig('named.yaml', [{ name: 'a', behavior: 'healthy' }, { name: 'b', behavior: 'critical' }]);
    const r = ksa(['diagnose', '--config', file, '--target', 'a', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { target: { name: string } }) => x.target.name)).toEqual(['a']);
  });

  it('finds ./ksa.yaml and KSA_CONFIG without --config', () => {
    writeConfig('ksa.yaml', [{ name: 'local', behavior: 'warning' }]);
    expect(ksa(['diagnose', '--json']).code).toBe(1);
    const other = writeConfig('other.yaml', [{ name: 'other', behavior: 'critical' }]);
    expect(ksa(['diagnose', '--json'], { KSA_CONFIG: other }).code).toBe(2);
  });
});

describe('baseline', () => {
  it('hides known findings; a new finding still fails the gate', () => {
    const base = join(dir, 'baseline.json');
    const before = writeConfig('before.yaml', [{ name: 'a', behavior: 'warning' }, { name: 'b', behavior: 'healthy' }]);
    expect(ksa(['diagnose', '--config', before, '--json', '--write-baseline', base]).code).toBe(1);
    expect(JSON.parse(readFileSync(base, 'utf8')).findings).toEqual([{ target: 'a', id: 'fixture.alpha.level', category: 'alpha', severity: 'warning' }]);
    const same = ksa(['diagnose', '--config', before, '--json', '--baseline', base]);
    expect(same.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(same.stdout));
    // One effective status (issue 12): the gate says OK everywhere; the truth stays in rawStatus and the finding.
    expect(report.status).toBe('healthy');
    expect(report.rawStatus).toBe('warning');
    expect(report.baseline).toEqual({ file: base, suppressed: 1, new: 0 });
    expect(report.results[0]!.findings[0]!.baselined).toBe(true);
    const after = writeConfig('after.yaml', [{ name: 'a', behavior: 'warning' }, { name: 'b', behavior: 'critical' }]);
    expect(ksa(['diagnose', '--config', after, '--json', '--baseline', base]).code).toBe(2);
  });
});

describe('output formats', () => {
  const file = writeConfig('formats.yaml', [
    { name: 'ok', behavior: 'healthy' }, { name: 'warn', behavior: 'warning' }, { name: 'down', behavior: 'refuse' },
  ]);

  it('junit parses as JUnit XML: a suite per target, failures carry the finding', () => {
    const r = ksa(['diagnose', '--config', file, '--output', 'junit']);
    expect(r.code).toBe(3);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout);
    const suites = xml.testsuites.testsuite as Array<{ name: string; failures: string; errors: string; testcase: unknown }>;
    expect(suites.map((s) => s.name)).toEqual(['ok (fixture)', 'warn (fixture)', 'down (fixture)']);
    expect(suites[1]!.failures).toBe('1');
    expect(JSON.stringify(suites[1]!.testcase)).toContain('fixture.alpha.level');
    expect(JSON.stringify(suites[1]!.testcase)).toContain('lower the level');
    // One testcase per check (issue 12 item 3): the unreachable target's two checks are both <error>.
    expect(suites[2]!.errors).toBe('2');
    expect(JSON.stringify(suites[2]!.testcase)).toContain('KSA_ERR_CONNECT');
  });

  it('nagios: a worst-status first line, one long-output line per target (then its findings), perfdata per target after the last |', () => {
    const r = ksa(['diagnose', '--config', file, '--output', 'nagios']);
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('KSA UNKNOWN - 3 targets: 0 critical, 1 unknown, 1 warning, 1 ok (down, warn)');
    expect(lines[1]).toMatch(/^KSA OK - ok \(fixture\): [^|]*$/);
    expect(lines[2]).toMatch(/^KSA WARNING - warn \(fixture\): [^|]*$/);
    expect(lines[3]).toBe('  - warning fixture.alpha.level: Level');
    expect(lines[4]).toMatch(/^KSA UNKNOWN - down \(fixture\): could not diagnose: KSA_ERR_CONNECT .* \| 'ok:duration'=\d+ms;;;0 'ok:fixture\.alpha\.level'=10%;70;90 'ok:level'=10$/);
    expect(lines[5]).toMatch(/^'warn:duration'=\d+ms;;;0 'warn:fixture\.alpha\.level'=80%;70;90 'warn:level'=80$/);
    expect(lines[6]).toMatch(/^'down:duration'=\d+ms;;;0$/);
    expect(lines).toHaveLength(7);
  });

  it('nagios with one target: its line with its perfdata, then its findings', () => {
    const one = writeConfig('nagios-one.yaml', [{ name: 'warn', behavior: 'warning' }]);
    const r = ksa(['diagnose', '--config', one, '--output', 'nagios']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^KSA WARNING - warn \(fixture\): 0 critical, 1 warning; [^|\n]+ \| 'duration'=\d+ms;;;0 'fixture\.alpha\.level'=80%;70;90 'level'=80\n- warning fixture\.alpha\.level: Level\n$/);
  });

  it('--json is an alias of --output json and validates against the schema', () => {
    const a = JSON.parse(ksa(['diagnose', '--config', file, '--json']).stdout);
    const b = JSON.parse(ksa(['diagnose', '--config', file, '--output', 'json']).stdout);
    expect(ReportSchema.parse(a).results).toHaveLength(3);
    expect(b.results.map((x: { status: string }) => x.status)).toEqual(a.results.map((x: { status: string }) => x.status));
  });
});

describe('snapshots: ksa analyze gives the same findings as live', () => {
  it('saves snapshots and re-analyses them offline, with threshold overrides', () => {
    const file = writeConfig('snap.yaml', [{ name: 'w', behavior: 'warning' }, { name: 'c', behavior: 'critical' }]);
    const snap = join(dir, 'snap.json');
    const live = JSON.parse(ksa(['diagnose', '--config', file, '--json', '--save-snapshot', snap]).stdout);
    const offline = ksa(['analyze', snap, '--config', file, '--json']);
    const report = JSON.parse(offline.stdout);
    const ids = (r: { results: Array<{ findings: Array<{ id: string; severity: string }> }> }) => r.results.map((x) => x.findings.map((f) => `${f.id}:${f.severity}`));
    expect(ids(report)).toEqual(ids(live));
    expect(offline.code).toBe(2);
    const relaxed = ksa(['analyze', snap, '--config', file, '--json', '--threshold', 'fixture.alpha.level=96,99']);
    expect(relaxed.code).toBe(0);
  });
});

describe('bad configs: one line naming the file, the path and the fix; exit 3', () => {
  const cases: Array<{ name: string; yaml: string; env?: Record<string, string>; match: RegExp }> = [
    { name: 'unknown key', yaml: 'targets:\n  - { name: a, type: fixture, endpoints: [h:1], colour: red }\n', match: /targets\[0\]: unknown key "colour"/ },
    { name: 'misspelt key', yaml: 'targets:\n  - { name: a, type: fixture, endpoints: [h:1], auth: { user: x } }\n', match: /targets\[0\]\.auth: unknown key "user" \(did you mean "username"\?\)/ },
    { name: 'threshold matching no check', yaml: `targets:\n  - { name: a, type: fixture, endpoints: [h:1], thresholds: { fixture.alpha.levl: { warning: 1 } } }\nplugins:\n  discovery: { packages: [${JSON.stringify(fixture)}] }\n`, match: /targets\[0\]\.thresholds: threshold "fixture\.alpha\.levl" matches no check of fixture-diagnostics \(did you mean "fixture\.alpha\.level"\?\)/ },
    { name: 'wrong type', yaml: 'targets:\n  - { name: a, type: fixture, endpoints: h:1 }\n', match: /targets\[0\]\.endpoints: .*expected array/ },
    { name: 'missing env var', yaml: 'targets:\n  - { name: a, type: fixture, endpoints: ["${KSA_TEST_UNSET_VAR}:1"] }\n', match: /targets\[0\]\.endpoints\[0\]: environment variable KSA_TEST_UNSET_VAR is not set: export/ },
    { name: 'duplicate target name', yaml: 'targets:\n  - { name: a, type: fixture, endpoints: [h:1] }\n  - { name: a, type: fixture, endpoints: [h:2] }\n', match: /targets\[1\]\.name: duplicate target name "a"/ },
    { name: 'bad endpoint', yaml: `targets:\n  - { name: a, type: fixture, endpoints: [h:1, "h:99999"] }\nplugins:\n  discovery: { packages: [${JSON.stringify(fixture)}] }\n`, match: /targets\[0\]\.endpoints\[1\]: .*not 1-65535/ },
    { name: 'unknown type', yaml: 'targets:\n  - { name: a, type: nosuch, endpoints: [h:1] }\n', match: /targets\[0\]\.type: no plugin diagnoses "nosuch"/ },
    { name: 'unknown category', yaml: `targets:\n  - { name: a, type: fixture, endpoints: [h:1], categories: [alpha, gamma] }\nplugins:\n  discovery: { packages: [${JSON.stringify(fixture)}] }\n`, match: /targets\[0\]\.categories\[1\]: .*no category "gamma"/ },
    { name: 'bad duration', yaml: 'defaults: { timeout: 10 }\ntargets:\n  - { name: a, type: fixture, endpoints: [h:1] }\n', match: /defaults\.timeout: / },
    { name: 'invalid YAML', yaml: 'targets: [\n', match: /invalid YAML/ },
    { name: 'password env unset', yaml: `targets:\n  - { name: a, type: fixture, endpoints: [h:1], auth: { passwordEnv: KSA_TEST_NO_PW } }\nplugins:\n  discovery: { packages: [${JSON.stringify(fixture)}] }\n`, match: /targets\[0\]\.auth\.passwordEnv: environment variable KSA_TEST_NO_PW is not set/ },
  ];
  it.each(cases)('$name', ({ name, yaml, match }) => {
    const file = join(dir, `bad-${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, yaml);
    for (const args of [['diagnose', '--config', file], ['config', 'validate', '--config', file]]) {
      const r = ksa(args);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      // Issue 12 item 8: `config validate` lists every problem (here the duplicate name and the
      // unknown type of both targets), one line each; diagnose stops at the first.
      if (args[0] === 'diagnose') expect(lines).toHaveLength(1);
      for (const line of lines) {
        expect(line).toMatch(/^ksa: KSA_ERR_CONFIG_(INVALID|UNREADABLE) /);
        expect(line).toContain(file);
      }
      expect(lines.filter((l) => match.test(l))).toHaveLength(1);
    }
  });

  it('config example is a valid config (with its secret file and env vars provided)', () => {
    const secret = join(dir, 'pg-secret');
    writeFileSync(secret, 'pw\n');
    const example = ksa(['config', 'example']).stdout.replace('/run/secrets/pg', secret);
    const file = join(dir, 'example.yaml');
    writeFileSync(file, example);
    const r = ksa(['config', 'validate', '--config', file], { REDIS_PASSWORD: 'x', MYSQL_MONITOR_PASSWORD: 'y' });
    expect(r.stderr).toBe('');
    // One target per built-in, from each manifest's configExample, in type order.
    expect(r.stdout).toMatch(/^ok: .*: 6 targets \(http, kafka, mysql, postgres, prometheus, redis\)/);
    expect(r.code).toBe(0);
  });
});
