// The Kafka rule packs evaluated by a real Prometheus: no broker runs on the test machines, so a
// local HTTP server serves exporter output in kafka_exporter's and jmx_exporter's format
// (test/fixtures/prometheus/kafka/, one kafka_exporter and three broker files per cluster) as
// scrape targets. The healthy cluster passes both packs; the broken one fires every rule.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prometheusPlugin from '../../../plugins/prometheus/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { startPrometheus, type PrometheusProcess } from '../../support/prometheus-process.js';
import { loadServicesEnv, repoRoot } from '../../support/services.js';
import { spawnKsa } from '../../support/spawn-ksa.js';
import { startWatch } from '../../support/watch-process.js';
import { freePort } from '../redis/redis-servers.js';
import type { DiagnosticResult, Report } from '../../../src/core/types.js';

const fixtures = join(repoRoot, 'test/fixtures/prometheus/kafka');
let files: Server;
let prometheus: PrometheusProcess;
let scrapes = 0;

beforeAll(async () => {
  files = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\//, '');
    if (!/^(healthy|broken)-(kafka-exporter|broker-[123])$/.test(name)) { res.writeHead(404).end(); return; }
    // The broken broker's IsrShrinksPerSec count grows by 5 a scrape: a rate needs a moving counter.
    if (name === 'broken-broker-1') scrapes += 1;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(readFileSync(join(fixtures, `${name}.prom`), 'utf8').replace('__ISR_SHRINKS__', String(5 * scrapes)));
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const address = `127.0.0.1:${(files.address() as AddressInfo).port}`;
  const target = (cluster: string, file: string, instance: string) => ({ address, labels: { __metrics_path__: `/${cluster}-${file}`, instance, cluster } });
  prometheus = await startPrometheus(await freePort(), [
    { job: 'kafka-exporter', targets: ['healthy', 'broken'].map((c) => target(c, 'kafka-exporter', `${c}-kafka-exporter`)) },
    { job: 'kafka-jmx', targets: ['healthy', 'broken'].flatMap((c) => [1, 2, 3].map((b) => target(c, `broker-${b}`, `${c}-broker-${b}`))) },
  ]);
  await prometheus.ready('count_over_time(kafka_server_replicamanager_isrshrinks_total[1m]) >= 3', 6);
  await prometheus.ready('kafka_brokers', 2);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await new Promise((r) => (files ? files.close(r) : r(undefined)));
});

const run = (cluster: string) => runPlugin(prometheusPlugin, 'prometheus-diagnostics', { type: 'prometheus', name: `kafka-${cluster}`, endpoints: [prometheus.url], options: { packs: ['kafka', 'kafka-jmx'], selector: `cluster="${cluster}"` } });
const ids = (r: DiagnosticResult) => r.findings.map((f) => `${f.id}:${f.severity}:${f.node}`).sort();

describe('Kafka rule packs over recorded-format exporter output', () => {
  it('healthy cluster: both packs evaluated, every rule has an answer, no finding', async () => {
    const { result } = await run('healthy');
    expect(result.findings).toEqual([]);
    expect(result.categories.filter((c) => c.name.startsWith('kafka')).map((c) => [c.name, c.status, c.skipped])).toEqual([['kafka', 'healthy', undefined], ['kafka-jmx', 'healthy', undefined]]);
    expect(result.status).toBe('healthy');
  });

  it('broken cluster: under-replicated partitions (both exporters), offline, under min ISR, two controllers, ISR shrinking, slow produce, consumer lag', async () => {
    const { result } = await run('broken');
    expect(ids(result)).toEqual([
      'prometheus.kafka-jmx.active-controller:critical:total',
      'prometheus.kafka-jmx.isr-shrinks:warning:total',
      'prometheus.kafka-jmx.offline-partitions:critical:total',
      'prometheus.kafka-jmx.produce-latency:critical:instance="broken-broker-1"',
      'prometheus.kafka-jmx.under-min-isr:critical:total',
      'prometheus.kafka-jmx.under-replicated:warning:total',
      'prometheus.kafka.consumer-lag:warning:consumergroup="billing"',
      'prometheus.kafka.under-replicated:warning:topic="orders"',
    ]);
    const byId = Object.fromEntries(result.findings.map((f) => [f.id, f]));
    expect(byId['prometheus.kafka-jmx.active-controller']!.observed?.value).toBe(2);
    expect(byId['prometheus.kafka-jmx.under-replicated']!.observed?.value).toBe(3);
    expect(byId['prometheus.kafka.consumer-lag']!.observed?.value).toBe(57_000);
    expect(byId['prometheus.kafka-jmx.produce-latency']!.observed?.value).toBe(2500);
    expect(byId['prometheus.kafka-jmx.isr-shrinks']!.observed?.value as number).toBeGreaterThan(0);
    expect(result.status).toBe('critical');
  });
});

describe('one Kafka target, two sources: the kafka plugin and the Prometheus rule packs (ksa.yaml also:)', () => {
  it('ksa diagnose --config reports both under the target\'s group, each by its own plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksa-also-'));
    try {
      const bootstrap = loadServicesEnv().KSA_KAFKA_BOOTSTRAP!.split(',');
      writeFileSync(join(dir, 'ksa.yaml'), JSON.stringify({
        targets: [{
          name: 'events', type: 'kafka', endpoints: bootstrap, labels: { team: 'data' },
          also: [{ type: 'prometheus', endpoints: [prometheus.url], options: { packs: ['kafka', 'kafka-jmx'], selector: 'cluster="broken"' } }],
        }],
      }));
      const run = await spawnKsa(['diagnose', '--config', join(dir, 'ksa.yaml'), '--json'], {}, /^KSA_/);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.results.map((r) => [r.target.name, r.target.group, r.plugin.id])).toEqual([
        ['events', 'events', 'kafka-diagnostics'],
        ['events/prometheus', 'events', 'prometheus-diagnostics'],
      ]);
      const fromPrometheus = report.results[1]!;
      expect(fromPrometheus.findings.map((f) => f.id)).toContain('prometheus.kafka-jmx.offline-partitions');
      expect(report.results[0]!.errors).toEqual([]);
      expect(run.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ksa watch over the same config', () => {
  it('the Prometheus source of the Kafka target fires its findings as events of events/prometheus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksa-also-watch-'));
    const bootstrap = loadServicesEnv().KSA_KAFKA_BOOTSTRAP!.split(',');
    writeFileSync(join(dir, 'ksa.yaml'), JSON.stringify({
      defaults: { interval: '1s', timeout: '5s' },
      targets: [{ name: 'events', type: 'kafka', endpoints: bootstrap, also: [{ type: 'prometheus', endpoints: [prometheus.url], options: { packs: ['kafka-jmx'], selector: 'cluster="broken"' } }] }],
    }));
    const w = startWatch(['--config', join(dir, 'ksa.yaml'), '--state-dir', join(dir, 'state'), '--output', 'json']);
    try {
      const fired = await w.next('offline partitions firing', (e) => e.kind === 'finding' && e.target === 'events/prometheus' && e.finding?.id === 'prometheus.kafka-jmx.offline-partitions' && e.to === 'firing', 20_000);
      expect(fired.finding).toMatchObject({ severity: 'critical' });
      await w.next('a cycle of the kafka source', (e) => e.target === 'events', 20_000);
    } finally {
      w.kill('SIGKILL');
      await w.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
