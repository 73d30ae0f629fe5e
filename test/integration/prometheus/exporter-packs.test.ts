// The prometheus plugin against a real Prometheus (Debian's, 1 s scrapes) scraping real exporters
// (prometheus-redis-exporter, prometheus-postgres-exporter) on servers started here: a Redis filled
// to its maxmemory fires the redis pack, a spare one is healthy; a postgres_exporter on the shared
// test PostgreSQL (read only) is healthy, one pointed at a closed port fires pg_up. Declared
// instant and range checks, an empty answer and a refused query are unknown with the reason; a
// Prometheus that is down or never answers is unknown with a coded error within the deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prometheusPlugin from '../../../plugins/prometheus/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { startPrometheus, type PrometheusProcess } from '../../support/prometheus-process.js';
import { loadServicesEnv } from '../../support/services.js';
import { spawnKsa } from '../../support/spawn-ksa.js';
import { waitFor } from '../../support/wait-for.js';
import { startHangingServer } from '../../../src/testing/index.js';
import { freePort, startRedis, type RedisProcess } from '../redis/redis-servers.js';
import type { DiagnosticResult, MiddlewareTargetInput } from '../../../src/core/types.js';

const services = loadServicesEnv();
let prometheus: PrometheusProcess;
let redisOk: RedisProcess;
let redisFull: RedisProcess;
const exporters: ChildProcess[] = [];

async function exporter(command: string, args: string[], port: number, env: Record<string, string> = {}): Promise<string> {
  const child = spawn(command, args, { stdio: 'ignore', env: { PATH: process.env.PATH ?? '', ...env } });
  exporters.push(child);
  let failed = '';
  child.once('error', (e) => { failed = `${e.message} (scripts/services.sh installs it)`; });
  const address = `127.0.0.1:${port}`;
  await waitFor(`${command} on ${address}`, () => {
    if (failed) throw new Error(`${command}: ${failed}`);
    return fetch(`http://${address}/metrics`).then((r) => r.ok, () => false);
  }, 15_000, 100);
  return address;
}

/** Writes 16 KB values until Redis refuses with OOM (noeviction at maxmemory). */
async function fill(server: RedisProcess): Promise<void> {
  const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const value = 'x'.repeat(16 * 1024);
  try {
    for (let i = 0; i < 10_000; i += 1) await client.set(`fill:${i}`, value);
    throw new Error('Redis never refused a write: maxmemory was not reached');
  } catch (e) {
    if (!/OOM/.test((e as Error).message)) throw e;
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  [redisOk, redisFull] = await Promise.all([
    startRedis({ args: ['--maxmemory', '64mb'] }),
    startRedis({ args: ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction'] }),
  ]);
  await fill(redisFull);
  const [pRedisOk, pRedisFull, pPgOk, pPgDown, closed, promPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const [pgHost, pgPort] = services.KSA_PG_PRIMARY!.split(':');
  const dsn = (host: string, port: string) => `postgresql://${encodeURIComponent(services.KSA_PG_USER!)}:${encodeURIComponent(services.KSA_PG_PASSWORD!)}@${host}:${port}/postgres?sslmode=disable`;
  const addresses = await Promise.all([
    exporter('prometheus-redis-exporter', ['-redis.addr', `redis://${redisOk.endpoint}`, '-web.listen-address', `127.0.0.1:${pRedisOk}`], pRedisOk),
    exporter('prometheus-redis-exporter', ['-redis.addr', `redis://${redisFull.endpoint}`, '-web.listen-address', `127.0.0.1:${pRedisFull}`], pRedisFull),
    exporter('prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${pPgOk}`], pPgOk, { DATA_SOURCE_NAME: dsn(pgHost!, pgPort!) }),
    exporter('prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${pPgDown}`], pPgDown, { DATA_SOURCE_NAME: dsn('127.0.0.1', String(closed)) }),
  ]);
  prometheus = await startPrometheus(promPort, ['redis-ok', 'redis-full', 'pg-ok', 'pg-down'].map((job, i) => ({ job, targets: [{ address: addresses[i]! }], ...(job.startsWith('pg') ? { interval: '2s' } : {}) })));
  // Two samples per series at least, so that increase() and rate() over 5 m have an answer.
  await prometheus.ready('count_over_time(redis_up[1m]) >= 2', 2);
  await prometheus.ready('count_over_time(pg_up[1m]) >= 2', 2);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const e of exporters) e.kill('SIGKILL');
  await Promise.all([redisOk?.stop(), redisFull?.stop()]);
});

const target = (options: Record<string, unknown>): MiddlewareTargetInput => ({ type: 'prometheus', name: 'prom', endpoints: [prometheus.url], options });
const ids = (r: DiagnosticResult) => r.findings.map((f) => `${f.id}:${f.severity}`).sort();
const category = (r: DiagnosticResult, name: string) => r.categories.find((c) => c.name === name)!;

describe('prometheus plugin: rule packs over real exporters', () => {
  it('redis pack on the spare Redis: every rule evaluated, healthy', async () => {
    const { result, snapshot } = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ packs: ['redis'], selector: 'job="redis-ok"' }));
    expect(result.findings).toEqual([]);
    expect(category(result, 'redis')).toMatchObject({ status: 'healthy' });
    expect(category(result, 'redis').skipped).toBeUndefined();
    const memory = (snapshot.data as { results: Array<{ id: string; series: Array<{ value: number }> }> }).results.find((r) => r.id === 'prometheus.redis.memory')!;
    expect(memory.series[0]!.value).toBeGreaterThan(0);
    expect(memory.series[0]!.value).toBeLessThan(10);
  });

  it('redis pack on the Redis filled to maxmemory: prometheus.redis.memory is critical (> 95 %)', async () => {
    const { result } = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ packs: ['redis'], selector: 'job="redis-full"' }));
    expect(ids(result)).toEqual(['prometheus.redis.memory:critical']);
    const f = result.findings[0]!;
    expect(f.observed!.value as number).toBeGreaterThan(95);
    expect(f.threshold).toMatchObject({ warning: 90, critical: 95, source: expect.stringContaining('awesome-prometheus-alerts') });
    expect(f.node).toContain('job="redis-full"');
  });

  it('postgres pack: healthy on the shared test PostgreSQL; pg_up 0 is critical when the exporter cannot connect', async () => {
    const ok = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ packs: ['postgres'], selector: 'job="pg-ok"' }));
    expect(ok.result.findings).toEqual([]);
    expect(category(ok.result, 'postgres')).toMatchObject({ status: 'healthy' });
    const down = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ packs: ['postgres'], selector: 'job="pg-down"' }));
    expect(ids(down.result)).toEqual(['prometheus.postgres.up:critical']);
    expect(down.result.status).toBe('critical');
    // The exporter exports no activity without a connection: that rule says why it has nothing.
    expect(category(down.result, 'postgres').skipped).toContain('prometheus.postgres.connections: the query returned no series');
  });

  it('declared checks: instant and range queries judged against their own limits; empty and refused queries are unknown with the reason', async () => {
    const checks = [
      { id: 'clients', query: 'redis_connected_clients{job="redis-ok"}', critical: 1000, unit: 'clients', source: 'our limit' },
      { id: 'used', query: 'redis_memory_used_bytes{job="redis-full"}', range: 10_000, reduce: 'max', warning: 1_000_000, unit: 'bytes', source: 'capacity plan' },
    ];
    const judged = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ checks }));
    expect(ids(judged.result)).toEqual(['prometheus.query.used:warning']);
    expect(judged.result.findings[0]!.threshold).toMatchObject({ warning: 1_000_000, source: 'capacity plan' });
    expect(judged.result.findings[0]!.evidence).toMatchObject({ range: { seconds: 10, reduce: 'max' } });
    expect(judged.result.status).toBe('warning');

    const empty = await runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ checks: [{ id: 'nothing', query: 'redis_up{job="no-such-job"}', critical: 0 }, { id: 'bad', query: 'sum(', critical: 1 }] }));
    expect(empty.result.findings).toEqual([]);
    expect(empty.result.status).toBe('unknown');
    expect(category(empty.result, 'query').status).toBe('unknown');
    expect(category(empty.result, 'query').skipped).toMatch(/prometheus\.query\.nothing: the query returned no series/);
    expect(category(empty.result, 'query').skipped).toMatch(/prometheus\.query\.bad: Prometheus refused the query \(bad_data/);
  });

  it('through the CLI (a worker host, as diagnose, watch and serve run it): the full Redis exits 2', async () => {
    const run = await spawnKsa(['diagnose', 'prometheus', prometheus.url, '--option', 'packs=redis', '--option', 'selector=job="redis-full"', '--json'], {}, /^KSA_/);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { results: DiagnosticResult[] };
    expect(report.results[0]!.findings.map((f) => f.id)).toEqual(['prometheus.redis.memory']);
  });

  it('a server that never answers: KSA_ERR_TIMEOUT within the deadline; Prometheus stopped: KSA_ERR_CONNECT', async () => {
    const hanging = await startHangingServer();
    try {
      const started = Date.now();
      await expect(runPlugin(prometheusPlugin, 'prometheus-diagnostics', { type: 'prometheus', name: 'p', endpoints: [`http://${hanging.endpoint}`], options: { packs: ['redis'] } }, { timeoutMs: 1000 }))
        .rejects.toMatchObject({ code: 'KSA_ERR_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await hanging.close();
    }
    await prometheus.stop();
    const started = Date.now();
    await expect(runPlugin(prometheusPlugin, 'prometheus-diagnostics', target({ packs: ['redis'] }))).rejects.toMatchObject({ code: 'KSA_ERR_CONNECT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
