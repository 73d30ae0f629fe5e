// The exact operation allowlist through the real CLI: an entry admits a whole command (`stats`
// does not admit `stats reset`), and a SELECT that calls pg_terminate_backend is refused at the
// guard during a diagnosis, while the action that declares the function may call it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const STATS_FIXTURE = './test/fixtures/plugins/stats-fixture';
const SQL_FIXTURE = './test/fixtures/plugins/sql-fixture';
const ksa = (args: string[]) => spawnKsa(args, {}, /^(KSA_|PGPASSWORD$|REDISCLI_AUTH$|MYSQL_PWD$)/);

/** A memcached-style text server that records every line it receives. */
async function startStatsServer(): Promise<{ port: number; lines: string[]; close(): Promise<void> }> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    let buffer = '';
    s.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        s.write(line === 'stats reset' ? 'RESET\r\n' : 'STAT pid 1\r\nSTAT curr_items 3\r\nEND\r\n');
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    lines,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

describe('exact entries: declaring `stats` does not admit `stats reset`', () => {
  let server: Awaited<ReturnType<typeof startStatsServer>>;
  beforeAll(async () => { server = await startStatsServer(); });
  afterAll(async () => { await server?.close(); });

  it('`stats` and `stats settings` (both declared) run', async () => {
    server.lines.length = 0;
    const run = await ksa(['--plugin', STATS_FIXTURE, 'diagnose', 'statsd', `127.0.0.1:${server.port}`, '--option', 'behavior=read', '--json']);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.results[0]).toMatchObject({ status: 'healthy', errors: [] });
    expect(run.code).toBe(0);
    expect(server.lines).toEqual(['stats', 'stats settings']);
  });

  it('`stats reset` is refused at the guard with KSA_ERR_OPERATION_DENIED: the server never receives it', async () => {
    server.lines.length = 0;
    const run = await ksa(['--plugin', STATS_FIXTURE, 'diagnose', 'statsd', `127.0.0.1:${server.port}`, '--option', 'behavior=reset', '--json']);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.results[0]?.status).toBe('unknown');
    expect(report.results[0]?.errors).toEqual([expect.objectContaining({
      code: 'KSA_ERR_OPERATION_DENIED',
      message: expect.stringContaining('stats-diagnostics tried STATS RESET, which its manifest does not declare'),
    })]);
    expect(run.code).toBe(3);
    expect(server.lines).toEqual(['stats']);
  });

  it('the action that declares `stats reset` may send it (with --allow-write)', async () => {
    server.lines.length = 0;
    const run = await ksa(['--plugin', STATS_FIXTURE, 'action', 'statsd', 'reset', `127.0.0.1:${server.port}`, '--allow-write', '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(server.lines).toEqual(['stats reset']);
  });
});

describe('SQL: a side-effect function is refused in a diagnosis, admitted in its action (real PostgreSQL)', () => {
  const env = loadServicesEnv();
  const endpoint = env.KSA_PG_PRIMARY!;
  const user = env.KSA_PG_USER!;
  let dir: string;
  let passwordFile: string;
  const victims: pg.Client[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ksa-allowlist-'));
    passwordFile = join(dir, 'pw');
    writeFileSync(passwordFile, env.KSA_PG_PASSWORD ?? '', { mode: 0o600 });
  });
  afterAll(async () => {
    await Promise.all(victims.map((v) => v.end().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A session of the same role as ksa's (so ksa may signal it), and its pid. */
  async function victim(): Promise<{ client: pg.Client; pid: number; alive(): Promise<boolean> }> {
    const [host, port] = endpoint.split(':');
    const client = new pg.Client({ host, port: Number(port), user, password: env.KSA_PG_PASSWORD, database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    victims.push(client);
    const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    return { client, pid, alive: () => client.query('SELECT 1').then(() => true, () => false) };
  }

  const auth = () => ['-u', user, '--password-file', passwordFile];

  it.each(['plain', 'qualified', 'quoted', 'unicode', 'comment'])('diagnosis calling pg_terminate_backend (%s spelling) is refused at the guard; the backend lives', async (spelling) => {
    const v = await victim();
    const run = await ksa(['--plugin', SQL_FIXTURE, 'diagnose', 'sqlfixture', endpoint, ...auth(), '--option', 'behavior=terminate', '--option', `pid=${v.pid}`, '--option', `spelling=${spelling}`, '--json']);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.results[0]?.errors).toEqual([expect.objectContaining({
      code: 'KSA_ERR_OPERATION_DENIED',
      message: expect.stringContaining('called pg_terminate_backend() (it ends another session), which is admitted only while a mutating action that declares it runs'),
    })]);
    expect(run.code).toBe(3);
    expect(await v.alive()).toBe(true);
  });

  it('the same plugin\'s SELECTs run (SELECT is declared)', async () => {
    const run = await ksa(['--plugin', SQL_FIXTURE, 'diagnose', 'sqlfixture', endpoint, ...auth(), '--option', 'behavior=select', '--json']);
    expect(ReportSchema.parse(JSON.parse(run.stdout)).results[0]).toMatchObject({ status: 'healthy', errors: [] });
  });

  it('the fixture\'s mutating action that declares FUNCTION pg_terminate_backend ends a real backend', async () => {
    const v = await victim();
    const run = await ksa(['--plugin', SQL_FIXTURE, 'action', 'sqlfixture', 'end', endpoint, ...auth(), '--param', `pid=${v.pid}`, '--allow-write', '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    await expect.poll(() => v.alive(), { timeout: 5000 }).toBe(false);
  });

  it('built-in: ksa action postgres terminate-backend --allow-write ends a real backend; without --allow-write it is refused', async () => {
    const v = await victim();
    const refused = await ksa(['action', 'postgres', 'terminate-backend', endpoint, ...auth(), '--param', `pid=${v.pid}`, '--json']);
    expect(refused.stdout + refused.stderr).toContain('KSA_ERR_WRITE_NOT_ALLOWED');
    expect(await v.alive()).toBe(true);
    const run = await ksa(['action', 'postgres', 'terminate-backend', endpoint, ...auth(), '--param', `pid=${v.pid}`, '--allow-write', '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, data: { pid: v.pid } });
    await expect.poll(() => v.alive(), { timeout: 5000 }).toBe(false);
  });
});
