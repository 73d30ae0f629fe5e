// `ksa diagnose <type> <another service's endpoint>` through the real CLI, for every pair among the
// real Redis, MariaDB, PostgreSQL, Kafka mock and ZooKeeper of the test environment and a node:http
// server: exit 3, no stderr, one KSA_ERR_WRONG_SERVICE naming both protocols, well under the
// deadline. TLS both ways: a server without TLS asked for it, a node:tls server spoken to in plaintext.
// Each run goes through a TCP relay in front of the server, so "< 1 s" is measured from ksa's first
// connection to the port until its report arrives (process start and plugin loading excluded: on this
// 2-core machine under a parallel test load they alone take 0.4-0.8 s).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv, repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const env = loadServicesEnv();
const dir = mkdtempSync(join(tmpdir(), 'ksa-e2e-wrong-service-'));
let http: HttpServer;
let tls: TlsServer;

type Plugin = 'redis' | 'mysql' | 'postgres' | 'kafka';
type Service = Plugin | 'zookeeper' | 'http';
const NAMES: Record<Service, string> = { redis: 'Redis', mysql: 'MySQL', postgres: 'PostgreSQL', kafka: 'Kafka', zookeeper: 'ZooKeeper', http: 'HTTP' };
const PLUGINS: Plugin[] = ['redis', 'mysql', 'postgres', 'kafka'];
const SERVICES: Service[] = ['redis', 'mysql', 'postgres', 'kafka', 'zookeeper', 'http'];

function endpointOf(service: Service): string {
  const endpoints: Record<Service, () => string> = {
    redis: () => env.KSA_REDIS_PRIMARY!,
    mysql: () => env.KSA_MYSQL_PRIMARY!,
    postgres: () => env.KSA_PG_PRIMARY!,
    kafka: () => env.KSA_KAFKA_BOOTSTRAP!.split(',')[0]!,
    zookeeper: () => env.KSA_ZOOKEEPER!,
    http: () => `127.0.0.1:${(http.address() as AddressInfo).port}`,
  };
  return endpoints[service]();
}

// Driver text that must never reach the user without ksa's own words.
const DRIVER_TEXT = /Please report this|ETIMEDOUT|raise --timeout|KafkaJS|Protocol error|Connection terminated|Closed connection/;

/** A transparent TCP relay to `upstream` that notes when the first client connected. */
async function relayTo(upstream: string): Promise<{ endpoint: string; firstConnectAt(): number | undefined; close(): void }> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  let first: number | undefined;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    first ??= performance.now();
    const server = connect({ host, port });
    for (const s of [client, server]) { sockets.add(s); s.on('error', () => { client.destroy(); server.destroy(); }); }
    client.pipe(server).on('error', () => undefined);
    server.pipe(client).on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstConnectAt: () => first,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

/**
 * Runs the CLI against `upstream` through a relay (10 s timeout, so a 5 s connect timeout would
 * show) and returns its one error and how long ksa was on the wire before its report came out.
 */
async function diagnose(type: Plugin, upstream: string, ...args: string[]) {
  const relay = await relayTo(upstream.replace(/^rediss:\/\//, ''));
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KSA_|PG|MYSQL|REDISCLI)/.test(k)));
  const endpoint = upstream.startsWith('rediss://') ? `rediss://${relay.endpoint}` : relay.endpoint;
  try {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string; reportAt: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin/ksa.js'), 'diagnose', type, endpoint, ...args, '--output', 'json', '--timeout', '10s'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = ''; let stderr = ''; let reportAt = 0;
      child.stdout.on('data', (c: Buffer) => { reportAt ||= performance.now(); stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr, reportAt }));
    });
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    const result = report.results[0]!;
    expect(result.errors).toHaveLength(1);
    const connectedAt = relay.firstConnectAt();
    expect(connectedAt, 'ksa never connected to the port').toBeDefined();
    return { code: run.code, stderr: run.stderr, error: result.errors[0]!, endpoint: relay.endpoint, wireMs: run.reportAt - connectedAt!, durationMs: result.durationMs };
  } finally {
    relay.close();
  }
}

beforeAll(async () => {
  // A throwaway self-signed certificate for the TLS listener (the openssl CLI is part of the image).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  http = createHttpServer((_req, res) => res.end('not a database\n'));
  tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => socket.end());
  tls.on('tlsClientError', () => undefined);
  await Promise.all([
    new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve)),
  ]);
});

afterAll(() => {
  http?.close();
  tls?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PAIRS = PLUGINS.flatMap((plugin) => SERVICES.filter((s) => s !== plugin).map((service) => [plugin, service] as const));

describe('another service on the port', () => {
  it.each(PAIRS)('ksa diagnose %s <%s endpoint> -> KSA_ERR_WRONG_SERVICE in < 1 s', async (plugin, service) => {
    const { code, stderr, error, endpoint, wireMs, durationMs } = await diagnose(plugin, endpointOf(service));
    expect(code).toBe(3);
    expect(stderr).toBe('');
    expect(error.code).toBe('KSA_ERR_WRONG_SERVICE');
    expect(error.message).toContain(`${endpoint} answers like ${NAMES[service]}, not ${NAMES[plugin]}: check the port`);
    expect(error.message).not.toMatch(DRIVER_TEXT);
    expect(error.message).not.toContain('\n');
    expect(wireMs).toBeLessThan(1000);
    expect(durationMs).toBeLessThan(3000); // the old code waited for the 5 s connect timeout
  });

  it('the table and --quiet say it on one line', async () => {
    const run = await spawnKsa(['diagnose', 'postgres', endpointOf('redis'), '--quiet', '--timeout', '10s'], {}, /^KSA_/);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toContain('KSA_ERR_WRONG_SERVICE');
    expect(run.stdout).toContain('answers like Redis, not PostgreSQL');
  });
});

describe('TLS mismatches', () => {
  const tlsPort = () => `127.0.0.1:${(tls.address() as AddressInfo).port}`;

  // Servers that do not offer TLS, asked for it.
  it.each([
    ['postgres', () => [env.KSA_PG_PRIMARY!, '--sslmode', 'require'], /does not offer TLS \(ssl = off\): use --sslmode prefer or disable/],
    ['mysql', () => [env.KSA_MYSQL_PRIMARY!, '--tls'], /does not offer TLS.*: drop --tls/],
    ['redis', () => [env.KSA_REDIS_PRIMARY!, '--tls'], /answers in plaintext Redis, not TLS: this port speaks plaintext: use redis:\/\/ or drop --tls/],
    ['redis', () => [`rediss://${env.KSA_REDIS_PRIMARY!}`], /answers in plaintext Redis, not TLS: .*use redis:\/\/ or drop --tls/],
    ['kafka', () => [env.KSA_KAFKA_BOOTSTRAP!.split(',')[0]!, '--tls'], /drop --tls/],
  ] as const)('%s asking TLS of a server without it (%#) -> KSA_ERR_TLS naming the setting', async (plugin, args, fix) => {
    const [upstream, ...rest] = args();
    const { code, stderr, error, wireMs } = await diagnose(plugin, upstream!, ...rest);
    expect(code).toBe(3);
    expect(stderr).toBe('');
    expect(error.code).toBe('KSA_ERR_TLS');
    expect(error.message).toMatch(fix);
    expect(error.message).not.toMatch(/check the CA/);
    expect(wireMs).toBeLessThan(1000);
  });

  // A TLS listener spoken to in plaintext.
  it.each([
    ['redis', /answers with TLS, not plaintext Redis: this port speaks TLS: use rediss:\/\/ or --tls/],
    ['kafka', /answers with TLS, not plaintext Kafka: this listener speaks TLS: add --tls/],
    ['postgres', /answers with TLS, not plaintext PostgreSQL: .*--sslmode/],
    ['mysql', /answers with TLS, not plaintext MySQL: .*--tls/],
  ] as const)('%s in plaintext at a TLS port -> KSA_ERR_TLS saying to use TLS', async (plugin, fix) => {
    const { code, stderr, error, wireMs } = await diagnose(plugin, tlsPort());
    expect(code).toBe(3);
    expect(stderr).toBe('');
    expect(error.code).toBe('KSA_ERR_TLS');
    expect(error.message).toMatch(fix);
    expect(wireMs).toBeLessThan(1000);
  });
});
