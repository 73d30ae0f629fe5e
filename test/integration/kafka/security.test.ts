// TLS (CA, servername, reject-unauthorized) and SASL/PLAIN through the real kafkajs driver, with
// secure fronts (secure-front.ts) before a mock cluster: connect, auth and TLS failures are coded
// errors and the password never leaks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../../plugins/kafka/index.js';
import type { KafkaSnapshotData } from '../../../plugins/kafka/snapshot.js';
import type { MiddlewareTargetInput } from '../../../src/core/types.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { startMockCluster, type MockCluster } from './mock-cluster.js';
import { startSecureFronts, type SecureFronts } from './secure-front.js';

const PASSWORD = 'pl41n-Secret!';
let dir: string;
let mock: MockCluster;
let fronts: SecureFronts;
let ca: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-kafka-tls-'));
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=kafka.test', '-addext', 'subjectAltName=DNS:kafka.test,IP:127.0.0.1'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`openssl: ${gen.stderr}`);
  ca = join(dir, 'cert.pem');
  mock = await startMockCluster(3, ['orders:3:3']);
  fronts = await startSecureFronts(mock.bootstrap, {
    tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(ca) },
    plain: { username: 'alice', password: PASSWORD },
  });
});
afterAll(async () => {
  await fronts?.close();
  await mock?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const target = (over: Partial<MiddlewareTargetInput> = {}): MiddlewareTargetInput => ({
  type: 'kafka', name: 'secure', endpoints: fronts.bootstrap,
  auth: { username: 'alice', password: PASSWORD, mechanism: 'plain' },
  tls: { enabled: true, caFile: ca, rejectUnauthorized: true },
  ...over,
});
const run = (t: MiddlewareTargetInput) => runPlugin(plugin, 'kafka-diagnostics', t, { categories: ['broker', 'topic'], timeoutMs: 5_000 });

describe('kafka over TLS + SASL/PLAIN (secure fronts before the mock)', () => {
  it('connects to every advertised broker with the CA and the credentials', async () => {
    const { snapshot, result } = await run(target());
    const data = snapshot.data as unknown as KafkaSnapshotData;
    expect(data.brokers.map((b) => [`${b.host}:${b.port}`, b.reachable])).toEqual(fronts.bootstrap.map((a) => [a, true]));
    expect(data.requests).toMatchObject({ ApiVersions: 3, SaslHandshake: 3, SaslAuthenticate: 3, Metadata: 1 });
    expect(result.findings.filter((f) => f.id === 'kafka.broker.unreachable')).toHaveLength(0);
  });

  it.each([
    ['a wrong password', 'KSA_ERR_AUTH', () => target({ auth: { username: 'alice', password: 'wrong-password-1', mechanism: 'plain' } })],
    ['an unknown user', 'KSA_ERR_AUTH', () => target({ auth: { username: 'mallory', password: PASSWORD, mechanism: 'plain' } })],
    ['a mechanism the listener lacks', 'KSA_ERR_AUTH', () => target({ auth: { username: 'alice', password: PASSWORD, mechanism: 'scram-sha-256' } })],
    ['no CA for a self-signed certificate', 'KSA_ERR_TLS', () => target({ tls: { enabled: true, rejectUnauthorized: true } })],
    ['a servername the certificate does not name', 'KSA_ERR_TLS', () => target({ tls: { enabled: true, caFile: ca, servername: 'other.test', rejectUnauthorized: true } })],
    // The first-answer watch recognises the TLS record and names the fix instead of a bare connect error.
    ['plaintext to a TLS listener', 'KSA_ERR_TLS', () => target({ tls: undefined })],
  ])('%s -> %s, without the password in the message', async (_name, code, t) => {
    const error = await run(t()).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code });
    expect(error?.message).not.toContain(PASSWORD);
    expect(error?.message).not.toContain('wrong-password-1');
  });

  it('rejectUnauthorized false (--tls-insecure) connects without the CA', async () => {
    const { snapshot } = await run(target({ tls: { enabled: true, rejectUnauthorized: false } }));
    expect((snapshot.data as unknown as KafkaSnapshotData).brokers.every((b) => b.reachable)).toBe(true);
  });

  it('a servername the certificate names passes (SNI + identity check)', async () => {
    const { snapshot } = await run(target({ tls: { enabled: true, caFile: ca, servername: 'kafka.test', rejectUnauthorized: true } }));
    expect((snapshot.data as unknown as KafkaSnapshotData).brokers.every((b) => b.reachable)).toBe(true);
  });
});
