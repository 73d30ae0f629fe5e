// redis pack: redis_exporter's metric names (oliver006/redis_exporter); the limits are those of
// the redis plugin, which judges the same INFO fields directly.
import { defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import { packCheck, type PackRule } from '../pack-rule.js';

export const REDIS_MEMORY = defineThreshold({
  id: 'prometheus.redis.memory', warning: 90, critical: 95, direction: 'above', unit: '%',
  source: 'awesome-prometheus-alerts redis RedisOutOfConfiguredMaxmemory (RedisOutOfSystemMemory without maxmemory): used > 90% (critical 95%: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-10',
});
export const REDIS_CLIENTS = defineThreshold({
  id: 'prometheus.redis.clients', warning: 90, critical: 95, direction: 'above', unit: '%',
  source: 'awesome-prometheus-alerts redis RedisTooManyConnections: connected_clients/maxclients > 90% (critical 95%: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-12',
});
export const REDIS_REJECTED = defineThreshold({
  id: 'prometheus.redis.rejected-connections', warning: 0, critical: null, direction: 'above', unit: 'connections',
  source: 'awesome-prometheus-alerts redis RedisRejectedConnections: any rejected connection (here over 5 m) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-14',
});
const REDIS_UP = defineStateRule({
  id: 'prometheus.redis.up',
  source: 'redis_exporter mixin RedisDown: redis_up == 0 is critical https://github.com/oliver006/redis_exporter/blob/master/contrib/redis-mixin/alerts/redis.libsonnet',
});

export const REDIS_RULES: PackRule[] = [
  {
    id: 'prometheus.redis.up', category: 'redis', judge: { equals: 1, rule: REDIS_UP },
    query: (m) => `redis_up${m()}`,
    needs: 'redis_exporter metric redis_up',
    title: 'redis_exporter cannot reach Redis',
    suggestion: 'Check that redis-server runs and that the exporter\'s address and password are right (the exporter log names the error).',
  },
  {
    id: 'prometheus.redis.memory', category: 'redis', judge: { threshold: REDIS_MEMORY },
    // Against maxmemory where one is set, else against the host's memory (`or` keeps the first per instance).
    query: (m) => `100 * redis_memory_used_bytes${m()} / (redis_memory_max_bytes${m()} > 0) or 100 * redis_memory_used_bytes${m()} / redis_total_system_memory_bytes${m()}`,
    needs: 'redis_exporter metrics redis_memory_used_bytes with redis_memory_max_bytes or redis_total_system_memory_bytes',
    title: 'Redis memory nearly full',
    suggestion: 'Raise maxmemory, shrink the dataset (expire or delete keys) or use an evicting maxmemory-policy; at maxmemory with noeviction every write fails with OOM.',
  },
  {
    id: 'prometheus.redis.clients', category: 'redis', judge: { threshold: REDIS_CLIENTS },
    query: (m) => `100 * redis_connected_clients${m()} / redis_config_maxclients${m()}`,
    needs: 'redis_exporter metrics redis_connected_clients and redis_config_maxclients',
    title: 'Redis clients near maxclients',
    suggestion: 'Find who holds the connections (CLIENT LIST), fix pool sizes or leaks, or raise maxclients with the file descriptor limit.',
  },
  {
    id: 'prometheus.redis.rejected-connections', category: 'redis', judge: { threshold: REDIS_REJECTED },
    query: (m) => `increase(redis_rejected_connections_total${m()}[5m])`,
    needs: 'redis_exporter metric redis_rejected_connections_total, two samples in 5 m',
    title: 'Redis rejected connections',
    suggestion: 'Connections were refused at maxclients: raise maxclients (and ulimit -n) or reduce the connections each client holds.',
  },
];

export const redisChecks = REDIS_RULES.map(packCheck);
