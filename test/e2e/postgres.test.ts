// `ksa diagnose postgres` spawned as a user runs it (built dist/), against real servers: the JSON
// report validates, and the exit code follows the status (0 healthy, 1 warning, 2 critical,
// 3 unknown). Needs `npm run build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { ReportSchema } from '../../src/core/schemas.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import type { Report } from '../../src/core/types.js';
import { freePort, MONITOR, startPrimary, type PgServer } from '../integration/postgres/pg-cluster.js';


type Run = KsaRun;

const ksa = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> => spawnKsa(args, env, /^(KSA_|PGPASSWORD$)/);

function report(run: Run): Report {
  return ReportSchema.parse(JSON.parse(run.stdout));
}

describe('ksa diagnose postgres (spawned CLI)', () => {
  let server: PgServer;
  let dir: string;
  let pwFile: string;
  let idle: pg.Client | undefined;

  beforeAll(async () => {
    server = await startPrimary();
    dir = mkdtempSync(join(tmpdir(), 'ksa-pg-e2e-'));
    pwFile = join(dir, 'pw');
    writeFileSync(pwFile, `${MONITOR.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await idle?.end().catch(() => undefined);
    server?.stop();
    server?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const diagnose = (endpoint: string, extra: string[] = []) =>
    ['diagnose', 'postgres', endpoint, '--user', MONITOR.username, '--password-file', pwFile, '--json', '--timeout', '10s', ...extra];

  it('healthy -> exit 0, schema-valid report, security skipped for a pg_monitor role', async () => {
    const run = await ksa(diagnose(server.endpoint));
    const r = report(run);
    expect({ code: run.code, status: r.status, exitCode: r.exitCode }).toEqual({ code: 0, status: 'healthy', exitCode: 0 });
    const result = r.results[0]!;
    expect(result.plugin.id).toBe('postgres-diagnostics');
    expect(result.categories.map((c) => c.name)).toEqual(['connection', 'replication', 'locks', 'performance', 'maintenance', 'security']);
    expect(result.categories.find((c) => c.name === 'security')?.skipped).toMatch(/pg_hba_file_rules/);
    expect(run.stdout + run.stderr).not.toContain(MONITOR.password);
  });

  it('the password from PGPASSWORD and a postgres:// URL with database and sslmode', async () => {
    const run = await ksa(['diagnose', 'postgres', `postgres://${MONITOR.username}@${server.endpoint}/postgres?sslmode=disable`, '--json', '--category', 'connection'], { PGPASSWORD: MONITOR.password });
    expect(run.code).toBe(0);
    expect(report(run).results[0]?.categories.map((c) => c.name)).toEqual(['connection']);
  });

  it('a session idle in transaction past an overridden threshold -> exit 1', async () => {
    idle = await server.client();
    await idle.query('BEGIN');
    await idle.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 600));
    const run = await ksa(diagnose(server.endpoint, ['--category', 'connection', '--threshold', 'postgres.connection.idle-in-transaction=0.5']));
    const r = report(run);
    expect({ code: run.code, status: r.status }).toEqual({ code: 1, status: 'warning' });
    expect(r.results[0]?.findings.map((f) => f.id)).toEqual(['postgres.connection.idle-in-transaction']);
    await idle.end();
    idle = undefined;
  });

  it('a standby gone from its physical slot -> exit 2', async () => {
    await server.sql(`SELECT pg_create_physical_replication_slot('standby_b', true)`);
    try {
      const run = await ksa(diagnose(server.endpoint, ['--category', 'replication']));
      const r = report(run);
      expect({ code: run.code, status: r.status }).toEqual({ code: 2, status: 'critical' });
      expect(r.results[0]?.findings[0]).toMatchObject({ id: 'postgres.replication.standby-missing.slot', severity: 'critical' });
    } finally {
      await server.sql(`SELECT pg_drop_replication_slot('standby_b')`);
    }
  });

  it.each([
    { what: 'nothing listening', endpoint: async () => `127.0.0.1:${await freePort()}`, pw: undefined, code: 'KSA_ERR_CONNECT' },
    { what: 'a wrong password', endpoint: async () => server.endpoint, pw: 'not-the-password', code: 'KSA_ERR_AUTH' },
  ])('$what -> exit 3 with $code', async ({ endpoint, pw, code }) => {
    const file = join(dir, 'wrong');
    writeFileSync(file, pw ?? MONITOR.password);
    const run = await ksa(['diagnose', 'postgres', await endpoint(), '--user', MONITOR.username, '--password-file', file, '--json', '--timeout', '5s']);
    const r = report(run);
    expect({ code: run.code, status: r.status }).toEqual({ code: 3, status: 'unknown' });
    expect(r.results[0]?.errors[0]?.code).toBe(code);
    if (pw) expect(run.stdout + run.stderr).not.toContain(pw);
  });
});
