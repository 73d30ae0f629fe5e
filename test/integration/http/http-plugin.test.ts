// The http plugin against real local HTTP and HTTPS servers (node:http / node:https, started
// here): status, latency, JSON path, a Jolokia-shaped document, bounded redirects, TLS with a
// self-signed CA (refused without it), a body over the limit, the deadline, and a stopped server.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpPlugin from '../../../plugins/http/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { makeTestCa } from '../../support/test-ca.js';
import type { MiddlewareTargetInput } from '../../../src/core/types.js';

let dir: string;
let plain: Server;
let tls: Server;
let plainUrl: string;
let tlsUrl: string;
const seen: string[] = [];

/** Jolokia's answer to a read of a known and an unknown MBean (the shape of Jolokia 1.x/2.x). */
function jolokia(path: string): { status: number; body: unknown } {
  const mbean = decodeURIComponent(path.split('/')[3] ?? '');
  if (mbean === 'kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions') {
    return { status: 200, body: { request: { mbean, attribute: 'Value', type: 'read' }, value: 3, timestamp: 1733300000, status: 200 } };
  }
  return { status: 200, body: { request: { mbean, type: 'read' }, error_type: 'javax.management.InstanceNotFoundException', error: `javax.management.InstanceNotFoundException : ${mbean}`, status: 404 } };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? '-'}`);
  const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/health') return json(200, { status: 'UP', connectors: { sink: { state: 'RUNNING' }, source: { state: 'FAILED' } } });
  if (url.pathname === '/down') return json(503, { status: 'DOWN' });
  if (url.pathname === '/html') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>login</html>'); return; }
  if (url.pathname.startsWith('/redirect/')) {
    const n = Number(url.pathname.split('/')[2]);
    res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/health' });
    res.end();
    return;
  }
  if (url.pathname === '/slow') { setTimeout(() => json(200, { ok: true }), 300); return; }
  if (url.pathname === '/hang') return; // never answers
  if (url.pathname === '/big') {
    // 4 MiB of JSON, written as fast as the socket takes it.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"pad":"');
    const chunk = 'x'.repeat(64 * 1024);
    let left = 64;
    const more = () => { while (left > 0) { left -= 1; if (!res.write(chunk)) return void res.once('drain', more); } res.end('","value":1}'); };
    more();
    return;
  }
  if (url.pathname.startsWith('/jolokia/read/')) { const j = jolokia(url.pathname); return json(j.status, j.body); }
  json(404, { error: 'not found' });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-http-'));
  const ca = makeTestCa(dir);
  plain = createServer(handle);
  tls = createTlsServer({ key: readFileSync(ca.keyFile), cert: readFileSync(ca.certFile) }, handle);
  plainUrl = `http://127.0.0.1:${await listen(plain)}`;
  tlsUrl = `https://127.0.0.1:${await listen(tls)}`;
}, 30_000);

afterAll(async () => {
  plain?.closeAllConnections();
  tls?.closeAllConnections();
  await Promise.all([plain, tls].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const target = (checks: unknown[], extra: Partial<MiddlewareTargetInput> = {}, url = plainUrl): MiddlewareTargetInput =>
  ({ type: 'http', name: 'svc', endpoints: [url], ...extra, options: { checks, ...(extra.options ?? {}) } });

const ids = (r: { findings: Array<{ id: string; severity: string }> }) => r.findings.map((f) => `${f.id}:${f.severity}`).sort();

describe('http plugin against a real local server', () => {
  it('healthy: 2xx, fast, JSON path equal to the expected text', async () => {
    const { result, snapshot } = await runPlugin(httpPlugin, 'http-diagnostics', target([
      { id: 'up', path: '/health', jsonPath: '$.status', equals: 'UP' },
      { id: 'sink', path: '/health', jsonPath: '$.connectors.sink.state', regex: '^RUNNING$' },
    ]));
    expect(result.status).toBe('healthy');
    expect(result.findings).toEqual([]);
    const probes = (snapshot.data as { probes: Array<{ answer: { status: number; latencyMs: number } }> }).probes;
    expect(probes.map((p) => p.answer.status)).toEqual([200, 200]);
    expect(probes.every((p) => p.answer.latencyMs > 0 && p.answer.latencyMs < 1000)).toBe(true);
  });

  it('status, JSON-path state, regex and not-JSON answers are critical findings with evidence', async () => {
    const { result } = await runPlugin(httpPlugin, 'http-diagnostics', target([
      { id: 'down', path: '/down' },
      { id: 'source', path: '/health', jsonPath: '$.connectors.source.state', equals: 'RUNNING' },
      { id: 'gone', path: '/health', jsonPath: '$.connectors.missing.state' },
      { id: 'text', path: '/html', regex: 'RUNNING' },
      { id: 'api', path: '/html', jsonPath: '$.status' },
    ]));
    expect(result.status).toBe('critical');
    expect(ids(result)).toEqual(['http.content.api:critical', 'http.content.gone:critical', 'http.content.source:critical', 'http.content.text:critical', 'http.status.down:critical']);
    const source = result.findings.find((f) => f.id === 'http.content.source')!;
    expect(source.detail).toContain('"FAILED"');
    expect(result.findings.find((f) => f.id === 'http.status.down')!.observed?.value).toBe(503);
  });

  it('latency against the check\'s own limits: 300 ms answer over a 100 ms warning, under a 5 s critical', async () => {
    const { result } = await runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'slow', path: '/slow', latencyWarning: 100, latencyCritical: 5000 }]));
    expect(ids(result)).toEqual(['http.latency.slow:warning']);
    const f = result.findings[0]!;
    expect(f.observed!.value as number).toBeGreaterThanOrEqual(300);
    expect(f.threshold).toMatchObject({ warning: 100, critical: 5000, source: expect.stringContaining('ksa.yaml check slow') });
  });

  it('a Jolokia-shaped document: $.value judged against the declared limits; an unknown MBean is Jolokia status 404', async () => {
    const { result, snapshot } = await runPlugin(httpPlugin, 'http-diagnostics', target([
      { id: 'urp', mbean: 'kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions', attribute: 'Value', warning: 0, critical: 5, source: 'Kafka docs: UnderReplicatedPartitions 0' },
      { id: 'nope', mbean: 'kafka.server:type=Nope,name=X', attribute: 'Value', critical: 0 },
    ]));
    expect(ids(result)).toEqual(['http.content.nope:critical', 'http.content.urp:warning']);
    const urp = result.findings.find((f) => f.id === 'http.content.urp')!;
    expect(urp.observed?.value).toBe(3);
    expect(urp.threshold).toMatchObject({ warning: 0, critical: 5, source: 'Kafka docs: UnderReplicatedPartitions 0' });
    expect(result.findings.find((f) => f.id === 'http.content.nope')!.detail).toContain('InstanceNotFoundException');
    // The MBean name went on the wire as Jolokia's read path.
    expect((snapshot.data as { probes: Array<{ url: string }> }).probes[0]!.url).toBe(`${plainUrl}/jolokia/read/kafka.server%3Atype%3DReplicaManager%2Cname%3DUnderReplicatedPartitions/Value`);
  });

  it('redirects are followed up to maxRedirects; past it the 302 is the answer', async () => {
    const followed = await runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'r', path: '/redirect/3', jsonPath: '$.status', equals: 'UP' }]));
    expect(followed.result.findings).toEqual([]);
    const probe = (followed.snapshot.data as { probes: Array<{ answer: { redirects: unknown[]; finalUrl: string } }> }).probes[0]!;
    expect(probe.answer.redirects).toHaveLength(3);
    expect(probe.answer.finalUrl).toBe(`${plainUrl}/health`);
    const bounded = await runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'r', path: '/redirect/3' }], { options: { maxRedirects: 2 } }));
    expect(ids(bounded.result)).toEqual(['http.status.r:critical']);
    expect(bounded.result.findings[0]!.observed?.value).toBe(302);
  });

  it('TLS with a self-signed CA: trusted with tls.caFile, KSA_ERR_TLS (unknown) without it', async () => {
    const trusted = await runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'up', path: '/health', jsonPath: '$.status', equals: 'UP' }], { tls: { enabled: true, caFile: join(dir, 'ca.crt') } }, tlsUrl));
    expect(trusted.result.status).toBe('healthy');
    await expect(runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'up', path: '/health' }], {}, tlsUrl))).rejects.toMatchObject({ code: 'KSA_ERR_TLS' });
  });

  it('a body larger than maxResponseBytes is not read on: the assertion is skipped (unknown), never healthy', async () => {
    const started = Date.now();
    const { result, snapshot } = await runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'big', path: '/big', jsonPath: '$.value', critical: 5 }], { options: { maxResponseBytes: 65_536 } }));
    expect(Date.now() - started).toBeLessThan(5000);
    const probe = (snapshot.data as { probes: Array<{ answer: { truncated: boolean; bodyBytes: number } }> }).probes[0]!;
    expect(probe.answer).toMatchObject({ truncated: true, bodyBytes: 65_536 });
    const content = result.categories.find((c) => c.name === 'content')!;
    expect(content.status).toBe('unknown');
    expect(content.skipped).toContain('maxResponseBytes');
  });

  it('a server that never answers: bounded by the deadline with KSA_ERR_TIMEOUT; a stopped one is KSA_ERR_CONNECT', async () => {
    const started = Date.now();
    await expect(runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'h', path: '/hang' }]), { timeoutMs: 800 })).rejects.toMatchObject({ code: 'KSA_ERR_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(runPlugin(httpPlugin, 'http-diagnostics', target([{ id: 'x', path: '/health' }], {}, 'http://127.0.0.1:1'))).rejects.toMatchObject({ code: 'KSA_ERR_CONNECT' });
  });

  it('sends GET only, Basic credentials to the origin; the default check GETs the endpoint itself', async () => {
    seen.length = 0;
    const { result } = await runPlugin(httpPlugin, 'http-diagnostics', { type: 'http', name: 'svc', endpoints: [`${plainUrl}/health`], auth: { username: 'u', password: 'p' } });
    expect(result.status).toBe('healthy');
    expect(seen).toEqual([`GET /health Basic ${Buffer.from('u:p').toString('base64')}`]);
  });
});
