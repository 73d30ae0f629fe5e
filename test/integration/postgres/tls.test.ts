// sslmode against a real TLS-enabled PostgreSQL (a throwaway CA signs the server certificate for
// IP 127.0.0.1): each mode connects or fails the way libpq's would.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from '../../../plugins/postgres/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { MONITOR, startPrimary, type PgServer } from './pg-cluster.js';

function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ksa-test-ca');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  execFileSync('sh', ['-c', "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"], { cwd: dir });
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  ssl('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=some-other-ca');
  chmodSync(join(dir, 'server.key'), 0o600);
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
    chownSync(dir, id('-u'), id('-g'));
    chownSync(join(dir, 'server.key'), id('-u'), id('-g'));
  }
}

describe('postgres sslmode against a TLS-enabled server', () => {
  let server: PgServer;
  let certs: string;

  beforeAll(async () => {
    certs = mkdtempSync(join(tmpdir(), 'ksa-pg-tls-'));
    chmodSync(certs, 0o755);
    makeCerts(certs);
    server = await startPrimary({ ssl: 'on', ssl_cert_file: join(certs, 'server.crt'), ssl_key_file: join(certs, 'server.key') });
  });
  afterAll(() => {
    server?.stop();
    server?.remove();
    if (certs) rmSync(certs, { recursive: true, force: true });
  });

  const run = (options: Record<string, unknown>, tls?: Record<string, unknown>) => runPlugin(postgres, 'postgres-diagnostics',
    { type: 'postgres', name: 'tls', endpoints: [server.endpoint], auth: MONITOR, options, ...(tls ? { tls } : {}) }, { categories: ['connection'] });

  it.each([
    { mode: 'prefer (the default)', options: {}, tls: undefined, ssl: true },
    { mode: 'require', options: { sslmode: 'require' }, tls: undefined, ssl: true },
    { mode: 'disable', options: { sslmode: 'disable' }, tls: undefined, ssl: false },
    { mode: 'verify-ca with the CA', options: { sslmode: 'verify-ca' }, tls: (): Record<string, unknown> | undefined => ({ enabled: true, caFile: join(certs, 'ca.crt') }), ssl: true },
    { mode: 'verify-full with the CA (from --tls-ca)', options: {}, tls: (): Record<string, unknown> | undefined => ({ enabled: true, caFile: join(certs, 'ca.crt') }), ssl: true },
  ])('$mode connects (TLS used: $ssl)', async ({ options, tls, ssl }) => {
    const { snapshot } = await run(options, tls?.());
    expect((snapshot.data as { server: { ssl: boolean } }).server.ssl).toBe(ssl);
  });

  it.each([
    { mode: 'verify-full with another CA', options: {}, tls: (): Record<string, unknown> | undefined => ({ enabled: true, caFile: join(certs, 'other-ca.crt') }) },
    { mode: 'verify-full for a name not in the certificate', options: {}, tls: (): Record<string, unknown> | undefined => ({ enabled: true, caFile: join(certs, 'ca.crt'), servername: 'db.example.com' }) },
    { mode: 'verify-ca without a CA (system roots)', options: { sslmode: 'verify-ca' }, tls: (): Record<string, unknown> | undefined => undefined },
  ])('$mode -> KSA_ERR_TLS', async ({ options, tls }) => {
    await expect(run(options, tls())).rejects.toMatchObject({ code: 'KSA_ERR_TLS' });
  });
});
