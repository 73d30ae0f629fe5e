// `ksa diagnose kafka` spawned as a user runs it (built dist/), against a throwaway librdkafka mock
// cluster: the JSON report validates and the exit code follows the status (0 healthy, 1 warning,
// 2 critical, 3 unknown). Needs `npm run build`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import type { Report } from '../../src/core/types.js';
import { commitOffsets, produce, startMockCluster, type MockCluster } from '../integration/kafka/mock-cluster.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

function ksa(args: readonly string[]): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KSA_')));
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bin/ksa.js'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

const report = (run: Run): Report => ReportSchema.parse(JSON.parse(run.stdout));
const diagnose = (m: MockCluster, extra: string[] = []) => ksa(['diagnose', 'kafka', ...m.bootstrap, '--json', '--timeout', '10s', ...extra]);

describe('ksa diagnose kafka (spawned CLI, librdkafka mock)', () => {
  let dir: string;
  const mocks: MockCluster[] = [];
  const mock = async (topics: string[]) => { const m = await startMockCluster(3, topics); mocks.push(m); return m; };
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ksa-kafka-e2e-')); });
  afterEach(async () => { await Promise.all(mocks.splice(0).map((m) => m.stop())); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('broker category of a healthy cluster -> exit 0, every broker listed in the metrics', async () => {
    const m = await mock(['orders:3:3']);
    const run = await diagnose(m, ['--category', 'broker']);
    const r = report(run);
    expect(run.code).toBe(0);
    expect(r.results[0]).toMatchObject({ status: 'healthy', plugin: { id: 'kafka-diagnostics' }, metrics: { brokers: 3, brokers_reachable: 3 } });
  });

  it('a broker down -> exit 2 with the broker and its offline partitions', async () => {
    const m = await mock(['orders:3:3']);
    for (let p = 0; p < 3; p++) await m.control(`leader orders ${p} ${p + 1}`);
    await m.control('down 3');
    const run = await diagnose(m, ['--category', 'broker,topic']);
    const r = report(run);
    expect(run.code).toBe(2);
    const ids = r.results[0]!.findings.map((f) => `${f.id}@${f.node ?? ''}`);
    expect(ids).toEqual(expect.arrayContaining(['kafka.broker.unreachable@broker:3', 'kafka.topic.offline-partitions@topic:orders']));
  });

  it('group lag above 10,000 -> exit 1 with the lag; --samples with a stopped group -> exit 2 STOPPED', async () => {
    const m = await mock(['orders:2:3']);
    await produce(m.bootstrap, 'orders', [6_000, 5_001]);
    await commitOffsets(m.bootstrap, 'etl', { orders: { 0: 0, 1: 0 } });
    const run = await diagnose(m, ['--category', 'consumer', '--group', 'etl']);
    expect(run.code).toBe(1);
    const [lag] = report(run).results[0]!.findings.filter((f) => f.id === 'kafka.consumer.lag');
    expect(lag).toMatchObject({ severity: 'warning', observed: { value: 11_001 }, node: 'group:etl' });

    const writer = setInterval(() => { void produce(m.bootstrap, 'orders', [3, 3]).catch(() => undefined); }, 100);
    try {
      const sampled = await diagnose(m, ['--category', 'consumer', '--group', 'etl', '--samples', '3', '--interval', '300ms']);
      expect(sampled.code).toBe(2);
      const [burrow] = report(sampled).results[0]!.findings.filter((f) => f.id === 'kafka.consumer.burrow');
      expect(burrow).toMatchObject({ severity: 'critical', observed: { value: 'STOPPED' } });
    } finally {
      clearInterval(writer);
    }
  });

  it('unreachable bootstrap -> exit 3 KSA_ERR_CONNECT within the timeout', async () => {
    const run = await ksa(['diagnose', 'kafka', '127.0.0.1:1', '--json', '--timeout', '3s']);
    expect(run.code).toBe(3);
    expect(report(run).results[0]!.errors[0]?.code).toBe('KSA_ERR_CONNECT');
    expect(run.ms).toBeLessThan(3_000 + 2_000);
  });

  it('a server answering random bytes (kafkajs#715) -> exit 3 KSA_ERR_PROTOCOL, never a hang or a crash', async () => {
    // Answers every connection with random bytes: kafkajs may throw uncaught inside its isolation host.
    const server = createServer((socket) => { socket.on('data', () => socket.write(randomBytes(64))); socket.on('error', () => undefined); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i < 3; i++) {
        const run = await ksa(['diagnose', 'kafka', `127.0.0.1:${port}`, '--json', '--timeout', '3s']);
        expect(run.code).toBe(3);
        expect(report(run).results[0]!.errors[0]?.code).toMatch(/^KSA_ERR_(PROTOCOL|TIMEOUT)$/) // TIMEOUT: the random size prefix announced more bytes;
        expect(run.ms).toBeLessThan(3_000 + 2_000);
      }
    } finally {
      server.close();
    }
  });

  it('SASL against a listener without SASL -> exit 3 KSA_ERR_AUTH; the password (from a file) never appears', async () => {
    const m = await mock(['orders:1:3']);
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'Very-Secret-42\n', { mode: 0o600 });
    const run = await diagnose(m, ['--user', 'alice', '--password-file', pw, '--sasl-mechanism', 'scram-sha-512']);
    expect(run.code).toBe(3);
    expect(report(run).results[0]!.errors[0]).toMatchObject({ code: 'KSA_ERR_AUTH', message: expect.stringMatching(/does not offer SASL/) });
    expect(run.stdout + run.stderr).not.toContain('Very-Secret-42');
  });
});
