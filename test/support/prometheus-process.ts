// A throwaway Prometheus (Debian's `prometheus`, installed by scripts/services.sh) on a free
// loopback port with a 1 s scrape and rule evaluation interval and its TSDB in a temp dir, for
// tests that need real PromQL over real scrapes, optionally with rule files and Alertmanagers to
// send alerts to. `ready(query)` waits until a query has an answer; stop() kills it.
import { join } from 'node:path';
import { startPrometheusFamilyDaemon } from './prometheus-family-daemon.js';
import { waitFor } from './wait-for.js';

export interface ScrapeJob {
  job: string;
  targets: Array<{ address: string; labels?: Record<string, string> }>;
  metricsPath?: string;
  /** A slower exporter (postgres_exporter answering for a server that is down takes over 1 s): e.g. 3s. */
  interval?: string;
}

export interface PrometheusOptions {
  /** Alerting and recording rule files (absolute paths), evaluated every second. */
  ruleFiles?: string[];
  /** Alertmanagers (`host:port`) the alerts of those rules are sent to. */
  alertmanagers?: string[];
}

/** An alert of /api/v1/alerts: pending or firing; `activeAt` is when it went pending. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface PrometheusProcess {
  url: string;
  /** The instant-vector answer of a query (empty on any error). */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** The alerts of its rules now (empty on any error). */
  alerts(): Promise<PrometheusAlert[]>;
  /** Waits until `promql` returns at least `series` series. */
  ready(promql: string, series?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(port: number, jobs: readonly ScrapeJob[], options: PrometheusOptions = {}): Promise<PrometheusProcess> {
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    ...(options.ruleFiles ? { rule_files: options.ruleFiles } : {}),
    ...(options.alertmanagers ? { alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers }] }] } } : {}),
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
      ...(j.interval ? { scrape_interval: j.interval, scrape_timeout: j.interval } : {}),
      static_configs: j.targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    })),
  };
  const { url, stop } = await startPrometheusFamilyDaemon({
    command: 'prometheus', port, config,
    args: (file, dir) => [`--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
  });
  const query: PrometheusProcess['query'] = async (promql) => {
    try {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = await r.json() as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data?.result ?? [];
    } catch {
      return [];
    }
  };
  const alerts: PrometheusProcess['alerts'] = async () => {
    try {
      const body = await (await fetch(`${url}/api/v1/alerts`)).json() as { data?: { alerts?: PrometheusAlert[] } };
      return body.data?.alerts ?? [];
    } catch {
      return [];
    }
  };
  return {
    url, query, alerts, stop,
    ready: (promql, series = 1, timeoutMs = 20_000) => waitFor(`Prometheus: ${promql} to return ${series} series`, async () => (await query(promql)).length >= series, timeoutMs, 200),
  };
}
