// redis-cli's conventions through the real CLI (built dist/) against redis-server processes started
// here: Sentinel from --sentinel alone (the Sentinels are the endpoints), --sentinel-password apart
// from the data nodes' password (Sentinels with their own requirepass), an ACL user via --user and
// via a redis:// URL (default user disabled, so only the ACL login can work), rediss:// against a
// TLS redis-server. Secrets never reach stdout or stderr. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import type { Report } from '../../src/core/types.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import { waitFor } from '../support/wait-for.js';
import { freePort, startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';

const DATA_PW = 'conv-data-pw-7731';
const SENTINEL_PW = 'conv-sentinel-pw-4409';
const ACL_PW = 'conv-acl-pw-9902';
const SECRETS = [DATA_PW, SENTINEL_PW, ACL_PW];

const ksa = (args: readonly string[], env: Record<string, string> = {}): Promise<KsaRun> => spawnKsa(args, env, /^(KSA_|REDISCLI_AUTH$)/);
const report = (run: KsaRun): Report => ReportSchema.parse(JSON.parse(run.stdout));
/** The one error of a target that could not be diagnosed (exit 3), from the JSON report. */
const failure = (run: KsaRun) => {
  expect(run.code).toBe(3);
  const r = report(run).results[0]!;
  expect(r.status).toBe('unknown');
  expect(r.errors).toHaveLength(1);
  const e = r.errors[0]!;
  expect(e.message).not.toMatch(/\n/);
  return e;
};
const noSecrets = (run: KsaRun) => { for (const s of SECRETS) expect(`${run.stdout}${run.stderr}`).not.toContain(s); };
/** redis-cli against a server with a password (REDISCLI_AUTH: never on argv). */
const cli = (port: number, password: string | undefined, ...args: string[]): string => {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', env: { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) } });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

const servers: RedisProcess[] = [];
let dir: string;
let dataPwFile: string;
let sentinelPwFile: string;
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-redis-conv-'));
  dataPwFile = join(dir, 'data-pw');
  sentinelPwFile = join(dir, 'sentinel-pw');
  writeFileSync(dataPwFile, `${DATA_PW}\n`, { mode: 0o600 });
  writeFileSync(sentinelPwFile, SENTINEL_PW, { mode: 0o600 });
});

/** Three Sentinels monitoring `primary` as `mymaster`; with `password`, each has its own requirepass. */
async function sentinelsFor(primary: RedisProcess, password: string | undefined): Promise<RedisProcess[]> {
  const sentinels = await Promise.all([0, 1, 2].map(() => startRedis({
    sentinel: true,
    configText: (port, d) => [
      `port ${port}`, 'bind 127.0.0.1', `dir ${d}`, `logfile ${join(d, 'sentinel.log')}`,
      ...(password ? [`requirepass ${password}`, `sentinel sentinel-pass ${password}`] : []),
      `sentinel monitor mymaster 127.0.0.1 ${primary.port} 2`,
      `sentinel auth-pass mymaster ${DATA_PW}`,
      'sentinel down-after-milliseconds mymaster 2000',
    ].join('\n') + '\n',
  })));
  servers.push(...sentinels);
  await waitFor('sentinels to know each other and the replica', () => sentinels.every((s) => {
    const m = cli(s.port, password, 'SENTINEL', 'MASTER', 'mymaster');
    return /num-other-sentinels\n2/.test(m) && /num-slaves\n1/.test(m);
  }), 30_000);
  return sentinels;
}

async function primaryWithReplica(): Promise<[RedisProcess, RedisProcess]> {
  const healthy = ['--maxmemory', '64mb', '--latency-monitor-threshold', '100', '--save', '3600 1', '--masterauth', DATA_PW];
  const primary = await startRedis({ password: DATA_PW, args: healthy });
  const replica = await startRedis({ password: DATA_PW, args: [...healthy, '--replicaof', '127.0.0.1', String(primary.port)] });
  servers.push(primary, replica);
  await waitFor('replica linked', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')));
  for (const n of [primary, replica]) n.cli('SLOWLOG', 'RESET');
  return [primary, replica];
}

describe('ksa diagnose redis --sentinel alone (no data endpoint)', () => {
  let sentinels: RedisProcess[];
  beforeAll(async () => {
    const [primary] = await primaryWithReplica();
    sentinels = await sentinelsFor(primary, SENTINEL_PW);
  }, 60_000);

  it('diagnoses the deployment the Sentinels report; the Sentinels are the endpoints and name the target', async () => {
    const list = sentinels.map((s) => s.endpoint).join(',');
    const run = await ksa(['diagnose', 'redis', '--sentinel', list, '--master-name', 'mymaster', '--password-file', dataPwFile, '--option', `sentinelPassword=${SENTINEL_PW}`, '--json']);
    noSecrets(run);
    expect(run.stderr).not.toMatch(/needs at least one endpoint/);
    const r = report(run).results[0]!;
    expect(r.target).toMatchObject({ name: list, endpoints: sentinels.map((s) => s.endpoint) });
    expect(r.metrics).toMatchObject({ mode: 'sentinel', nodes: 2, nodes_reachable: 2, sentinels_reachable: 3 });
    const sentinelCategory = r.categories.find((c) => c.name === 'sentinel');
    expect(sentinelCategory).toMatchObject({ status: 'healthy' });
    expect(sentinelCategory?.notApplicable).toBeUndefined();
    expect(r.findings.filter((f) => f.id === 'redis.connection.unreachable')).toEqual([]);
    // The secret option on argv is warned about (visible in ps), and never shown.
    expect(run.stderr).toMatch(/secret option sentinelPassword on the command line/);
    expect(run.code).toBe(0);
  }, 30_000);

  it('--sentinel-password is the Sentinels\' password, the data nodes keep theirs (REDISCLI_AUTH)', async () => {
    const list = sentinels.map((s) => s.endpoint).join(',');
    const run = await ksa(['diagnose', 'redis', '--sentinel', list, '--master-name', 'mymaster', '--sentinel-password', SENTINEL_PW, '--json', '--explain-auth'], { REDISCLI_AUTH: DATA_PW });
    noSecrets(run);
    // --explain-auth names --sentinel as the endpoints' source and REDISCLI_AUTH as the password's.
    expect(run.stderr).toMatch(new RegExp(`endpoints +${list.replace(/[.]/g, '\\.')} +from --sentinel`));
    expect(run.stderr).toMatch(/password +\(set\) +from REDISCLI_AUTH/);
    const r = report(run).results[0]!;
    expect(r.metrics).toMatchObject({ nodes: 2, nodes_reachable: 2, sentinels_reachable: 3 });
    expect(r.findings.filter((f) => f.id === 'redis.security.no-auth')).toEqual([]);
    expect(run.code).toBe(0);
  }, 30_000);

  it('without --sentinel-password the Sentinels refuse the data password: KSA_ERR_AUTH naming --sentinel-password, one line, exit 3', async () => {
    const run = await ksa(['diagnose', 'redis', '--sentinel', sentinels.map((s) => s.endpoint).join(','), '--master-name', 'mymaster', '--json'], { REDISCLI_AUTH: DATA_PW });
    noSecrets(run);
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/--sentinel-password/);
  }, 30_000);

  it('a wrong --sentinel-password is KSA_ERR_AUTH naming --sentinel-password, never the value', async () => {
    const run = await ksa(['diagnose', 'redis', '--sentinel', sentinels[0]!.endpoint, '--sentinel-password', `${SENTINEL_PW}-wrong`, '--json'], { REDISCLI_AUTH: DATA_PW });
    expect(`${run.stdout}${run.stderr}`).not.toContain(`${SENTINEL_PW}-wrong`);
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/--sentinel-password/);
  }, 30_000);

  it('a ksa.yaml target with options.sentinel and no endpoints is valid and runs', async () => {
    const config = join(dir, 'ksa.yaml');
    writeFileSync(config, [
      'targets:',
      '  - name: sessions',
      '    type: redis',
      '    auth: { passwordEnv: CONV_DATA_PW }',
      `    options: { sentinel: [${sentinels.map((s) => s.endpoint).join(', ')}], masterName: mymaster, sentinelPassword: "\${CONV_SENTINEL_PW}" }`,
    ].join('\n') + '\n');
    const env = { CONV_DATA_PW: DATA_PW, CONV_SENTINEL_PW: SENTINEL_PW };
    const validate = await ksa(['config', 'validate', '--config', config], env);
    expect(validate.code, validate.stderr).toBe(0);
    const run = await ksa(['diagnose', '--config', config, '--json'], env);
    noSecrets(run);
    const r = report(run).results[0]!;
    expect(r.target).toMatchObject({ name: 'sessions', endpoints: sentinels.map((s) => s.endpoint) });
    expect(r.metrics).toMatchObject({ nodes_reachable: 2, sentinels_reachable: 3 });
  }, 30_000);

  it('without endpoints and without --sentinel: the fix names --sentinel', async () => {
    const run = await ksa(['diagnose', 'redis']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/KSA_ERR_BAD_ENDPOINT.*needs at least one endpoint/);
    expect(run.stderr).toMatch(/--sentinel <host:port,\.\.\.>/);
  });
});

describe('ksa diagnose redis --sentinel alone, Sentinels without a password', () => {
  it('the data password (REDISCLI_AUTH) is offered to the Sentinels, which need none', async () => {
    const [primary] = await primaryWithReplica();
    const sentinels = await sentinelsFor(primary, undefined);
    const run = await ksa(['diagnose', 'redis', '--sentinel', sentinels.map((s) => s.endpoint).join(','), '--json'], { REDISCLI_AUTH: DATA_PW });
    noSecrets(run);
    const r = report(run).results[0]!;
    expect(r.metrics).toMatchObject({ mode: 'sentinel', nodes_reachable: 2, sentinels_reachable: 3 });
    expect(run.code).toBe(0);
  }, 60_000);
});

describe('ksa diagnose redis as an ACL user (default user disabled)', () => {
  let server: RedisProcess;
  beforeAll(async () => {
    server = await startRedis({ args: ['--maxmemory', '64mb', '--latency-monitor-threshold', '100', '--save', '3600 1'] });
    servers.push(server);
    server.cli('ACL', 'SETUSER', 'monitor', 'on', `>${ACL_PW}`, '+@all', '-@dangerous', '+info', '+config|get', '+slowlog|get', '+slowlog|len', '+client|list', '+latency|latest', '+acl|getuser', '+acl|dryrun', '+cluster|info', '+cluster|nodes', '+command|info', '~*');
    // Only the ACL login can work from here on.
    server.cli('ACL', 'SETUSER', 'default', 'off');
  });

  it('--user monitor with the password from a file logs in as monitor', async () => {
    const pw = join(dir, 'acl-pw');
    writeFileSync(pw, ACL_PW, { mode: 0o600 });
    const run = await ksa(['diagnose', 'redis', server.endpoint, '--user', 'monitor', '--password-file', pw, '--json']);
    noSecrets(run);
    const r = report(run).results[0]!;
    expect(r.metrics.used_memory).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.id === 'redis.connection.unreachable')).toEqual([]);
    expect(run.code).not.toBe(3);
  }, 30_000);

  it('redis://monitor:<pw>@host:port moves user and password out of the endpoint, with the warning', async () => {
    const run = await ksa(['diagnose', 'redis', `redis://monitor:${ACL_PW}@${server.endpoint}/0`, '--json']);
    noSecrets(run);
    expect(run.stderr).toMatch(/password in the endpoint URL is visible/);
    const r = report(run).results[0]!;
    // Reports show URL endpoints as user:***@ whether or not a password was in them.
    expect(r.target.endpoints).toEqual([`redis://monitor:***@${server.endpoint}/0`]);
    expect(r.metrics.used_memory).toBeGreaterThan(0);
  }, 30_000);

  it('the ACL user with a wrong password is KSA_ERR_AUTH, exit 3', async () => {
    const run = await ksa(['diagnose', 'redis', server.endpoint, '--user', 'monitor', '--json'], { REDISCLI_AUTH: 'not-the-password' });
    expect(failure(run).code).toBe('KSA_ERR_AUTH');
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-password');
  }, 30_000);
});

describe('ksa diagnose redis rediss:// (TLS redis-server)', () => {
  let tlsDir: string;
  let port: number;
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: tlsDir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  beforeAll(async () => {
    tlsDir = join(dir, 'tls');
    spawnSync('mkdir', [tlsDir]);
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ksa-conv-ca');
    writeFileSync(join(tlsDir, 'server.ext'), 'subjectAltName=DNS:redis.test\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=redis.test');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
    port = await freePort();
    const server = await startRedis({
      args: ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(tlsDir, 'server.crt'), '--tls-key-file', join(tlsDir, 'server.key'), '--tls-ca-cert-file', join(tlsDir, 'ca.crt'), '--tls-auth-clients', 'no', '--requirepass', DATA_PW],
      tlsPort: port,
    });
    servers.push(server);
  }, 30_000);

  it('rediss://:<pw>@host:port with --tls-ca and --tls-servername diagnoses over TLS', async () => {
    const run = await ksa(['diagnose', 'redis', `rediss://:${DATA_PW}@127.0.0.1:${port}`, '--tls-ca', join(tlsDir, 'ca.crt'), '--tls-servername', 'redis.test', '--category', 'memory,security', '--json']);
    noSecrets(run);
    expect(run.stderr).toMatch(/password in the endpoint URL is visible/);
    const r = report(run).results[0]!;
    expect(r.target.endpoints).toEqual([`rediss://127.0.0.1:${port}`]);
    expect(r.metrics.used_memory).toBeGreaterThan(0);
  }, 30_000);

  it('rediss:// without the private CA is KSA_ERR_TLS, exit 3', async () => {
    const run = await ksa(['diagnose', 'redis', `rediss://127.0.0.1:${port}`, '--json'], { REDISCLI_AUTH: DATA_PW });
    expect(failure(run).code).toBe('KSA_ERR_TLS');
    noSecrets(run);
  }, 30_000);
});
