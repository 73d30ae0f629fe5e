// Recovery with a built-in plugin's mutating action, on a throwaway PostgreSQL (statements
// logged): one session holds a lock, another waits for it. Dry-run: the plan names the blocker's
// pid and the server log shows no pg_terminate_backend. Enforced: terminate-backend of exactly
// the blocker's pid (from the finding's evidence), the waiting query completes, an innocent
// session lives on, and the re-diagnosis finds the lock resolved (recovery-succeeded).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type Throwaway } from '../reliability/support/throwaway-servers.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-pg-'));
let server: Throwaway;
const clients: pg.Client[] = [];
const watches: WatchProcess[] = [];

async function session(): Promise<{ client: pg.Client; pid: number }> {
  const [host, port] = server.address.split(':');
  const client = new pg.Client({ host, port: Number(port), user: server.user, password: server.password, database: 'postgres' });
  client.on('error', () => undefined); // the terminated one
  await client.connect();
  clients.push(client);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const w of watches) { w.kill('SIGKILL'); await w.exited; }
  for (const c of clients) await c.end().catch(() => undefined);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const LOCK_RULE = `    - name: end-lock-blocker
      match: {finding: postgres.locks.blocked, target: orders}
      action: {plugin: postgres-diagnostics, name: terminate-backend, params: {pid: "{{finding.evidence.blockers.0.pid}}"}}`;

function config(target = '    categories: [locks]', rule = LOCK_RULE): string {
  const file = join(dir, 'ksa.yaml');
  writeFileSync(file, `defaults: {interval: 400ms, timeout: 3s}
targets:
  - name: orders
    type: postgres
    endpoints: ["${server.address}"]
    auth: {username: ${server.user}, passwordEnv: KSA_TEST_PG_PASSWORD}
${target}
recovery:
  defaults: {settle: 300ms, verifyFor: 5s}
  rules:
${rule}
`);
  return file;
}

function watch(state: string, extra: string[], file = config()): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', state, '--output', 'json', ...extra], { KSA_TEST_PG_PASSWORD: server.password });
  watches.push(w);
  return w;
}

const alive = async (probe: pg.Client, pid: number) => (await probe.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;

describe('recovery with postgres terminate-backend', () => {
  it('dry-run names the blocker and runs nothing; --enforce ends exactly the blocker, the waiter proceeds, verified resolved', async () => {
    const probe = (await session()).client;
    await probe.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 100)');
    const blocker = await session();
    const waiter = await session();
    const innocent = await session();
    await blocker.client.query('BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
    let waited: 'done' | 'failed' | undefined;
    void waiter.client.query('SELECT balance FROM accounts WHERE id = 1').then(() => { waited = 'done'; }, () => { waited = 'failed'; });
    await waitFor('the waiter to block', async () => (await probe.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [waiter.pid])).rowCount === 1);
    server.logSince();

    const dry = watch(join(dir, 'state-dry'), []);
    const planned = await dry.next('recovery-planned', (e) => e.kind === 'recovery-planned', 20_000);
    expect(planned).toMatchObject({ dryRun: true, rule: 'end-lock-blocker', action: 'postgres-diagnostics/terminate-backend', params: { pid: blocker.pid } });
    await new Promise((r) => setTimeout(r, 1500));
    dry.kill('SIGTERM');
    await dry.exited;
    expect(dry.events.filter((e) => e.kind === 'recovery-started')).toEqual([]);
    expect(server.logSince()).not.toMatch(/pg_terminate_backend/); // the server's own statement log: nothing was sent
    expect(await alive(probe, blocker.pid)).toBe(true);

    const enforced = watch(join(dir, 'state-enforce'), ['--enforce']);
    const started = await enforced.next('recovery-started', (e) => e.kind === 'recovery-started', 20_000);
    expect(started).toMatchObject({ params: { pid: blocker.pid }, mutating: true });
    const ok = await enforced.next('recovery-succeeded', (e) => e.kind === 'recovery-succeeded', 20_000);
    expect(ok).toMatchObject({ rule: 'end-lock-blocker', attempt: 1, outcome: { ok: true } });
    await waitFor('the waiting query to complete', () => waited !== undefined);
    expect(waited).toBe('done');
    expect(await alive(probe, blocker.pid)).toBe(false);
    expect(await alive(probe, innocent.pid)).toBe(true);
    const terminations = [...server.logSince().matchAll(/pg_terminate_backend\((\d+)\)/g)].map((m) => Number(m[1]));
    expect(terminations).toEqual([blocker.pid]);
    await enforced.next('the finding resolved', (e) => e.kind === 'finding' && e.to === 'resolved' && e.finding?.id === 'postgres.locks.blocked', 10_000);

    // ksa action is the manual front door of the same path: refused while the watcher holds the state dir...
    const action = (pid: number) => spawnKsa(['action', 'postgres', 'terminate-backend', server.address, '-u', server.user, '--password-env', 'KSA_TEST_PG_PASSWORD',
      '--param', `pid=${pid}`, '--allow-write', '--state-dir', join(dir, 'state-enforce'), '--json'], { KSA_TEST_PG_PASSWORD: server.password }, /^KSA_/);
    const locked = await action(innocent.pid);
    expect(locked.code).toBe(3);
    expect(locked.stderr).toMatch(/KSA_ERR_STATE_LOCKED/);
    expect(await alive(probe, innocent.pid)).toBe(true);
    enforced.kill('SIGTERM');
    expect((await enforced.exited).code).toBe(0);
    // ...and once it stopped: snapshot, the action, an entry in the history and the audit log (rule manual).
    const manual = await action(innocent.pid);
    expect(manual.code, manual.stderr).toBe(0);
    expect(await alive(probe, innocent.pid)).toBe(false);
    const history = await spawnKsa(['recovery', 'history', '--state-dir', join(dir, 'state-enforce'), '--json'], {}, /^KSA_/);
    const entries = (JSON.parse(history.stdout) as { entries: Array<{ rule: string; outcome: string; params: { pid: number }; snapshot?: string }> }).entries;
    expect(entries.map((e) => [e.rule, e.outcome, e.params.pid])).toEqual([['end-lock-blocker', 'succeeded', blocker.pid], ['manual', 'succeeded', innocent.pid]]);
    expect(entries[1]!.snapshot).toMatch(/^recovery-snapshots\/\d+-127\.0\.0\.1_\d+-manual-1\.json$/); // the target as named on the command line
    const audit = readFileSync(join(dir, 'state-enforce', 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; rule?: string });
    expect(audit.filter((e) => e.rule === 'manual').map((e) => e.kind)).toEqual(['recovery-started', 'recovery-succeeded']);
    expect(JSON.stringify(audit)).not.toContain(server.password);
  });

  it("a session idle in transaction longer than the rule's threshold: terminate-backend of exactly that pid, verified resolved", async () => {
    const probe = (await session()).client;
    const stale = await session();
    const idle = await session(); // idle, not in a transaction: not in the finding
    await stale.client.query('BEGIN; SELECT 1');
    await new Promise((r) => setTimeout(r, 2500)); // older than the 2 s threshold below
    const file = config('    categories: [connection]\n    thresholds: {postgres.connection.idle-in-transaction: {warning: 2}}', `    - name: end-idle-in-transaction
      match: {finding: postgres.connection.idle-in-transaction}
      action: {plugin: postgres-diagnostics, name: terminate-backend, params: {pid: "{{finding.evidence.sessions.0.pid}}"}}`);
    server.logSince();
    const w = watch(join(dir, 'state-idle'), ['--enforce'], file);
    const started = await w.next('recovery-started', (e) => e.kind === 'recovery-started', 20_000);
    expect(started).toMatchObject({ rule: 'end-idle-in-transaction', params: { pid: stale.pid } });
    expect(await w.next('recovery-succeeded', (e) => e.kind === 'recovery-succeeded', 20_000)).toMatchObject({ attempt: 1 });
    expect(await alive(probe, stale.pid)).toBe(false);
    expect(await alive(probe, idle.pid)).toBe(true);
    expect([...server.logSince().matchAll(/pg_terminate_backend\((\d+)\)/g)].map((m) => Number(m[1]))).toEqual([stale.pid]);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  });
});
