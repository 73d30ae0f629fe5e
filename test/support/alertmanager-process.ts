// A throwaway Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, no
// cluster gossip, its storage in a temp dir, configured from the object the test gives.
// alerts() reads /api/v2/alerts back; stop() kills it.
import { join } from 'node:path';
import { freePort } from '../integration/redis/redis-servers.js';
import { startPrometheusFamilyDaemon } from './prometheus-family-daemon.js';

/** An alert of Alertmanager's API v2 (`GettableAlert`). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed' };
  receivers: Array<{ name: string }>;
}

export interface AlertmanagerProcess {
  url: string;
  /** `host:port`, as Prometheus' alerting config wants it. */
  address: string;
  /** /api/v2/alerts, optionally with matchers (`target="cache"`); throws when it does not answer. */
  alerts(filter?: string[]): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

/** A config that receives alerts and sends them nowhere (for tests that read /api/v2/alerts only). */
export const blackholeConfig = { route: { receiver: 'blackhole' }, receivers: [{ name: 'blackhole' }] };

export async function startAlertmanager(config: object = blackholeConfig): Promise<AlertmanagerProcess> {
  const port = await freePort();
  const { url, stop } = await startPrometheusFamilyDaemon({
    command: 'prometheus-alertmanager', port, config,
    args: (file, dir) => [`--config.file=${file}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
  });
  return {
    url,
    address: `127.0.0.1:${port}`,
    async alerts(filter = []) {
      const res = await fetch(`${url}/api/v2/alerts${filter.map((f, i) => `${i ? '&' : '?'}filter=${encodeURIComponent(f)}`).join('')}`);
      if (!res.ok) throw new Error(`Alertmanager /api/v2/alerts: HTTP ${res.status} ${await res.text()}`);
      return await res.json() as AlertmanagerAlert[];
    },
    stop,
  };
}
