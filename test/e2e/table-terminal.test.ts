// The table at a real terminal (issue 12 items 7, and the table parts of 1, 5 and 8): ksa runs
// under a pseudo-terminal (util-linux `script`) sized with `stty cols N`, so stdout.isTTY is true
// and stdout.columns is N, against the real servers of scripts/services.sh. At 80, 120 and 200
// columns: no line (ANSI stripped) is wider than N, every finding id of the report is on one
// line whole (it is the override and baseline key), the headers and the fleet line say the
// effective status and agree with the exit code, findings carry the gate's marks.
// The report to compare with comes from `ksa analyze` of the snapshot the terminal run saved:
// the same collected data, so load-dependent findings (slowlog, top statements) cannot differ.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import type { Report } from '../../src/core/types.js';
import { displayWidth } from '../../src/render/table/wrap.js';
import { loadServicesEnv, repoRoot } from '../support/services.js';

const env = loadServicesEnv();
const BIN = join(repoRoot, 'bin/ksa.js');
const dir = mkdtempSync(join(tmpdir(), 'ksa-table-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Passwords only through the environment (no argv warning on the terminal). */
const secrets = { REDISCLI_AUTH: env.KSA_REDIS_PASSWORD!, TT_REDIS_PASSWORD: env.KSA_REDIS_PASSWORD!, TT_PG_PASSWORD: env.KSA_PG_PASSWORD!, TT_MYSQL_PASSWORD: env.KSA_MYSQL_PASSWORD! };

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(KSA_|NO_COLOR$|FORCE_COLOR$|COLUMNS$|LINES$)/.test(k)) out[k] = v;
  return { ...out, TERM: 'xterm-256color', ...extra };
}

/** ksa on a terminal N columns wide: its stdout as the user sees it (stderr kept apart). */
function onTerminal(columns: number, args: string[]): { code: number | null; lines: string[] } {
  const ksa = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', `stty cols ${columns} rows 50; exec ${ksa} 2>${quote(join(dir, 'stderr.txt'))}`, '/dev/null'], {
    cwd: dir, encoding: 'utf8', env: cleanEnv(secrets), timeout: 60_000,
  });
  const text = r.stdout.replace(/\r/g, '').replace(ANSI, '');
  return { code: r.status, lines: text.split('\n') };
}

/** The report of the same collected data, as JSON. */
function analyzed(args: string[]): Report {
  const r = spawnSync(process.execPath, [BIN, 'analyze', ...args, '--json'], { cwd: dir, encoding: 'utf8', env: cleanEnv(secrets), timeout: 60_000 });
  expect(r.stderr).toBe('');
  return ReportSchema.parse(JSON.parse(r.stdout));
}

/** The id as a whole word on one line: not cut, not the prefix of a longer id. */
const wholeId = (id: string) => new RegExp(`(^|[\\s│(])${id.replace(/\./g, '\\.')}($|[\\s│)])`);

function expectFits(lines: string[], columns: number, report: Report): void {
  // The one exception: a threshold source's URL wider than the terminal is printed whole on its own
  // line (the terminal soft-wraps it; cut with an indent it could no longer be copied).
  expect(lines.filter((l) => displayWidth(l) > columns && !/^https:\/\/\S+$/.test(l.trim())), `lines wider than ${columns}`).toEqual([]);
  const urls = [...new Set(report.results.flatMap((r) => r.findings.flatMap((f) => (f.threshold?.source ?? '').match(/https:\/\/\S+/g) ?? [])))];
  for (const url of urls) expect(lines.some((l) => l.includes(url)), `${url} whole on one line at ${columns} columns`).toBe(true);
  const ids = report.results.flatMap((r) => r.findings.map((f) => f.id));
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(lines.some((l) => wholeId(id).test(l)), `${id} whole on one line at ${columns} columns`).toBe(true);
}

/** Wrapped lines collapsed: a header or summary split over lines reads as one. */
const flat = (lines: string[]) => lines.join('\n').replace(/\s+/g, ' ');
/** The header's verdict is the effective status in capitals (HEALTHY: the gate's OK). */
const header = (r: Report['results'][number]) => `${r.target.name} (${r.target.type} via ${r.plugin.id} ${r.plugin.version}): ${r.status.toUpperCase()}`;
const markCount = (lines: string[], mark: string) => (lines.join('\n').match(new RegExp(`│ ${mark} +│|\\(${mark}\\)`, 'g')) ?? []).length;

const COLUMNS = [80, 120, 200];

describe.skipIf(!hasScript)('ksa diagnose at a terminal (real servers; needs util-linux script)', () => {
  it.each(COLUMNS)('redis with --fail-on critical at %i columns: fits, ids whole, HEALTHY with what was found, warning marked below --fail-on, n/a categories', (columns) => {
    const snap = `redis-${columns}.json`;
    const tty = onTerminal(columns, ['diagnose', 'redis', env.KSA_REDIS_PRIMARY!, '--fail-on', 'critical', '--save-snapshot', snap]);
    const report = analyzed([snap, '--fail-on', 'critical']);
    expectFits(tty.lines, columns, report);
    const [result] = report.results;
    // The shared primary has replicas and no persistence: a warning, which --fail-on critical lets pass.
    expect(result!.findings.some((f) => f.belowFailOn)).toBe(true);
    expect(report.exitCode).toBe(0);
    expect(tty.code).toBe(report.exitCode);
    expect(flat(tty.lines)).toContain(`${header(result!)} (found warning: ${result!.findings.filter((f) => f.belowFailOn).length} below --fail-on critical) in `);
    // Nothing says WARNING where the gate says HEALTHY (the raw status is "found warning").
    expect(tty.lines.join('\n')).not.toContain('WARNING');
    expect(markCount(tty.lines, 'below --fail-on')).toBe(result!.findings.filter((f) => f.belowFailOn).length);
    for (const c of result!.categories) {
      const word = c.notApplicable ? 'n/a' : c.skipped !== undefined ? 'skipped' : c.status;
      expect(tty.lines.some((l) => new RegExp(`^│ ${c.name} +│ ${word.replace('/', '\\/')} +│`).test(l)), `${c.name}: ${word}`).toBe(true);
    }
    if (columns === 80) {
      // Below ~100 columns a block per finding: severity, mark and id start the block.
      expect(tty.lines).toContain('warning  (below --fail-on) redis.replication.no-persistence @' + env.KSA_REDIS_PRIMARY);
    }
  });

  it.each(COLUMNS)('redis with a baseline and a new critical at %i columns: baselined and new marked, CRITICAL with exit 2', (columns) => {
    const base = `base-${columns}.json`;
    const written = spawnSync(process.execPath, [BIN, 'diagnose', 'redis', env.KSA_REDIS_PRIMARY!, '--write-baseline', base, '--json'], { cwd: dir, encoding: 'utf8', env: cleanEnv(secrets), timeout: 60_000 });
    expect(written.status, written.stderr).toBe(1);
    // Any connected client breaches 0 %: a critical finding the baseline does not know.
    const override = ['--threshold', 'redis.connection.usage=0,0'];
    const snap = `redis-base-${columns}.json`;
    const tty = onTerminal(columns, ['diagnose', 'redis', env.KSA_REDIS_PRIMARY!, '--baseline', base, ...override, '--save-snapshot', snap]);
    const report = analyzed([snap, '--baseline', base, ...override]);
    expectFits(tty.lines, columns, report);
    const [result] = report.results;
    const fresh = result!.findings.filter((f) => f.severity !== 'info' && !f.baselined && !f.belowFailOn);
    expect(fresh.map((f) => f.id)).toContain('redis.connection.usage');
    expect(report.exitCode).toBe(2);
    expect(tty.code).toBe(2);
    expect(flat(tty.lines)).toContain(`${header(result!)} `);
    expect(markCount(tty.lines, 'new')).toBe(fresh.length);
    expect(markCount(tty.lines, 'baselined')).toBe(result!.findings.filter((f) => f.baselined).length);
    expect(markCount(tty.lines, 'baselined')).toBeGreaterThan(0);
    expect(flat(tty.lines)).toContain(`baseline ${base}: ${report.baseline!.suppressed} baselined, ${report.baseline!.new} new`);
  });

  it.each(COLUMNS)('a fleet at %i columns (critical, warning, healthy, unreachable): fits, every header and the fleet line agree with the exit code', (columns) => {
    const config = join(dir, `fleet-${columns}.yaml`);
    writeFileSync(config, [
      'defaults: { timeout: 15s, concurrency: 8 }',
      'targets:',
      // Thresholds on real observed values force the findings (the shared servers stay untouched).
      `  - { name: cache-crowded, type: redis, endpoints: ["${env.KSA_REDIS_PRIMARY}"], auth: { passwordEnv: TT_REDIS_PASSWORD }, thresholds: { redis.connection.usage: { warning: 0, critical: 0 } } }`,
      `  - { name: orders-pg-busy, type: postgres, endpoints: ["postgres://${env.KSA_PG_USER}@${env.KSA_PG_PRIMARY}/postgres"], auth: { passwordEnv: TT_PG_PASSWORD }, thresholds: { postgres.connection.usage: { warning: -1, critical: null } } }`,
      `  - { name: billing-mysql, type: mysql, endpoints: ["${env.KSA_MYSQL_PRIMARY}"], auth: { username: ${env.KSA_MYSQL_USER}, passwordEnv: TT_MYSQL_PASSWORD }, categories: [connection] }`,
      '  - { name: cache-gone, type: redis, endpoints: ["127.0.0.1:1"], categories: [connection] }',
      '',
    ].join('\n'));
    const snap = `fleet-${columns}.json`;
    const tty = onTerminal(columns, ['diagnose', '--config', config, '--save-snapshot', snap]);
    const report = analyzed([snap, '--config', config]);
    expectFits(tty.lines, columns, report);
    expect(Object.fromEntries(report.results.map((r) => [r.target.name, r.status]))).toEqual({ 'cache-crowded': 'critical', 'orders-pg-busy': 'warning', 'billing-mysql': 'healthy', 'cache-gone': 'unknown' });
    expect(tty.code).toBe(report.exitCode);
    expect(tty.code).toBe(2);
    const text = flat(tty.lines);
    for (const r of report.results) expect(text).toContain(header(r));
    expect(text).toContain('4 targets: 1 critical, 1 unknown, 1 warning, 1 healthy; overall CRITICAL (exit 2); critical: cache-crowded; unknown: cache-gone; warning: orders-pg-busy');
  });
});
