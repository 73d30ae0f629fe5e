// Issue 14 item 4 on the real PostgreSQL server: one rule for overrides. A threshold override
// changes the severity and the shown threshold together; an override of a state check (fixed
// severity: postgres.security.hba-trust, this server's `local all all trust`) is refused with exit 3
// and a one-line fix when --threshold / ksa.yaml are parsed, before any plugin code runs.
// Before: `--threshold postgres.security.hba-trust=5` was accepted and the finding kept its
// severity while showing "warning 5 (override)". Needs `npm run build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { judgeValue } from '../../src/sdk/index.js';
import { loadServicesEnv } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import type { Finding } from '../../src/core/types.js';

const services = loadServicesEnv();
const PRIMARY = services.KSA_PG_PRIMARY!;
// The superuser reads pg_hba_file_rules, so the security category is evaluated.
const url = `postgres://${services.KSA_PG_SUPERUSER}@${PRIMARY}/postgres?sslmode=disable`;
const env = { PGPASSWORD: services.KSA_PG_SUPERUSER_PASSWORD! };
const ksa = (args: readonly string[]) => spawnKsa(args, env, /^(KSA_|PGPASSWORD$)/);
const dir = mkdtempSync(join(tmpdir(), 'ksa-override-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Findings whose severity is not what their shown limits give for their observed value. */
function inconsistent(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => {
    const t = f.threshold;
    if (!t || f.severity === 'info' || (t.warning === null && t.critical === null) || typeof f.observed?.value !== 'number') return false;
    return judgeValue({ id: f.id, unit: '', ...t }, f.observed.value) !== f.severity;
  });
}

describe('overrides on real PostgreSQL', () => {
  it('the trust rule is a state finding: warning for a local rule, shown as its rule, with no limits', async () => {
    const run = await ksa(['diagnose', 'postgres', url, '--category', 'security', '--json']);
    const result = ReportSchema.parse(JSON.parse(run.stdout)).results[0]!;
    const trust = result.findings.find((f) => f.id === 'postgres.security.hba-trust');
    expect(trust, run.stdout.slice(0, 2000)).toMatchObject({ severity: 'warning', threshold: { warning: null, critical: null } });
    expect(trust!.threshold!.source).toMatch(/^PostgreSQL docs, Client Authentication/);
    expect(inconsistent(result.findings)).toEqual([]);
  });

  it('--threshold on the state check is refused: exit 3, one line naming the fix, nothing diagnosed', async () => {
    const run = await ksa(['diagnose', 'postgres', url, '--category', 'security', '--threshold', 'postgres.security.hba-trust=5', '--json']);
    expect(run.code, run.stdout.slice(0, 600)).toBe(3);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ksa: KSA_ERR_BAD_INPUT --threshold: "postgres\.security\.hba-trust" is a state check of postgres-diagnostics with a fixed severity, not a threshold: there is no limit to override: remove it; accept a known finding with --write-baseline\/--baseline, or gate on critical only with --fail-on critical/);
  });

  it('ksa.yaml thresholds on the state check: config validate and diagnose --config refuse it (exit 3)', async () => {
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, `targets:\n  - name: pg\n    type: postgres\n    endpoints: [${JSON.stringify(url)}]\n    thresholds:\n      postgres.security.hba-trust: { warning: 5 }\n`);
    const validate = await ksa(['config', 'validate', '--config', file]);
    expect(validate.code).toBe(3);
    expect(validate.stderr).toMatch(/KSA_ERR_CONFIG_INVALID .*targets\[0\]\.thresholds: "postgres\.security\.hba-trust" is a state check of postgres-diagnostics/);
    const diagnose = await ksa(['diagnose', '--config', file, '--json']);
    expect(diagnose.code).toBe(3);
    expect(diagnose.stdout).toBe('');
  });

  it('a threshold override is honoured whole: severity and shown limits both follow it', async () => {
    // ksa's own session is not counted, so usage may be 0 %: a limit of -1 % fires on any server.
    const run = await ksa(['diagnose', 'postgres', url, '--category', 'connection', '--threshold', 'postgres.connection.usage=-1,', '--json']);
    const result = ReportSchema.parse(JSON.parse(run.stdout)).results[0]!;
    const usage = result.findings.find((f) => f.id === 'postgres.connection.usage');
    expect(usage, run.stdout.slice(0, 2000)).toMatchObject({ severity: 'warning', threshold: { warning: -1 } });
    expect(usage!.threshold!.source).toMatch(/^override \(ksa config\)/);
    expect(inconsistent(result.findings)).toEqual([]);
    expect(run.code).toBe(1);
  });
});
