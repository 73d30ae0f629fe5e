// Numeric metrics over the reachable data nodes (sums for sizes and rates, a combined hit rate).
import { infoNumber } from './node-view.js';
import type { RedisSnapshot } from './snapshot.js';

const SUMMED = {
  used_memory: 'used_memory',
  used_memory_rss: 'used_memory_rss',
  maxmemory: 'maxmemory',
  connected_clients: 'connected_clients',
  blocked_clients: 'blocked_clients',
  ops_per_sec: 'instantaneous_ops_per_sec',
  keyspace_hits: 'keyspace_hits',
  keyspace_misses: 'keyspace_misses',
  evicted_keys: 'evicted_keys',
  expired_keys: 'expired_keys',
  rejected_connections: 'rejected_connections',
  connected_replicas: 'connected_slaves',
  total_commands_processed: 'total_commands_processed',
} as const satisfies Record<string, string>;

export function redisMetrics(data: RedisSnapshot): Record<string, number | string> {
  const nodes = data.nodes.filter((n) => n.reachable);
  const out: Record<string, number | string> = { mode: data.mode, nodes: data.nodes.length, nodes_reachable: nodes.length };
  if (nodes[0]?.info.redis_version) out.redis_version = nodes[0].info.redis_version;
  if (nodes.length === 1 && nodes[0]!.info.role) out.role = nodes[0]!.info.role === 'slave' ? 'replica' : nodes[0]!.info.role;
  for (const [name, key] of Object.entries(SUMMED)) out[name] = nodes.reduce((sum, n) => sum + (infoNumber(n, key) ?? 0), 0);
  const lookups = Number(out.keyspace_hits) + Number(out.keyspace_misses);
  if (lookups > 0) out.hit_rate_pct = Math.round((Number(out.keyspace_hits) / lookups) * 10_000) / 100;
  out.keys = nodes.reduce((sum, n) => sum + keyCount(n.info), 0);
  if (nodes.length > 0) out.uptime_seconds = Math.min(...nodes.map((n) => infoNumber(n, 'uptime_in_seconds') ?? 0));
  if (data.sentinels) out.sentinels_reachable = data.sentinels.filter((s) => s.reachable && !s.error).length;
  return out;
}

/** Keys over the keyspace lines (`db0:keys=..`); a loop, not entries(): INFO all has hundreds of fields. */
function keyCount(info: Record<string, string>): number {
  let keys = 0;
  for (const k in info) if (k.startsWith('db') && /^db\d+$/.test(k)) keys += Number(/keys=(\d+)/.exec(info[k]!)?.[1] ?? 0);
  return keys;
}
