// ksa serve with serve.tls: HTTPS with the given certificate (a client trusting it gets /healthz
// and /metrics), and nothing in plain HTTP on the same port.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startServe } from '../support/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-tls-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function httpsGet(port: number, path: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('ksa serve over TLS', () => {
  it('serves HTTPS with serve.tls (the client verifies the certificate), and no plain HTTP', async () => {
    const key = join(dir, 'tls.key');
    const cert = join(dir, 'tls.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, fixtureConfig({ ok: 'healthy' }, { tail: ['serve:', `  tls: { certFile: ${cert}, keyFile: ${key} }`] }));
    const serve = await startServe(['--config', file, '--state-dir', join(dir, 'state')]);
    cleanups.push(async () => { serve.kill('SIGKILL'); await serve.exited; });
    expect(serve.stderr()).toMatch(/listening on https:\/\/127\.0\.0\.1:/);
    const ca = readFileSync(cert);
    expect(await httpsGet(serve.port, '/healthz', ca)).toMatchObject({ status: 200 });
    expect((await httpsGet(serve.port, '/metrics', ca)).body).toContain('# TYPE ksa_build_info gauge');
    // A client that does not trust the certificate is refused by its own TLS check.
    await expect(new Promise((resolve, reject) => get({ host: '127.0.0.1', port: serve.port, path: '/healthz' }, resolve).on('error', reject))).rejects.toThrow(/self[- ]signed/);
    // Plain HTTP on the TLS port gets no HTTP answer.
    const plain = await new Promise<string>((resolve) => {
      const r = request({ host: '127.0.0.1', port: serve.port, path: '/healthz' }, (res) => resolve(`HTTP ${res.statusCode}`));
      r.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      r.end();
    });
    expect(plain).not.toBe('HTTP 200');
  });
});
