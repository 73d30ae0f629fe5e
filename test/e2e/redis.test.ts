// `ksa diagnose redis` spawned as a user runs it (built dist/), against redis-server processes
// started here: the JSON report validates, the exit code follows the status (0 healthy, 1 warning,
// 2 critical, 3 unknown), secrets never reach the output, the mutating action needs --allow-write.
// Needs `npm run build`.
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import type { Report } from '../../src/core/types.js';
import { startCluster, startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { waitFor } from '../support/wait-for.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'e2e-Secret-pw-5150';

type Run = KsaRun;

const ksa = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> => spawnKsa(args, env, /^(KSA_|REDISCLI_AUTH$)/);

const report = (run: Run): Report => ReportSchema.parse(JSON.parse(run.stdout));
const servers: RedisProcess[] = [];
let secured: RedisProcess;
let open: RedisProcess;
let pwFile: string;

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/plugins/redis/index.js')) || !existsSync(join(repo, 'dist/src/cli/main.js'))) {
    throw new Error('ksa is not built: run `npm run build`');
  }
  [secured, open] = await Promise.all([
    startRedis({ password: PASSWORD, args: ['--maxmemory', '64mb', '--latency-monitor-threshold', '100', '--save', '3600 1'] }),
    startRedis({ args: ['--save', '3600 1', '--enable-protected-configs', 'yes'] }),
  ]);
  servers.push(secured, open);
  pwFile = join(secured.dir, 'pw');
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
});
afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); });

describe('ksa diagnose redis (spawned CLI)', () => {
  it('healthy (password from --password-file) -> exit 0, schema-valid report, no secret in the output', async () => {
    const run = await ksa(['diagnose', 'redis', secured.endpoint, '--password-file', pwFile, '--json']);
    expect(run.stderr).toBe('');
    const r = report(run);
    expect(r).toMatchObject({ status: 'healthy', exitCode: 0 });
    expect(r.results[0]).toMatchObject({ plugin: { id: 'redis-diagnostics' }, target: { type: 'redis', endpoints: [secured.endpoint] }, errors: [] });
    expect(r.results[0]!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('redis://user@host:port/0 URL, REDISCLI_AUTH-style env var, one category', async () => {
    const run = await ksa(['diagnose', 'redis', `redis://default@${secured.endpoint}/0`, '--password-env', 'REDISCLI_AUTH', '--category', 'memory', '--json'], { REDISCLI_AUTH: PASSWORD });
    const r = report(run);
    expect(r.results[0]!.categories.map((c) => c.name)).toEqual(['memory']);
    expect(r.results[0]!.metrics.used_memory).toBeGreaterThan(0);
    expect(run.code).toBe(0);
  });

  it('no password -> exit 1 with redis.security.no-auth', async () => {
    const run = await ksa(['diagnose', 'redis', open.endpoint, '--json']);
    const r = report(run);
    expect(r.results[0]!.findings.find((f) => f.id === 'redis.security.no-auth')).toMatchObject({ severity: 'warning' });
    expect(r).toMatchObject({ status: 'warning', exitCode: 1 });
    expect(run.code).toBe(1);
  });

  it('failed bgsave -> exit 2 with redis.persistence.rdb-status critical', async () => {
    const gone = join(open.dir, 'gone');
    mkdirSync(gone);
    open.cli('CONFIG', 'SET', 'dir', gone);
    rmdirSync(gone);
    open.cli('BGSAVE');
    await waitFor('bgsave error', () => /rdb_last_bgsave_status:err/.test(open.cli('INFO', 'persistence')));
    const run = await ksa(['diagnose', 'redis', open.endpoint, '--category', 'persistence', '--json']);
    const r = report(run);
    expect(r.results[0]!.findings[0]).toMatchObject({ id: 'redis.persistence.rdb-status', severity: 'critical' });
    expect(run.code).toBe(2);
  });

  it('wrong password -> exit 3, KSA_ERR_AUTH, the password not echoed', async () => {
    const run = await ksa(['diagnose', 'redis', secured.endpoint, '--json'], { REDISCLI_AUTH: 'not-the-pw-777' });
    const r = report(run);
    expect(r.results[0]).toMatchObject({ status: 'unknown', errors: [{ code: 'KSA_ERR_AUTH' }] });
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).not.toContain('not-the-pw-777');
  });

  it('nothing listening -> exit 3, KSA_ERR_CONNECT, within the deadline', async () => {
    const t0 = Date.now();
    const run = await ksa(['diagnose', 'redis', '127.0.0.1:1', '--json', '--timeout', '3s']);
    expect(report(run).results[0]).toMatchObject({ status: 'unknown', errors: [{ code: 'KSA_ERR_CONNECT' }] });
    expect(run.code).toBe(3);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('slowlog-reset is refused without --allow-write and runs with it', async () => {
    const refused = await ksa(['action', 'redis', 'slowlog-reset', secured.endpoint, '--password-file', pwFile]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('KSA_ERR_WRITE_NOT_ALLOWED');
    const done = await ksa(['action', 'redis', 'slowlog-reset', secured.endpoint, '--password-file', pwFile, '--allow-write']);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
  });

  it('a cluster seed -> every node diagnosed, findings per node', async () => {
    const nodes = await startCluster(3);
    servers.push(...nodes);
    const run = await ksa(['diagnose', 'redis', nodes[0]!.endpoint, '--category', 'cluster,memory', '--json']);
    const r = report(run);
    expect(r.results[0]!.metrics).toMatchObject({ mode: 'cluster', nodes: 3, nodes_reachable: 3 });
    expect(r.results[0]!.categories.find((c) => c.name === 'cluster')).toMatchObject({ status: 'healthy' });
    expect(run.code).toBe(0);
  });
});
