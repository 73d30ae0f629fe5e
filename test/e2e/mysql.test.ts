// `ksa diagnose mysql ... --json` as a user runs it (built CLI, worker isolation) against real
// MariaDB servers: exit code per status, schema-valid JSON, password only from a file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv } from '../support/services.js';
import { createMonitorUser, freePort, startMariaDb, type MariaDb } from '../integration/mysql/mariadb.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const env = loadServicesEnv();
const dir = mkdtempSync(join(tmpdir(), 'ksa-e2e-mysql-'));
const passwordFile = join(dir, 'pw');
let open: MariaDb;

function ksa(...args: string[]) {
  const run = spawnSync(process.execPath, [join(repo, 'bin/ksa.js'), 'diagnose', 'mysql', ...args, '--json', '--timeout', '10s'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: run.status, report: ReportSchema.parse(JSON.parse(run.stdout)), stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  writeFileSync(passwordFile, env.KSA_MYSQL_PASSWORD ?? '', { mode: 0o600 });
  open = await startMariaDb();
  await createMonitorUser(open, 'ksa', env.KSA_MYSQL_PASSWORD ?? '');
  await open.sql(`CREATE USER 'guest'@'%'`);
});

afterAll(async () => {
  await open?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ksa diagnose mysql (CLI, real MariaDB)', () => {
  it('healthy replica: exit 0, schema-valid report, password never printed', () => {
    const { code, report, stdout, stderr } = ksa(`mysql://ksa@${env.KSA_MYSQL_REPLICA}`, '--password-file', passwordFile);
    expect(report.results[0]).toMatchObject({ plugin: { id: 'mysql-diagnostics' }, status: 'healthy', errors: [] });
    expect(report.results[0]?.categories.map((c) => c.name)).toEqual(['connection', 'replication', 'performance', 'innodb', 'security']);
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(env.KSA_MYSQL_PASSWORD);
  });

  it('a threshold override makes it a warning: exit 1', () => {
    const { code, report } = ksa(env.KSA_MYSQL_REPLICA!, '--user', 'ksa', '--password-file', passwordFile, '--category', 'connection', '--threshold', 'mysql.connection.usage=0.5,99');
    expect(report.status).toBe('warning');
    expect(report.results[0]?.findings[0]).toMatchObject({ id: 'mysql.connection.usage', severity: 'warning', threshold: { warning: 0.5 } });
    expect(code).toBe(1);
  });

  it('an account without a password: critical, exit 2', () => {
    const { code, report } = ksa(`127.0.0.1:${open.port}`, '--user', 'ksa', '--password-file', passwordFile, '--category', 'security');
    const finding = report.results[0]?.findings.find((f) => f.id === 'mysql.security.empty-password');
    expect(finding?.detail).toContain("'guest'@'%'");
    expect(report.status).toBe('critical');
    expect(code).toBe(2);
  });

  it('unreachable server: unknown with KSA_ERR_CONNECT, exit 3', async () => {
    const { code, report } = ksa(`127.0.0.1:${await freePort()}`, '--user', 'ksa', '--password-file', passwordFile);
    expect(report.results[0]).toMatchObject({ status: 'unknown', errors: [expect.objectContaining({ code: 'KSA_ERR_CONNECT' })] });
    expect(code).toBe(3);
  });
});
