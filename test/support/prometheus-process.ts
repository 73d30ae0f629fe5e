// A throwaway Prometheus (Debian's `prometheus`, installed by scripts/services.sh) on a free
// loopback port with a 1 s scrape interval and its TSDB in a temp dir, for tests that need real
// PromQL over real scrapes. `ready(query)` waits until a query has an answer; stop() kills it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export interface ScrapeJob {
  job: string;
  targets: Array<{ address: string; labels?: Record<string, string> }>;
  metricsPath?: string;
  /** A slower exporter (postgres_exporter answering for a server that is down takes over 1 s): e.g. 3s. */
  interval?: string;
}

export interface PrometheusProcess {
  url: string;
  /** The instant-vector answer of a query (empty on any error). */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Waits until `promql` returns at least `series` series. */
  ready(promql: string, series?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(port: number, jobs: readonly ScrapeJob[]): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ksa-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
      ...(j.interval ? { scrape_interval: j.interval, scrape_timeout: j.interval } : {}),
      static_configs: j.targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    })),
  };
  // JSON is YAML: no YAML writer needed for the config.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  let stderr = '';
  const child = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000); });
  child.once('error', (e) => { stderr += `${e.message} (scripts/services.sh installs prometheus)`; });
  const url = `http://127.0.0.1:${port}`;
  const query: PrometheusProcess['query'] = async (promql) => {
    try {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = await r.json() as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data?.result ?? [];
    } catch {
      return [];
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`Prometheus to answer on ${port} (stderr: ${stderr.slice(-300)})`, async () => (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)), 20_000, 100);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url, query, stop,
    ready: (promql, series = 1, timeoutMs = 20_000) => waitFor(`Prometheus: ${promql} to return ${series} series`, async () => (await query(promql)).length >= series, timeoutMs, 200),
  };
}
