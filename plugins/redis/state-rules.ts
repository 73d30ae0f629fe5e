// The published rule behind each state finding (link down, save failed, node fail, advice): no
// number to compare, so no limits; `source` names the rule the verdict follows. State rules are
// not override keys (ksa refuses --threshold on them; the manifest's thresholds: omits them).
import { defineStateRule } from '../../src/sdk/index.js';
import type { ThresholdSpec } from '../../src/sdk/index.js';

const SOURCES = {
  'redis.memory.usage.no-limit': 'redis.conf: maxmemory 0 means no limit, Redis grows until the kernel OOM-kills it (advice)',
  'redis.connection.unreachable': 'awesome-prometheus-alerts redis RedisDown: the node does not answer',
  'redis.connection.blocked': 'redis INFO blocked_clients (advice: normal for queue consumers)',
  'redis.connection.idle': 'ksa advice: normal clients idle more than 1 h (redis.conf timeout 0 never closes them)',
  'redis.connection.distribution': 'RedisInsight recommendations: review connections above 100 clients',
  'redis.performance.latency.disabled': 'redis latency monitor docs: LATENCY DOCTOR has no data while latency-monitor-threshold is 0',
  'redis.performance.commandstats': 'redis INFO commandstats (advice: top commands by total time)',
  'redis.persistence.rdb-status': 'redis persistence docs: rdb_last_bgsave_status must be ok (stop-writes-on-bgsave-error refuses writes otherwise)',
  'redis.persistence.aof-status': 'redis persistence docs: aof_last_write_status and aof_last_bgrewrite_status must be ok',
  'redis.persistence.disabled': 'redis persistence docs: without RDB or AOF a restart loses every key (advice)',
  'redis.replication.link': 'awesome-prometheus-alerts redis RedisReplicationBroken; redis INFO: master_link_status must be up',
  'redis.replication.link.syncing': 'redis replication docs: master_sync_in_progress:1 is a full resync',
  'redis.replication.lag.state': 'redis INFO replication: each slaveN state must be online',
  'redis.replication.no-persistence': 'redis replication docs: safety of replication when the master has persistence turned off',
  'redis.security.no-auth': 'redis security docs: require authentication (requirepass or ACL); critical when listening beyond loopback',
  'redis.security.protected-mode': 'redis security docs: protected mode (critical with no password on a non-loopback bind)',
  'redis.security.dangerous-commands': 'redis ACL docs: keep @dangerous commands from application users (warning without a password)',
  'redis.sentinel.unreachable': 'redis Sentinel docs: the configured Sentinels must answer to keep a majority',
  'redis.sentinel.unreachable.unknown-master': 'redis Sentinel docs: the master name must be monitored (SENTINEL MASTER <name>)',
  'redis.sentinel.master': 'redis Sentinel docs: s_down / o_down master flags',
  'redis.sentinel.master.failover': 'redis Sentinel docs: failover_in_progress flag',
  'redis.sentinel.master.split': 'redis Sentinel docs: every Sentinel must report the same master address',
  'redis.sentinel.quorum': 'redis Sentinel docs: SENTINEL CKQUORUM must answer OK',
  'redis.sentinel.replicas.down': 'redis Sentinel docs: replicas flagged s_down or disconnected cannot be promoted',
  'redis.cluster.state': 'redis cluster spec: cluster_state must be ok',
  'redis.cluster.slots.unassigned': 'redis cluster spec: every one of the 16384 hash slots must be assigned (any unassigned slot is critical)',
  'redis.cluster.slots.fail': 'redis cluster spec: slots on masters flagged fail are unreachable (critical); pfail is a warning',
  'redis.cluster.slots.pfail': 'redis cluster spec: slots on masters flagged pfail may become unreachable (warning)',
  'redis.cluster.nodes': 'redis cluster spec: node flags fail (critical) and pfail (warning)',
  'redis.cluster.replicas': 'redis cluster tutorial: one replica per master for automatic failover (advice)',
} as const;

export type StateFindingId = keyof typeof SOURCES;

export function stateRule(id: StateFindingId): ThresholdSpec {
  return defineStateRule({ id, source: SOURCES[id] });
}
