// Numbers worth graphing from a snapshot (`ksa diagnose --json` .metrics, getMetrics()).
import { roundToHundredths } from '../../src/sdk/index.js';
import type { MysqlSnapshot } from './snapshot.js';
import { replicaState } from './replica-status.js';
import { quantileMs } from './checks/performance.js';
import { numericSetting, percent, stat } from './server-values.js';

export function mysqlMetrics(data: MysqlSnapshot): Record<string, number | string> {
  const out: Record<string, number | string> = {
    flavor: data.server.flavor,
    version: data.server.version,
  };
  const put = (name: string, value: number | null) => { if (value !== null && Number.isFinite(value)) out[name] = roundToHundredths(value); };
  const uptime = stat(data, 'Uptime');
  const max = numericSetting(data, 'max_connections');
  const connected = stat(data, 'Threads_connected');
  put('uptime_seconds', uptime);
  put('threads_connected', connected);
  put('threads_running', stat(data, 'Threads_running'));
  put('max_connections', max);
  put('connections_used_pct', max && connected !== null ? percent(connected, max) : null);
  put('questions_per_second', uptime ? (stat(data, 'Questions') ?? 0) / uptime : null);
  const requests = stat(data, 'Innodb_buffer_pool_read_requests');
  const reads = stat(data, 'Innodb_buffer_pool_reads');
  put('innodb_buffer_pool_hit_rate_pct', requests ? 100 - percent(reads ?? 0, requests) : null);
  const total = stat(data, 'Innodb_buffer_pool_pages_total');
  const free = stat(data, 'Innodb_buffer_pool_pages_free');
  put('innodb_buffer_pool_used_pct', total && free !== null ? percent(total - free, total) : null);
  put('innodb_deadlocks', stat(data, 'Innodb_deadlocks'));
  const replicas = (data.replication?.replicas ?? []).map(replicaState);
  if (data.replication) {
    put('replication_sources', replicas.length);
    const lags = replicas.map((r) => r.lagSeconds).filter((l): l is number => l !== null);
    put('replication_lag_seconds_max', lags.length > 0 ? Math.max(...lags) : null);
    const attached = data.replication.attached;
    if ('value' in attached) put('replicas_attached', attached.value.length);
  }
  const histogram = data.performance?.histogram;
  if (histogram && 'value' in histogram) {
    put('statement_latency_p95_ms', quantileMs(histogram.value, 0.95));
    put('statement_latency_p99_ms', quantileMs(histogram.value, 0.99));
  }
  return out;
}
