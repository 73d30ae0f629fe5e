// ksa serve's API action goes through the recovery engine's manual path, as `ksa action --target`:
// on a throwaway Redis watched by `ksa serve --enforce`, POST /api/v1/targets/cache/actions/
// slowlog-reset runs, is listed in `ksa recovery history --target cache` (rule manual, under the
// target's name) and its recovery-started/succeeded events are in the audit log (and in GET
// /api/v1/history); once the slow log fires and a rule's action (a script that sleeps) holds
// `cache`, the same call answers 409 KSA_ERR_ACTION_IN_FLIGHT and the slow log is untouched.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlowlogRedis, type SlowlogRedis } from '../support/slowlog-redis.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-action-'));
const state = join(dir, 'state');
const ADMIN = 'admin-token-5d1e9a3c';
let redis: SlowlogRedis;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  redis = await startSlowlogRedis(dir);
}, 60_000);
afterAll(async () => {
  if (serve) { serve.kill('SIGKILL'); await serve.exited; }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function config(): string {
  writeFileSync(join(dir, 'admin-token'), `${ADMIN}\n`);
  return redis.config(`serve:
  auth:
    tokens:
      - { name: ops, scope: admin, file: ${join(dir, 'admin-token')} }
`, '20s'); // the action's host starts cold: 3 s measured too short under 4 busy loops
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(serve!.url(path), { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

type AuditLine = { kind: string; rule?: string; target?: string; action?: string; path?: string };
const audit = (): AuditLine[] => (existsSync(join(state, 'audit.log')) ? readFileSync(join(state, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine) : []);

describe('ksa serve: POST /api/v1/targets/{name}/actions/{action} through the recovery engine', () => {
  it("recorded like `ksa action --target` (history rule manual, audit), and 409 while the engine's action holds the target", async () => {
    const file = config();
    serve = await startServe(['--config', file, '--state-dir', state, '--enforce'], { KSA_TEST_REDIS_PASSWORD: redis.server.password });
    const reset = () => call('POST', '/api/v1/targets/cache/actions/slowlog-reset', { allowWrite: true });
    // Its first cycle first: the target is watched when the action comes.
    await waitFor('the first cycle of cache', async () => (await call('GET', '/api/v1/targets/cache')).json.last !== undefined, 120_000, 200);

    // Nothing fires yet: the manual action runs, snapshot first, and is recorded under cache.
    const ran = await reset();
    expect(ran.status, JSON.stringify(ran.json)).toBe(200);
    expect(ran.json).toMatchObject({ target: 'cache', action: 'slowlog-reset', ok: true, history: { target: 'cache', rule: 'manual', action: 'redis-diagnostics/slowlog-reset', outcome: 'succeeded', snapshot: expect.stringMatching(/^recovery-snapshots\/\d+-cache-manual-1\.json$/) } });
    // The audit log is written by a durable subscriber, the api-call line after the answer: waited for.
    await waitFor('the manual action and the api-call in the audit log', () => audit().some((e) => e.kind === 'recovery-succeeded' && e.rule === 'manual')
      && audit().some((e) => e.kind === 'api-call' && e.path === '/api/v1/targets/cache/actions/slowlog-reset'), 60_000, 100);
    const manual = audit().filter((e) => e.rule === 'manual').map((e) => [e.kind, e.target, e.action]);
    expect(manual).toEqual([['recovery-started', 'cache', 'redis-diagnostics/slowlog-reset'], ['recovery-succeeded', 'cache', 'redis-diagnostics/slowlog-reset']]);
    const history = await call('GET', '/api/v1/history?kind=recovery');
    expect(JSON.stringify(history.json)).toContain('"rule":"manual"');
    const listed = await spawnKsa(['recovery', 'history', '--state-dir', state, '--target', 'cache'], {}, /^KSA_/);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/ cache manual redis-diagnostics\/slowlog-reset attempt 1: succeeded/);

    // The slow log fires: the rule's action starts and holds cache (it sleeps).
    await redis.slowEval();
    expect(await redis.evalEntries()).toBe(1);
    await waitFor('the engine to run its action on cache', () => redis.pids().length === 1, 180_000, 200); // 90 s measured to the first action on a starved machine
    const refused = await reset();
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('KSA_ERR_ACTION_IN_FLIGHT');
    expect(refused.json.error.message).toMatch(/^an action is in flight on cache \(hold-the-target, since \d{4}-\d\d-\d\dT[\d:.]+Z\): wait for it/);
    expect(await redis.evalEntries()).toBe(1); // the slow log untouched: the action did not run
    await waitFor("the rule's start in the audit log", () => audit().some((e) => e.kind === 'recovery-started' && e.rule === 'hold-the-target'), 60_000, 100);
    expect(audit().filter((e) => e.kind === 'recovery-started').map((e) => e.rule)).toEqual(['manual', 'hold-the-target']);
    expect(JSON.stringify(audit())).not.toContain(redis.server.password);
  }, 300_000);
});
