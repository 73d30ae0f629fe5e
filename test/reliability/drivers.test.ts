// Driver-level faults through the real CLI and the four built-in plugins (drivers in worker
// threads): cases 2, 6, 7, 8 and the driver variant of 14. Healthy servers are the shared test
// services (read-only use); every fault is on loopback or in a private network namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServicesEnv } from '../support/services.js';
import { removeTempDirs, builtPlugin, byName, measurements, parseReport, runKsa, tempDir, writeConfig, type ConfigTarget, type KsaRun, type ReportJson } from './support/ksa.js';
import { blackHole, canBlackHole, faultProxy, randomBytesServer, refusedPort, silentServer, type BlackHole, type Endpoint, type ProxyFault } from './support/net-faults.js';

const m = measurements('driver faults (reliability cases 2, 6, 7, 8, 14)');
afterAll(() => { m.print(); removeTempDirs(); });

const DRIVERS = ['redis', 'postgres', 'mysql', 'kafka'] as const;
type Driver = (typeof DRIVERS)[number];
const present = DRIVERS.filter((d) => builtPlugin(d));
const DEADLINE_MS = 2000;
/** The largest margin a built-in plugin keeps before the deadline (plugins/mysql/connect.ts MARGIN_MS). */
const PLUGIN_MARGIN_MS = 150;
const dir = tempDir();

let env: Record<string, string>;
/** Endpoint of the healthy shared server, credentials and CLI flags per driver. */
let healthy: Record<Driver, { endpoints: string[]; auth: Record<string, string>; flags: string[]; env: Record<string, string> }>;
let silent: Endpoint;
let hole: BlackHole | undefined;
/** Where a black-holed SYN goes: a netns with an nftables drop policy, or (fallback) a silent server. */
let holeHost: string;

beforeAll(() => {
  env = loadServicesEnv();
  healthy = {
    redis: { endpoints: [env.KSA_REDIS_PRIMARY!], auth: { passwordEnv: 'REL_REDIS_PW' }, flags: [], env: { REDISCLI_AUTH: env.KSA_REDIS_PASSWORD!, REL_REDIS_PW: env.KSA_REDIS_PASSWORD! } },
    postgres: { endpoints: [env.KSA_PG_PRIMARY!], auth: { username: env.KSA_PG_USER!, passwordEnv: 'REL_PG_PW' }, flags: ['--user', env.KSA_PG_USER!], env: { PGPASSWORD: env.KSA_PG_PASSWORD!, REL_PG_PW: env.KSA_PG_PASSWORD! } },
    mysql: { endpoints: [env.KSA_MYSQL_PRIMARY!], auth: { username: env.KSA_MYSQL_USER!, passwordEnv: 'REL_MYSQL_PW' }, flags: ['--user', env.KSA_MYSQL_USER!], env: { MYSQL_PWD: env.KSA_MYSQL_PASSWORD!, REL_MYSQL_PW: env.KSA_MYSQL_PASSWORD! } },
    kafka: { endpoints: env.KSA_KAFKA_BOOTSTRAP!.split(','), auth: {}, flags: [], env: {} },
  };
});

beforeAll(async () => {
  silent = await silentServer();
  if (canBlackHole()) {
    hole = blackHole();
    holeHost = hole.host;
  } else {
    holeHost = '127.0.0.1';
  }
  m.record('drivers tested', present.join(', ') || 'none (no built-in plugin built yet)');
  m.record('black hole', hole ? `netns + nftables drop (${hole.host})` : 'not available here: silent server used instead');
});

afterAll(async () => {
  hole?.close();
  await silent?.close();
});

const allEnv = () => Object.assign({}, ...present.map((d) => healthy[d].env)) as Record<string, string>;

/** `ksa diagnose <driver> <endpoints>` with the driver's credentials, JSON, a deadline. */
function diagnose(driver: Driver, endpoints: string[], timeoutMs = DEADLINE_MS, extra: string[] = []): Promise<KsaRun> {
  return runKsa(['diagnose', driver, ...endpoints, ...healthy[driver].flags, '--timeout', `${timeoutMs}ms`, '--json', ...extra], { env: healthy[driver].env, killAfterMs: timeoutMs + 20_000 });
}

function firstResult(run: KsaRun): ReportJson['results'][number] {
  return parseReport(run.stdout).results[0]!;
}

const exitAfterDeadline = (exitEpochMs: number, result: { startedAt: string }, timeoutMs: number) => exitEpochMs - (Date.parse(result.startedAt) + timeoutMs);

async function timed(fn: () => Promise<KsaRun>): Promise<{ run: KsaRun; exitEpochMs: number }> {
  const run = await fn();
  return { run, exitEpochMs: Date.now() };
}

describe.runIf(present.length > 0)('case 6: each driver against a refused port, a silent server and a black hole', () => {
  const codes: Array<{ label: string; fault: string; code: string; durationMs: number }> = [];
  it('critical/unknown within the deadline + 200 ms, ksa exits by itself within 500 ms of it', async () => {
    const refused = await refusedPort();
    const faults: Array<[string, string]> = [['refused', refused], ['silent', silent.address], ['black hole', `${holeHost}:${hole ? 6399 : silent.port}`]];
    const cases = present.flatMap((d) => faults.map(([fault, address]) => ({ driver: d, fault, address })));
    const failures: string[] = [];
    // Two at a time: the bound is about ksa's timers, not about CPU starvation on 2 cores.
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(cases.slice(i, i + 2).map(async ({ driver, fault, address }) => {
        const { run, exitEpochMs } = await timed(() => diagnose(driver, [address]));
        const label = `${driver} ${fault}`;
        if (run.signal) return void failures.push(`${label}: killed (${run.signal}), did not exit by itself`);
        let result;
        try { result = firstResult(run); } catch { return void failures.push(`${label}: no JSON (exit ${run.code}: ${run.stderr.split('\n')[0]})`); }
        if (!['critical', 'unknown'].includes(result.status)) failures.push(`${label}: status ${result.status}`);
        if (run.code !== 2 && run.code !== 3) failures.push(`${label}: exit ${run.code}`);
        if (result.durationMs > DEADLINE_MS + 200) failures.push(`${label}: result after ${result.durationMs} ms`);
        const gone = exitAfterDeadline(exitEpochMs, result, DEADLINE_MS);
        if (gone > 500) failures.push(`${label}: ksa exited ${gone} ms after the deadline`);
        codes.push({ label, fault, code: result.errors[0]?.code ?? 'none', durationMs: result.durationMs });
        m.record(`case 6 ${label}`, `${result.status} ${result.errors[0]?.code ?? ''} in ${result.durationMs} ms; ksa exit ${gone} ms ${gone > 0 ? 'after' : 'before'} the deadline`);
      }));
    }
    expect(failures).toEqual([]);
  }, 120_000);

  // Beyond the case's bound: the error code must name the fault, so its fix text is right
  // (a silent server reported as KSA_ERR_AUTH sends the user to check a correct password).
  it('the error code names the fault: refused -> KSA_ERR_CONNECT, silent/black hole -> KSA_ERR_TIMEOUT or KSA_ERR_CONNECT', () => {
    expect(codes.length).toBeGreaterThan(0);
    // A refused port may still end as a timeout when a loaded machine spent the whole budget
    // before the connect (host start-up, driver import): only at the deadline, which for a
    // plugin is its own give-up time (the SQL plugins keep 150 ms before the deadline to answer).
    const wrong = codes.filter(({ fault, code, durationMs }) => (fault === 'refused'
      ? !(code === 'KSA_ERR_CONNECT' || (code === 'KSA_ERR_TIMEOUT' && durationMs >= DEADLINE_MS - PLUGIN_MARGIN_MS - 20))
      : !['KSA_ERR_TIMEOUT', 'KSA_ERR_CONNECT'].includes(code)));
    expect(wrong.map((w) => `${w.label}: ${w.code}`)).toEqual([]);
  });
});

describe.runIf(present.length > 0)('case 2: a driver hanging on a socket to a server that never answers', () => {
  const silentCodes: string[] = [];
  it('the silent targets are unknown/critical within deadline + 200 ms, the healthy ones are printed, ksa gone within deadline + 500 ms', async () => {
    // The healthy targets get a generous deadline of their own: they must finish, not race.
    const targets: ConfigTarget[] = present.flatMap((d) => [
      { name: `${d}-silent`, type: d, endpoints: [`127.0.0.1:${silent.port}`], auth: healthy[d].auth },
      { name: `${d}-ok`, type: d, endpoints: healthy[d].endpoints, auth: healthy[d].auth, timeout: '15s' },
    ]);
    const config = writeConfig(dir, targets, { timeout: `${DEADLINE_MS}ms`, packages: [] });
    const { run, exitEpochMs } = await timed(() => runKsa(['diagnose', '--config', config, '--json'], { env: allEnv() }));
    expect(run.signal).toBeNull();
    const r = byName(parseReport(run.stdout));
    for (const d of present) {
      const s = r.get(`${d}-silent`)!;
      expect(['unknown', 'critical'], d).toContain(s.status);
      expect(s.durationMs, d).toBeLessThanOrEqual(DEADLINE_MS + 200);
      const ok = r.get(`${d}-ok`)!;
      expect(['healthy', 'warning', 'critical'], `${d}-ok: ${JSON.stringify(ok.errors)}`).toContain(ok.status);
      m.record(`case 2 ${d}`, `silent: ${s.status} ${s.errors[0]?.code ?? ''} in ${s.durationMs} ms; healthy server: ${ok.status} in ${ok.durationMs} ms`);
    }
    // ksa is gone within 500 ms of the later of: the silent targets' deadline, the last healthy result.
    const ends = [...r.values()].map((x) => Date.parse(x.startedAt) + (x.target.name.endsWith('-silent') ? DEADLINE_MS : x.durationMs));
    const gone = exitEpochMs - Math.max(...ends);
    expect(gone).toBeLessThanOrEqual(500);
    m.record('case 2 ksa exit after the last deadline/result', `${gone} ms`);
    silentCodes.push(...present.map((d) => `${d}: ${r.get(`${d}-silent`)!.errors[0]?.code ?? 'none'}`));
  }, 60_000);

  it('the error code of a silent server names the fault (KSA_ERR_TIMEOUT or KSA_ERR_CONNECT, never KSA_ERR_AUTH)', () => {
    expect(silentCodes.length).toBeGreaterThan(0);
    expect(silentCodes.filter((c) => !/KSA_ERR_(TIMEOUT|CONNECT)$/.test(c))).toEqual([]);
  }, 60_000);
});

describe.runIf(present.length > 0)('case 7: fault proxy in front of real servers (latency, half-open, reset mid-diagnosis)', () => {
  /** Bytes from the server after which the proxy cuts: past the handshake, inside the diagnosis. */
  const CUT_AFTER: Record<Driver, number> = { redis: 1500, postgres: 2500, mysql: 3000, kafka: 400 };
  const faultsFor = (d: Driver): Array<[string, ProxyFault]> => [
    ['latency 150 ms', { kind: 'latency', ms: 150 }],
    ['half-open', { kind: 'half-open', afterBytes: CUT_AFTER[d] }],
    ['reset', { kind: 'reset', afterBytes: CUT_AFTER[d] }],
  ];

  it('a clean result (valid report, coded errors, no crash), no hang, total time bounded by the deadline', async () => {
    const failures: string[] = [];
    const cases = present.flatMap((d) => faultsFor(d).map(([label, fault]) => ({ driver: d, label, fault })));
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(cases.slice(i, i + 2).map(async ({ driver, label, fault }) => {
        const proxy = await faultProxy(healthy[driver].endpoints[0]!, fault);
        try {
          const { run, exitEpochMs } = await timed(() => diagnose(driver, [proxy.address]));
          const name = `${driver} ${label}`;
          if (run.signal) return void failures.push(`${name}: killed, did not exit by itself`);
          let result;
          try { result = firstResult(run); } catch { return void failures.push(`${name}: no JSON (exit ${run.code}: ${run.stderr.split('\n')[0]})`); }
          const codes = result.errors.map((e) => e.code);
          if (codes.some((c) => c === 'KSA_ERR_PLUGIN_CRASH' || c === 'KSA_ERR_INTERNAL' || c === 'KSA_ERR_PLUGIN_INVALID')) failures.push(`${name}: ${JSON.stringify(result.errors)}`);
          if (result.status === 'unknown' && codes.length === 0) failures.push(`${name}: unknown without a reason`);
          if (result.durationMs > DEADLINE_MS + 200) failures.push(`${name}: result after ${result.durationMs} ms`);
          const gone = exitAfterDeadline(exitEpochMs, result, DEADLINE_MS);
          if (gone > 500) failures.push(`${name}: ksa exited ${gone} ms after the deadline`);
          m.record(`case 7 ${name}`, `${result.status} ${codes.join(',')} in ${result.durationMs} ms`);
        } finally {
          await proxy.close();
        }
      }));
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe.runIf(present.includes('kafka'))('case 8: kafkajs against a server answering random bytes', () => {
  it('20 runs: 20/20 unknown or critical, ksa never crashes', async () => {
    const server = await randomBytesServer();
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 20; i += 5) {
        await Promise.all(Array.from({ length: 5 }, async () => {
          const run = await diagnose('kafka', [server.address]);
          let result;
          try { result = firstResult(run); } catch { return void failures.push(`exit ${run.code} signal ${run.signal}: ${run.stderr.split('\n')[0]}`); }
          if (!['unknown', 'critical'].includes(result.status) || ![2, 3].includes(run.code ?? -1)) failures.push(`${result.status} exit ${run.code}`);
          const key = `${result.status}/${result.errors[0]?.code ?? '-'}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        }));
      }
    } finally {
      await server.close();
    }
    m.record('case 8 kafka vs random bytes (20 runs)', [...outcomes].map(([k, v]) => `${k} x${v}`).join(', '));
    expect(failures).toEqual([]);
  }, 120_000);
});

describe.runIf(present.includes('redis'))('case 14 (drivers): 50 Redis targets, 10 black-holed', () => {
  it('the 40 on the real server report like a single run does, the black holes add about one deadline', async () => {
    const deadline = 3000;
    const reference = firstResult(await diagnose('redis', healthy.redis.endpoints, deadline));
    const targets: ConfigTarget[] = Array.from({ length: 50 }, (_, i) => i % 5 === 0
      ? { name: `hole-${i}`, type: 'redis', endpoints: [`${holeHost}:${hole ? 7000 + i : silent.port}`], auth: healthy.redis.auth }
      : { name: `ok-${i}`, type: 'redis', endpoints: healthy.redis.endpoints, auth: healthy.redis.auth });
    const baseline = await runKsa(['diagnose', '--config', writeConfig(dir, targets.filter((t) => t.name.startsWith('ok-')), { timeout: `${deadline}ms`, packages: [] }), '--json'], { env: healthy.redis.env });
    const run = await runKsa(['diagnose', '--config', writeConfig(dir, targets, { timeout: `${deadline}ms`, packages: [] }), '--json'], { env: healthy.redis.env });
    expect(run.signal).toBeNull();
    const results = parseReport(run.stdout).results;
    const ok = results.filter((r) => r.target.name.startsWith('ok-'));
    const holes = results.filter((r) => r.target.name.startsWith('hole-'));
    expect(ok.filter((r) => r.status === reference.status)).toHaveLength(40);
    expect(holes.every((r) => ['unknown', 'critical'].includes(r.status) && r.durationMs <= deadline + 200)).toBe(true);
    expect(run.ms - baseline.ms).toBeLessThan(1.5 * deadline);
    m.record('case 14 redis: 50 targets (10 black holes)', `wall ${run.ms.toFixed(0)} ms vs ${baseline.ms.toFixed(0)} ms for the 40 alone (+${(run.ms - baseline.ms).toFixed(0)} ms, deadline ${deadline} ms); 40/40 ${reference.status} like a single run; holes ${holes[0]?.status} ${holes[0]?.errors[0]?.code ?? ''}`);
  }, 60_000);
});
