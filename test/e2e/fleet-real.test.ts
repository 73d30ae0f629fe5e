// Fleet runs against the real servers of scripts/services.sh, all four built-in plugins in one
// ksa.yaml, spawned as a CI job runs it. Unhealthy targets are made so with per-target threshold
// overrides on real observed values (never by changing the shared servers, which other test
// files use at the same time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv, repoRoot } from '../support/services.js';

const env = loadServicesEnv();
const dir = mkdtempSync(join(tmpdir(), 'ksa-fleet-real-'));
/** Passwords reach ksa only through the environment, as a CI job would pass them. */
const secretsEnv = {
  FLEET_REDIS_PASSWORD: env.KSA_REDIS_PASSWORD!,
  FLEET_MYSQL_PASSWORD: env.KSA_MYSQL_PASSWORD!,
  FLEET_PG_PASSWORD: env.KSA_PG_PASSWORD!,
};

function ksa(args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/ksa.js'), ...args], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...secretsEnv }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Target blocks by name; each test picks the ones it needs. */
const TARGETS: Record<string, string> = {
  'redis-ok': `{ name: redis-ok, type: redis, endpoints: ["${env.KSA_REDIS_PRIMARY}"], auth: { passwordEnv: FLEET_REDIS_PASSWORD }, categories: [connection] }`,
  // Any client at all breaches a 0 % usage threshold: critical on a real connected_clients value.
  'redis-crowded': `{ name: redis-crowded, type: redis, endpoints: ["${env.KSA_REDIS_PRIMARY}"], auth: { passwordEnv: FLEET_REDIS_PASSWORD }, categories: [connection], thresholds: { redis.connection.usage: { warning: 0, critical: 0 } } }`,
  'mysql-ok': `{ name: mysql-ok, type: mysql, endpoints: ["${env.KSA_MYSQL_PRIMARY}"], auth: { username: ${env.KSA_MYSQL_USER}, passwordEnv: FLEET_MYSQL_PASSWORD }, categories: [connection] }`,
  'mysql-busy': `{ name: mysql-busy, type: mysql, endpoints: ["${env.KSA_MYSQL_PRIMARY}"], auth: { username: ${env.KSA_MYSQL_USER}, passwordEnv: FLEET_MYSQL_PASSWORD }, categories: [connection], thresholds: { mysql.connection.usage: { warning: 0, critical: null } } }`,
  'pg-ok': `{ name: pg-ok, type: postgres, endpoints: ["postgres://${env.KSA_PG_USER}@${env.KSA_PG_PRIMARY}/postgres"], auth: { passwordEnv: FLEET_PG_PASSWORD }, categories: [connection] }`,
  // ksa's own session is not counted (0 % on an idle server): -1 makes any usage a warning.
  'pg-busy': `{ name: pg-busy, type: postgres, endpoints: ["postgres://${env.KSA_PG_USER}@${env.KSA_PG_PRIMARY}/postgres"], auth: { passwordEnv: FLEET_PG_PASSWORD }, categories: [connection], thresholds: { postgres.connection.usage: { warning: -1, critical: null } } }`,
  'kafka-ok': `{ name: kafka-ok, type: kafka, endpoints: [${env.KSA_KAFKA_BOOTSTRAP!.split(',').map((e) => `"${e}"`).join(', ')}], categories: [broker] }`,
  'kafka-csv': `{ name: kafka-csv, type: kafka, endpoints: ["${env.KSA_KAFKA_BOOTSTRAP}"], categories: [broker] }`,
  // Port 1 on loopback: refused at once, so the run stays fast.
  'redis-gone': '{ name: redis-gone, type: redis, endpoints: ["127.0.0.1:1"], categories: [connection] }',
};

function config(file: string, names: string[]): string {
  const path = join(dir, file);
  writeFileSync(path, ['defaults: { timeout: 15s, concurrency: 8 }', 'targets:', ...names.map((n) => `  - ${TARGETS[n]}`), ''].join('\n'));
  return path;
}

function report(stdout: string) {
  return ReportSchema.parse(JSON.parse(stdout));
}

const statusOf = (r: ReturnType<typeof report>) => Object.fromEntries(r.results.map((x) => [x.target.name, x.status]));

describe('ksa diagnose --config across redis, mysql, postgres and kafka (real servers)', () => {
  it('all four healthy -> exit 0, one result per target, JSON valid against the schema', () => {
    const r = ksa(['diagnose', '--config', config('healthy.yaml', ['redis-ok', 'mysql-ok', 'pg-ok', 'kafka-ok']), '--json']);
    const rep = report(r.stdout);
    expect(statusOf(rep)).toEqual({ 'redis-ok': 'healthy', 'mysql-ok': 'healthy', 'pg-ok': 'healthy', 'kafka-ok': 'healthy' });
    expect(rep.results.map((x) => x.plugin.id)).toEqual(['redis-diagnostics', 'mysql-diagnostics', 'postgres-diagnostics', 'kafka-diagnostics']);
    expect(rep.status).toBe('healthy');
    expect(r.code).toBe(0);
  });

  it('a comma-separated bootstrap list in ksa.yaml is one deployment with every broker', () => {
    const r = ksa(['diagnose', '--config', config('csv.yaml', ['kafka-csv']), '--json']);
    const rep = report(r.stdout);
    expect(rep.results[0]!.target.endpoints).toEqual(env.KSA_KAFKA_BOOTSTRAP!.split(','));
    expect(rep.results[0]!.status).toBe('healthy');
    expect(r.code).toBe(0);
  });

  it('mixed healthy, warning and critical -> worst status critical, exit 2', () => {
    const r = ksa(['diagnose', '--config', config('mixed.yaml', ['redis-crowded', 'mysql-busy', 'pg-ok', 'kafka-ok']), '--json']);
    const rep = report(r.stdout);
    expect(statusOf(rep)).toEqual({ 'redis-crowded': 'critical', 'mysql-busy': 'warning', 'pg-ok': 'healthy', 'kafka-ok': 'healthy' });
    const crowded = rep.results[0]!.findings.find((f) => f.id === 'redis.connection.usage');
    expect(crowded?.threshold?.source).toMatch(/^override \(ksa config\)/);
    expect(rep.status).toBe('critical');
    expect(r.code).toBe(2);
  });

  it('an unreachable target is unknown (exit 3) while the other three still report', () => {
    const r = ksa(['diagnose', '--config', config('gone.yaml', ['redis-gone', 'mysql-ok', 'pg-busy', 'kafka-ok']), '--json']);
    const rep = report(r.stdout);
    expect(statusOf(rep)).toEqual({ 'redis-gone': 'unknown', 'mysql-ok': 'healthy', 'pg-busy': 'warning', 'kafka-ok': 'healthy' });
    expect(rep.results[0]!.errors[0]?.code).toBe('KSA_ERR_CONNECT');
    expect(r.code).toBe(3);
  });

  it('--fail-on critical with only warnings exits 0 (the warnings are still reported)', () => {
    const r = ksa(['diagnose', '--config', config('warn.yaml', ['mysql-busy', 'pg-busy', 'redis-ok']), '--json', '--fail-on', 'critical']);
    const rep = report(r.stdout);
    // One effective status (issue 12): OK everywhere; what was found stays in rawStatus and the findings.
    expect(rep.status).toBe('healthy');
    expect(rep.rawStatus).toBe('warning');
    expect(rep.results.flatMap((x) => x.findings).some((f) => f.severity === 'warning' && f.belowFailOn === true)).toBe(true);
    expect(r.code).toBe(0);
  });

  it('the baseline hides known findings; a new finding still fails', () => {
    const base = join(dir, 'baseline.json');
    const before = config('base-before.yaml', ['mysql-busy', 'pg-ok', 'kafka-ok']);
    expect(ksa(['diagnose', '--config', before, '--json', '--write-baseline', base]).code).toBe(1);
    const same = ksa(['diagnose', '--config', before, '--json', '--baseline', base]);
    expect(same.code).toBe(0);
    expect(report(same.stdout).baseline?.suppressed).toBeGreaterThan(0);
    const after = config('base-after.yaml', ['mysql-busy', 'pg-busy', 'kafka-ok']);
    const worse = ksa(['diagnose', '--config', after, '--json', '--baseline', base]);
    expect(worse.code).toBe(1);
    const newFindings = report(worse.stdout).results.flatMap((x) => x.findings.filter((f) => !f.baselined && f.severity !== 'info').map((f) => `${x.target.name}:${f.id}`));
    expect(newFindings).toEqual(['pg-busy:postgres.connection.usage']);
  });

  it('junit output parses as JUnit XML with a failure for each unhealthy target', () => {
    const r = ksa(['diagnose', '--config', config('junit.yaml', ['redis-crowded', 'mysql-ok', 'pg-busy', 'redis-gone']), '--output', 'junit']);
    expect(r.code).toBe(2); // a real critical outranks the unreachable target (issue 12 item 2)
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout);
    const suites = [xml.testsuites.testsuite].flat();
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['redis-crowded (redis)', 'mysql-ok (mysql)', 'pg-busy (postgres)', 'redis-gone (redis)']);
    const failing = (s: { testcase: unknown }) => [s.testcase].flat().filter((c) => (c as Record<string, unknown>).failure !== undefined || (c as Record<string, unknown>).error !== undefined).length;
    expect(suites.map(failing).map((n: number) => n > 0)).toEqual([true, false, true, true]);
  });

  it('nagios output: worst status first, one line per target, perfdata per target', () => {
    const r = ksa(['diagnose', '--config', config('nagios.yaml', ['redis-ok', 'mysql-busy', 'pg-ok', 'kafka-ok']), '--output', 'nagios']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('KSA WARNING - 4 targets: 0 critical, 0 unknown, 1 warning, 3 ok (mysql-busy)');
    // Each target line may be followed by its findings (indented); the target lines keep their order.
    expect(lines.filter((l) => l.startsWith('KSA ')).slice(1).map((l) => l.split(' - ')[1]?.split(' ')[0])).toEqual(['redis-ok', 'mysql-busy', 'pg-ok', 'kafka-ok']);
    expect(r.stdout).toMatch(/'mysql-busy:mysql\.connection\.usage'=\d+(\.\d+)?%;0( |\n)/);
    // Perfdata comes from what the checks judged, not from findings: the healthy targets have theirs too.
    expect(r.stdout).toMatch(/'pg-ok:[a-z.]+connection[a-z.-]*'=\d/);
  });
});
