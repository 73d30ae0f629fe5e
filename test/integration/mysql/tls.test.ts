// TLS against a throwaway MariaDB with its own CA and require_secure_transport=ON: verified
// connection with the CA file, refusal without TLS (with a hint), and a wrong CA as KSA_ERR_TLS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../../plugins/mysql/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { createMonitorUser, startMariaDb, type MariaDb } from './mariadb.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-mysql-tls-'));
const PASSWORD = 'tls-monitor-pw';
let server: MariaDb;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`);
}

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  server = await startMariaDb({
    args: [`--ssl-ca=${dir}/ca.pem`, `--ssl-cert=${dir}/server.pem`, `--ssl-key=${dir}/server.key`, '--require-secure-transport=ON'],
  });
  await createMonitorUser(server, 'ksa', PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const target = (tls?: Record<string, unknown>) => ({
  type: 'mysql', name: 'tls', endpoints: [`127.0.0.1:${server.port}`], auth: { username: 'ksa', password: PASSWORD }, ...(tls ? { tls } : {}),
});

describe('mysql over TLS (real MariaDB, own CA)', () => {
  it('verified TLS with the CA file: diagnosis runs; TLS required, so no tls-not-required finding', async () => {
    const { result, snapshot } = await runPlugin(plugin, 'mysql-diagnostics', target({ enabled: true, caFile: join(dir, 'ca.pem'), rejectUnauthorized: true }), { categories: ['security', 'connection'] });
    expect(result.errors).toEqual([]);
    expect((snapshot.data as { variables: Record<string, string> }).variables.require_secure_transport).toBe('ON');
    expect(result.findings.filter((f) => f.id === 'mysql.security.tls-not-required')).toEqual([]);
  });

  it('without TLS MariaDB answers "Access denied": KSA_ERR_AUTH with a hint to add --tls', async () => {
    const error = await runPlugin(plugin, 'mysql-diagnostics', target()).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'KSA_ERR_AUTH' });
    expect((error as Error).message).toContain('(if the server requires TLS, add --tls)');
  });

  it('a CA that did not sign the server certificate: KSA_ERR_TLS', async () => {
    await expect(runPlugin(plugin, 'mysql-diagnostics', target({ enabled: true, caFile: join(dir, 'other-ca.pem'), rejectUnauthorized: true }))).rejects.toMatchObject({ code: 'KSA_ERR_TLS' });
  });
});
