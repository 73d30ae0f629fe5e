// rediss:// against a real TLS redis-server (certificates made here with openssl): CA, client
// certificate and key, servername; certificate problems are KSA_ERR_TLS, not a hang or a crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redisPlugin from '../../../plugins/redis/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import type { MiddlewareTargetInput } from '../../../src/core/types.js';
import { freePort, startRedis, type RedisProcess } from './redis-servers.js';

let dir: string;
let server: RedisProcess;
let port: number;

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-redis-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ksa-test-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:redis.test\n');
  for (const [name, cn, ext] of [['server', 'redis.test', ['-extfile', 'server.ext']], ['client', 'ksa-client', []]] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...ext);
  }
  port = await freePort();
  // Later arguments win: the plain port is turned off, the TLS port requires client certificates.
  server = await startRedis({ args: ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'yes'], tlsPort: port });
}, 30_000);
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tlsTarget = (tls: Record<string, unknown> | undefined): MiddlewareTargetInput => ({
  type: 'redis', name: 'tls', endpoints: [`rediss://127.0.0.1:${port}`], ...(tls ? { tls: { enabled: true, ...tls } } : {}),
});
const files = () => ({ caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key'), servername: 'redis.test' });

describe('redis-diagnostics over TLS', () => {
  it('connects with CA, client certificate and key, and servername; diagnoses normally', async () => {
    const { result } = await runPlugin(redisPlugin, 'redis-diagnostics', tlsTarget(files()), { categories: ['memory', 'security'] });
    expect(result.errors).toEqual([]);
    expect(result.metrics.used_memory).toBeGreaterThan(0);
    expect(result.findings.find((f) => f.id === 'redis.security.no-auth')).toBeDefined();
  });

  it.each([
    ['rediss:// without a CA for a private CA', () => undefined, /self.signed|unable to verify|certificate/i],
    ['a servername the certificate does not name', () => ({ ...files(), servername: 'other.test' }), /altnames|other\.test|Hostname/i],
    ['an unreadable CA file', () => ({ ...files(), caFile: '/nonexistent/ca.pem' }), /cannot read the TLS CA file \/nonexistent\/ca\.pem \(ENOENT\)/],
  ])('%s is KSA_ERR_TLS', async (_name, tls, message) => {
    const err = await runPlugin(redisPlugin, 'redis-diagnostics', tlsTarget(tls()), { timeoutMs: 3000 }).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(err?.code).toBe('KSA_ERR_TLS');
    expect(err?.message).toMatch(message);
  });
});
