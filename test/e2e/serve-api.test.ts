// ksa serve's management API (/api/v1) and status page: every route documented in the OpenAPI
// document and every documented operation answering; bearer tokens (401 without or with a wrong
// one, 403 for a read token on a write call, constant-time compare in bearer-auth.ts), every
// write call in the audit log; oversized bodies (413) and slow clients (cut off) bounded; no
// secret in any answer; enable/disable persisted across a kill -9; the SSE stream carrying
// schema-valid events; a diagnosis and an action on demand; the status page in headless Chromium.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVE_ROUTES } from '../../src/serve/serve-routes.js';
import { WatchEventSchema } from '../../src/watch/events.js';
import { ReportSchema } from '../../src/core/schemas.js';
import { fixtureConfig, startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-api-'));
const stateDir = join(dir, 'state');
const file = join(dir, 'ksa.yaml');
const READ = 'read-token-4f1c2a9e';
const ADMIN = 'admin-token-8b7d6c5e';
const PASSWORD = 'pw-7e3a9c1d5b';
// A plugin home of its own: the install test must not touch the user's (~/.ksa/plugins).
const env = { KSA_TEST_READ_TOKEN: READ, KSA_TEST_TARGET_PASSWORD: PASSWORD, KSA_PLUGIN_DIR: join(dir, 'plugin-home'), npm_config_offline: 'true', npm_config_update_notifier: 'false' };
const cleanups: Array<() => Promise<unknown> | void> = [];
let serve: ServeProcess;

async function start(): Promise<ServeProcess> {
  const s = await startServe(['--config', file, '--state-dir', stateDir], env);
  cleanups.push(async () => { s.kill('SIGKILL'); await s.exited; });
  return s;
}

beforeAll(async () => {
  writeFileSync(join(dir, 'admin-token'), `${ADMIN}\n`);
  // The fixture echoes the target's password into its finding's detail: what must never come out.
  writeFileSync(file, fixtureConfig({ ok: 'healthy', crit: 'critical' }, {
    perTarget: { crit: ['auth: { password: "${KSA_TEST_TARGET_PASSWORD}" }'] },
    tail: ['serve:', '  headersTimeout: 1s', '  maxBodyBytes: 2048', '  auth:', '    tokens:',
      '      - { name: dash, scope: read, env: KSA_TEST_READ_TOKEN }', `      - { name: ops, scope: admin, file: ${join(dir, 'admin-token')} }`],
  }));
  serve = await start();
  await waitFor('both targets diagnosed', async () => JSON.parse(await (await fetch(serve.url('/readyz'))).text()).diagnosed === 2, 15_000, 100);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: string; json: any }> {
  const res = await fetch(serve.url(path), { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: res.status, body: text, json: parsed };
}

function auditLines(): Array<Record<string, unknown>> {
  return readFileSync(join(stateDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('ksa serve: the management API', () => {
  it('every /api/v1 route is in the OpenAPI document, and every documented operation answers (no 404 route-missing, no 405)', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json', undefined)).json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const routed = SERVE_ROUTES.filter((r) => r.path.startsWith('/api/v1')).map((r) => `${r.method} ${r.path}`).sort();
    expect(documented).toEqual(routed);
    const fill: Record<string, string> = { id: 'fixture-diagnostics', name: 'ok', action: 'ping' };
    // Disabling last: the operations after it would only meet an empty schedule.
    const ordered = [...documented.filter((o) => !o.endsWith('/disable')), ...documented.filter((o) => o.endsWith('/disable'))];
    for (const op of ordered) {
      const [method, template] = op.split(' ') as [string, string];
      if (template === '/api/v1/events') continue; // a stream: answered below
      const path = template.replace(/\{(\w+)\}/g, (_m, k: string) => fill[k]!) + (template === '/api/v1/history' ? '?kind=finding' : '');
      // Install/uninstall of a name that is not a package: a refusal of the installer, not a missing route.
      const body = template === '/api/v1/plugins' && method === 'POST' ? { spec: join(dir, 'no-such-plugin') } : method === 'POST' ? {} : undefined;
      const r = await call(method, path, ADMIN, body);
      expect(r.status, `${op}: ${r.body.slice(0, 300)}`).not.toBe(405);
      expect(r.json?.error?.code, `${op}: ${r.body.slice(0, 300)}`).not.toBe('not_found');
      expect(r.status, `${op}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
    }
    expect((await call('POST', '/api/v1/plugins/fixture-diagnostics/enable', ADMIN, {})).json).toMatchObject({ enabled: true, changed: true });
    await waitFor('crit and ok diagnosed again', async () => JSON.parse(await (await fetch(serve.url('/readyz'))).text()).diagnosed === 2, 15_000, 100);
  });

  it('bearer tokens: none or a wrong one 401 (with WWW-Authenticate), a read token on a write call 403; both refusals and the admin write are in the audit log, never the token', async () => {
    const since = new Date().toISOString();
    const none = await fetch(serve.url('/api/v1/targets'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call('GET', '/api/v1/targets', 'wrong-token')).status).toBe(401);
    expect((await call('GET', '/api/v1/targets', READ)).status).toBe(200);
    expect((await call('GET', '/api/v1/targets', ADMIN)).status).toBe(200);
    const forbidden = await call('POST', '/api/v1/plugins/fixture-diagnostics/disable', READ, {});
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.message).toMatch(/scope read; this call needs admin/);
    expect((await call('POST', '/api/v1/targets/ok/diagnose', undefined, {})).status).toBe(401);
    const ok = await call('POST', '/api/v1/targets/ok/diagnose', ADMIN, {});
    expect(ok.status).toBe(200);
    // The audit log is written by a durable subscriber, after the answer: wait for each line this test made.
    const mine = () => auditLines().filter((l) => l.kind === 'api-call' && String(l.at) >= since);
    await waitFor('the api-call audit lines', () => {
      const lines = mine();
      return [401, 200].every((status) => lines.some((l) => l.path === '/api/v1/targets/ok/diagnose' && l.status === status))
        && lines.some((l) => l.path === '/api/v1/plugins/fixture-diagnostics/disable' && l.status === 403);
    }, 5000);
    const calls = mine();
    expect(calls.find((l) => l.path === '/api/v1/plugins/fixture-diagnostics/disable' && l.status === 403)).toMatchObject({ caller: 'anonymous', method: 'POST' });
    expect(calls.find((l) => l.path === '/api/v1/targets/ok/diagnose' && l.status === 200)).toMatchObject({ caller: 'ops', scope: 'admin', target: 'ok' });
    expect(calls.find((l) => l.path === '/api/v1/targets/ok/diagnose' && l.status === 401)).toBeDefined();
    const log = readFileSync(join(stateDir, 'audit.log'), 'utf8');
    expect(log).not.toContain(ADMIN);
    expect(log).not.toContain(READ);
    expect(calls.some((l) => l.method === 'GET')).toBe(false); // read calls are not audited
  });

  it('a target: its state, its last result as a schemaVersion 1 report; a diagnosis on demand; actions (mutating refused without allowWrite)', async () => {
    const list = (await call('GET', '/api/v1/targets', READ)).json as { targets: Array<{ name: string; state: string; findings: Array<{ id: string; state: string }> }> };
    expect(list.targets.map((t) => t.name).sort()).toEqual(['crit', 'ok']);
    expect(list.targets.find((t) => t.name === 'crit')!.findings).toEqual([expect.objectContaining({ id: 'fixture.alpha.level', state: 'firing', severity: 'critical' })]);
    const result = await call('GET', '/api/v1/targets/crit/result', READ);
    expect(ReportSchema.parse(result.json)).toMatchObject({ schemaVersion: 1, status: 'critical', exitCode: 2 });
    const diagnosed = await call('POST', '/api/v1/targets/crit/diagnose', ADMIN, {});
    expect(ReportSchema.parse(diagnosed.json).results[0]!.target.name).toBe('crit');
    expect((await call('GET', '/api/v1/targets/nope', READ)).status).toBe(404);
    const ping = await call('POST', '/api/v1/targets/ok/actions/ping', ADMIN, {});
    // Through the manual path on the loop's state dir (no recovery: section): recorded under the target's name.
    expect(ping).toMatchObject({ status: 200, json: { ok: true, detail: 'pong', history: { target: 'ok', rule: 'manual', action: 'fixture-diagnostics/ping', outcome: 'succeeded' } } });
    const reset = await call('POST', '/api/v1/targets/ok/actions/reset', ADMIN, {});
    expect(reset.status).toBe(403);
    expect(reset.json.error.code).toBe('KSA_ERR_WRITE_NOT_ALLOWED');
    expect((await call('POST', '/api/v1/targets/ok/actions/reset', ADMIN, { allowWrite: true })).json).toMatchObject({ ok: true, detail: 'reset done' });
    expect((await call('POST', '/api/v1/targets/ok/actions/nope', ADMIN, {})).status).toBe(404);
  });

  it('no secret in any answer: the target password (echoed by the fixture into its finding) and the tokens are *** everywhere', async () => {
    const answers = await Promise.all([
      call('GET', '/api/v1/config', READ), call('GET', '/api/v1/targets/crit/result', READ), call('GET', '/api/v1/targets/crit', READ),
      call('GET', '/api/v1/history?kind=finding', READ), call('GET', '/metrics', undefined), call('GET', '/', undefined), call('GET', '/probe?target=crit', undefined),
    ]);
    for (const a of answers) {
      expect(a.body).not.toContain(PASSWORD);
      expect(a.body).not.toContain(READ);
      expect(a.body).not.toContain(ADMIN);
    }
    const config = answers[0]!.json as { targets: Array<{ name: string; auth?: { password?: string } }>; serve: { auth: { tokens: Array<{ name: string }> } } };
    expect(config.targets.find((t) => t.name === 'crit')!.auth!.password).toBe('***');
    expect(answers[1]!.body).toContain('secret is ***'); // the fixture did echo it: redacted, not absent
  });

  it('oversized bodies are refused with 413; a client that never finishes its headers is cut off after serve.headersTimeout', async () => {
    const big = await call('POST', '/api/v1/targets/ok/actions/ping', ADMIN, JSON.stringify({ params: { x: 'y'.repeat(5000) } }));
    expect(big.status).toBe(413);
    const t0 = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(serve.port, '127.0.0.1', () => socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n')); // never the blank line
      socket.on('data', () => undefined);
      socket.once('close', () => resolve(Date.now() - t0));
      socket.on('error', () => undefined);
    });
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(5000); // 1 s headersTimeout, checked every 0.5 s, on a loaded machine
    expect((await call('GET', '/healthz', undefined)).status).toBe(200); // the server goes on
  });

  it('the event stream (SSE) carries events valid against `ksa schema events`, filtered by kind', async () => {
    const controller = new AbortController();
    const res = await fetch(serve.url('/api/v1/events?kinds=api-call'), { headers: { authorization: `Bearer ${READ}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let buffer = '';
    const events: unknown[] = [];
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += Buffer.from(value).toString();
        for (const m of buffer.matchAll(/^data: (.*)$/gm)) events.push(JSON.parse(m[1]!));
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    })().catch(() => undefined);
    await call('POST', '/api/v1/targets/ok/diagnose', ADMIN, {});
    await waitFor('an api-call event on the stream', () => events.length > 0, 5000);
    controller.abort();
    await reading;
    const event = WatchEventSchema.parse(events[0]);
    expect(event).toMatchObject({ kind: 'api-call', path: '/api/v1/targets/ok/diagnose', caller: 'ops' });
    expect(events.every((e) => (e as { kind: string }).kind === 'api-call')).toBe(true);
    expect((await call('GET', '/api/v1/events?kinds=nope', READ)).status).toBe(400);
  });

  it('disable a plugin: its targets leave the schedule and /probe; kept across a kill -9 and restart; enable brings them back', async () => {
    const off = await call('POST', '/api/v1/plugins/fixture-diagnostics/disable', ADMIN, {});
    expect(off.json).toMatchObject({ plugin: 'fixture-diagnostics', enabled: false, targets: [] });
    expect((await call('GET', '/api/v1/targets', READ)).json.targets).toEqual([]);
    expect((await call('GET', '/probe?target=ok', undefined)).status).toBe(404);
    serve.kill('SIGKILL');
    await serve.exited;
    serve = await start();
    const plugins = (await call('GET', '/api/v1/plugins', READ)).json as { plugins: Array<{ id: string; enabled: boolean }> };
    expect(plugins.plugins.find((p) => p.id === 'fixture-diagnostics')!.enabled).toBe(false);
    expect((await call('GET', '/api/v1/targets', READ)).json.targets).toEqual([]);
    const on = await call('POST', '/api/v1/plugins/fixture-diagnostics/enable', ADMIN, {});
    expect(on.json).toMatchObject({ enabled: true, changed: true });
    expect((on.json as { targets: string[] }).targets.sort()).toEqual(['crit', 'ok']);
    const info = await call('GET', '/api/v1/plugins/fixture-diagnostics', READ);
    expect(info.json).toMatchObject({ id: 'fixture-diagnostics', enabled: true, thresholds: [expect.objectContaining({ id: 'fixture.alpha.level', warning: 70, critical: 90 })] });
  });

  it('install and uninstall a plugin package through the API (the CLI installer and lock file): the loop reloads on it, and without it', async () => {
    const source = join(dir, 'hello-plugin');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'package.json'), JSON.stringify({
      name: 'hello-diagnostics', version: '1.0.0', type: 'module', peerDependencies: { '@kubestack/ksa': '>=0.1.0' },
      ksa: { id: 'hello-diagnostics', name: 'hello', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'hello', defaultPort: 1, entry: './index.js', capabilities: ['diagnose'], categories: ['alpha'], checks: ['hello.alpha.ok'], operations: ['NOOP'] },
    }));
    writeFileSync(join(source, 'index.js'), [
      "import { defineCheck, defineMiddlewarePlugin } from '@kubestack/ksa/sdk';",
      "export default defineMiddlewarePlugin({ info: { id: 'hello-diagnostics', version: '1.0.0', middleware: 'hello' }, categories: ['alpha'],",
      "  async connect() { return {}; }, async collect() { return { data: {} }; }, checks: [defineCheck({ id: 'hello.alpha.ok', category: 'alpha', run: () => null })] });", '',
    ].join('\n'));
    const installed = await call('POST', '/api/v1/plugins', ADMIN, { spec: source });
    expect(installed.status, installed.body).toBe(201);
    expect(installed.json).toMatchObject({ plugin: 'hello-diagnostics', version: '1.0.0' });
    const ids = async () => ((await call('GET', '/api/v1/plugins', READ)).json as { plugins: Array<{ id: string }> }).plugins.map((p) => p.id);
    expect(await ids()).toContain('hello-diagnostics');
    expect((await call('GET', '/api/v1/targets', READ)).json.targets.map((t: { name: string }) => t.name).sort()).toEqual(['crit', 'ok']); // the loop runs on
    const removed = await call('DELETE', '/api/v1/plugins/hello-diagnostics', ADMIN);
    expect(removed.status, removed.body).toBe(200);
    expect(await ids()).not.toContain('hello-diagnostics');
    await waitFor('the install and uninstall in the audit log', () => auditLines().filter((l) => l.kind === 'api-call' && String(l.detail).includes('hello-diagnostics')).length === 2, 5000);
  });

  it('the status page renders in headless Chromium: the targets, their state and top finding, and it refreshes itself', async () => {
    await waitFor('crit diagnosed again', async () => (await call('GET', '/api/v1/targets/crit', READ)).json?.last !== undefined, 10_000, 100);
    const page = await call('GET', '/', undefined);
    expect(page.body).toMatch(/<meta http-equiv="refresh" content="10">/);
    const chromium = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', serve.url('/')], { encoding: 'utf8', timeout: 30_000 });
    expect(chromium.error, 'chromium is installed by scripts/services.sh').toBeUndefined();
    const dom = chromium.stdout;
    expect(dom).toContain('<h1>ksa serve</h1>');
    expect(dom).toMatch(/<code>crit<\/code>.*?firing critical<\/span> <code>fixture\.alpha\.level<\/code>/s);
    expect(dom).toMatch(/<code>ok<\/code><\/td><td>fixture<\/td><td class="state">ok/);
    expect(dom).not.toContain(PASSWORD);
  });
});
