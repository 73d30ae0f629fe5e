// The CI-gate contract as README states it: README's "Exit codes (the CI contract)" table is read
// here and every row is run against the real Redis of scripts/services.sh, in all four output
// formats. One effective status (after --fail-on and --baseline) must give the exit code, the
// Nagios word, the JUnit elements and the JSON status of that row, so the table cannot drift
// from the code. Needs `npm run build`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-gate-'));
const ksa = (args: readonly string[]) => spawnKsa(['--no-color', ...args], { KSA_GATE_REDIS_PW: process.env.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_(?!GATE_)|REDISCLI_AUTH$)/);

interface Row { scenario: string; failOn: string; baseline: 'none' | 'hit' | 'miss'; exit: number; nagios: string; junit: string; json: string }

/** The rows of README's contract table (the second table of the section). */
export function contractRows(readme: string): Row[] {
  const section = readme.slice(readme.indexOf('## Exit codes (the CI contract)'), readme.indexOf('## JSON report'));
  const lines = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| code') && !/^\|[-|]+\|$/.test(l) && !l.startsWith('| scenario'));
  return lines.filter((l) => l.split('|').length === 9).map((l) => {
    const [scenario, failOn, baseline, exit, nagios, junit, json] = l.split('|').slice(1, 8).map((c) => c.trim());
    return { scenario: scenario!, failOn: failOn!, baseline: baseline as Row['baseline'], exit: Number(exit), nagios: nagios!, junit: junit!, json: json! };
  });
}

// What each scenario word means on the real Redis primary (no persistence + a replica: one
// warning in `replication`; `memory` has only info findings; connection usage > 0% is critical
// once its thresholds are 0).
const TARGETS: Record<string, string> = {
  healthy: 'categories: [memory]',
  warning: 'categories: [replication]',
  critical: 'categories: [connection], thresholds: { redis.connection.usage: { warning: 0, critical: 0 } }',
};
const SCENARIOS: Record<string, Array<keyof typeof TARGETS | 'unreachable'>> = {
  'healthy target': ['healthy'],
  'a warning': ['warning'],
  'a critical': ['critical'],
  'unreachable target': ['unreachable'],
  'a critical and an unreachable target': ['critical', 'unreachable'],
  'a warning and an unreachable target': ['warning', 'unreachable'],
};

function configFor(scenario: string): string {
  const kinds = SCENARIOS[scenario];
  if (!kinds) throw new Error(`README contract row names an unknown scenario ${JSON.stringify(scenario)}: add it to SCENARIOS`);
  const lines = ['defaults: { timeout: 5s }', 'targets:'];
  for (const k of kinds) {
    lines.push(k === 'unreachable'
      ? '  - { name: gone, type: redis, endpoints: [127.0.0.1:1] }'
      : `  - { name: ${k}, type: redis, endpoints: [${process.env.KSA_REDIS_PRIMARY}], auth: { passwordEnv: KSA_GATE_REDIS_PW }, ${TARGETS[k]} }`);
  }
  const file = join(dir, `${scenario.replace(/\W+/g, '-')}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const rows = contractRows(readFileSync(join(repoRoot, 'README.md'), 'utf8'));

describe('README contract table', () => {
  it('has the rows the issue asks for', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const failOn of ['warning', 'critical']) expect(rows.some((r) => r.failOn === failOn)).toBe(true);
    for (const b of ['hit', 'miss', 'none']) expect(rows.some((r) => r.baseline === b)).toBe(true);
    expect(rows.some((r) => r.scenario.includes('unreachable'))).toBe(true);
  });
});

describe.each(rows)('$scenario, --fail-on $failOn, baseline $baseline', (row) => {
  const config = configFor(row.scenario);
  const baselineArgs: string[] = [];
  beforeAll(async () => {
    if (row.baseline === 'none') return;
    const file = join(dir, `baseline-${row.scenario.replace(/\W+/g, '-')}-${row.baseline}.json`);
    // hit: recorded from the same targets; miss: recorded from a healthy target (other findings only).
    const from = row.baseline === 'hit' ? config : configFor('healthy target');
    const w = await ksa(['diagnose', '--config', from, '--json', '--write-baseline', file]);
    expect(w.stderr).toBe('');
    baselineArgs.push('--baseline', file);
  });
  const args = () => ['diagnose', '--config', config, '--fail-on', row.failOn, ...baselineArgs];

  it(`exit ${row.exit}, JSON status ${row.json}`, async () => {
    const r = await ksa([...args(), '--json']);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(r.code).toBe(row.exit);
    expect(report.exitCode).toBe(row.exit);
    expect(report.status).toBe(row.json);
  });

  it(`Nagios ${row.nagios}`, async () => {
    const r = await ksa([...args(), '-o', 'nagios']);
    expect(r.code).toBe(row.exit);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^KSA ${row.nagios} - `));
    // Nothing may say a worse word than the gate: no target line says WARNING/CRITICAL under an OK gate.
    if (row.nagios === 'OK') expect(r.stdout).not.toMatch(/KSA (WARNING|CRITICAL|UNKNOWN)/);
  });

  it(`JUnit: ${row.junit}`, async () => {
    const r = await ksa([...args(), '-o', 'junit']);
    expect(r.code).toBe(row.exit);
    const want = row.junit === 'none' ? [] : row.junit.split(',').map((s) => s.trim());
    expect(/<failure[\s>]/.test(r.stdout)).toBe(want.includes('failure'));
    expect(/<error[\s>]/.test(r.stdout)).toBe(want.includes('error'));
  });

  it('table header agrees', async () => {
    const r = await ksa(args());
    expect(r.code).toBe(row.exit);
    const words: Record<string, string> = { OK: 'HEALTHY', WARNING: 'WARNING', CRITICAL: 'CRITICAL', UNKNOWN: 'UNKNOWN' };
    expect(r.stdout).toContain(words[row.nagios]);
    const worse = Object.values(words).filter((w) => w !== words[row.nagios] && w !== 'HEALTHY');
    // Only the fleet summary may name other statuses, as counts (e.g. "1 critical"), never in capitals.
    for (const w of worse) if (row.nagios !== 'CRITICAL' && row.nagios !== 'UNKNOWN') expect(r.stdout).not.toContain(w);
  });
});
