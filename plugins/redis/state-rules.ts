// The published rule behind each state finding (link down, save failed, node fail, advice): no
// number to compare, so no limits; `source` names the rule the verdict follows and ends with the
// URL of that upstream section (ksa advice: the page of the setting or field). State rules are
// not override keys (ksa refuses --threshold on them; the manifest's thresholds: omits them).
import { defineStateRule } from '../../src/sdk/index.js';
import type { ThresholdSpec } from '../../src/sdk/index.js';

const SOURCES = {
  'redis.memory.usage.no-limit': 'redis.conf: maxmemory 0 means no limit, Redis grows until the kernel OOM-kills it (ksa advice) https://redis.io/docs/latest/develop/reference/eviction/#maxmem',
  'redis.connection.unreachable': 'awesome-prometheus-alerts redis RedisDown: the node does not answer https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-1',
  'redis.connection.blocked': 'redis INFO blocked_clients: clients waiting in a blocking command such as BLPOP (ksa advice: normal for queue consumers) https://redis.io/docs/latest/commands/blpop/',
  'redis.connection.idle': 'ksa advice: normal clients idle more than 1 h (redis.conf timeout 0 never closes them) https://redis.io/docs/latest/develop/reference/clients/#client-timeouts',
  'redis.connection.distribution': 'RedisInsight recommendations: review connections above 100 clients, by who holds them (CLIENT LIST addr and name) https://redis.io/docs/latest/commands/client-list/',
  'redis.performance.latency.disabled': 'redis latency monitor docs: LATENCY DOCTOR has no data while latency-monitor-threshold is 0 https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/latency-monitor/#how-to-enable-latency-monitoring',
  'redis.performance.commandstats': 'redis INFO commandstats (ksa advice: top commands by total time) https://redis.io/docs/latest/commands/info/',
  'redis.persistence.rdb-status': 'redis persistence docs: rdb_last_bgsave_status must be ok (stop-writes-on-bgsave-error refuses writes otherwise) https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/#snapshotting',
  'redis.persistence.aof-status': 'redis persistence docs: aof_last_write_status and aof_last_bgrewrite_status must be ok https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/#append-only-file',
  'redis.persistence.disabled': 'redis persistence docs: without RDB or AOF a restart loses every key (ksa advice) https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/',
  'redis.replication.link': 'awesome-prometheus-alerts redis RedisMasterLinkDown; redis INFO: master_link_status must be up https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-7',
  'redis.replication.link.syncing': 'redis replication docs: master_sync_in_progress:1 is a full resync https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#how-redis-replication-works',
  'redis.replication.lag.state': 'redis INFO replication: each slaveN state must be online https://redis.io/docs/latest/commands/info/',
  'redis.replication.no-persistence': 'redis replication docs: safety of replication when the master has persistence turned off https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#safety-of-replication-when-master-has-persistence-turned-off',
  'redis.security.no-auth': 'redis security docs: require authentication (requirepass or ACL); critical when listening beyond loopback https://redis.io/docs/latest/operate/oss_and_stack/management/security/#authentication',
  'redis.security.protected-mode': 'redis security docs: protected mode (critical with no password on a non-loopback bind) https://redis.io/docs/latest/operate/oss_and_stack/management/security/#protected-mode',
  'redis.security.dangerous-commands': 'redis ACL docs: keep @dangerous commands from application users (warning without a password) https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/#command-categories',
  'redis.sentinel.unreachable': 'redis Sentinel docs: the configured Sentinels must answer to keep a majority https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#quorum',
  'redis.sentinel.unreachable.unknown-master': 'redis Sentinel docs: the master name must be monitored (sentinel monitor <master-name>, SENTINEL MASTER <name>) https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel',
  'redis.sentinel.master': 'redis Sentinel docs: s_down / o_down master flags https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sdown-and-odown-failure-state',
  'redis.sentinel.master.failover': 'redis Sentinel docs: failover_in_progress flag (a failover is under way) https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#testing-the-failover',
  'redis.sentinel.master.split': 'redis Sentinel docs: every Sentinel must report the same master address https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#consistency-under-partitions',
  'redis.sentinel.quorum': 'redis Sentinel docs: SENTINEL CKQUORUM must answer OK https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-commands',
  'redis.sentinel.replicas.down': 'redis Sentinel docs: replicas flagged s_down or disconnected cannot be promoted https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#replica-selection-and-priority',
  'redis.cluster.state': 'awesome-prometheus-alerts redis cluster state not ok: cluster_state must be ok https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-6',
  'redis.cluster.slots.unassigned': 'redis CLUSTER INFO: every one of the 16384 hash slots must be assigned (any unassigned slot is critical) https://redis.io/docs/latest/commands/cluster-info/',
  'redis.cluster.slots.fail': 'awesome-prometheus-alerts redis cluster slot fail: slots on masters flagged fail are unreachable (critical in ksa); pfail is a warning https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-8',
  'redis.cluster.slots.pfail': 'awesome-prometheus-alerts redis cluster slot pfail: slots on masters flagged pfail may become unreachable (warning) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-15',
  'redis.cluster.nodes': 'redis cluster spec: node flags fail (critical) and pfail (warning) https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#failure-detection',
  'redis.cluster.replicas': 'redis cluster tutorial: one replica per master for automatic failover (ksa advice) https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/#redis-cluster-master-replica-model',
} as const;

export type StateFindingId = keyof typeof SOURCES;

// Defined once, when the checks import this module: each source is checked for its URL at import,
// and stateRules() lists every one of them without a check having to run.
const RULES = Object.fromEntries(Object.entries(SOURCES).map(([id, source]) => [id, defineStateRule({ id, source })])) as Record<StateFindingId, ThresholdSpec>;

export function stateRule(id: StateFindingId): ThresholdSpec {
  return RULES[id];
}
