// redis-diagnostics: standalone, Sentinel and Cluster deployments through ioredis.
import { defineMiddlewarePlugin } from '../../src/sdk/index.js';
import { redisActions } from './actions.js';
import { collectRedis } from './collect.js';
import { connectRedis, type RedisConnection } from './connect.js';
import { clusterChecks } from './checks/cluster.js';
import { connectionChecks } from './checks/connection.js';
import { memoryChecks } from './checks/memory.js';
import { performanceChecks } from './checks/performance.js';
import { persistenceChecks } from './checks/persistence.js';
import { replicationChecks } from './checks/replication.js';
import { securityChecks } from './checks/security.js';
import { sentinelChecks } from './checks/sentinel.js';
import { redisMetrics } from './metrics.js';
import type { RedisSnapshot } from './snapshot.js';

export const REDIS_CATEGORIES = ['memory', 'connection', 'replication', 'persistence', 'performance', 'security', 'sentinel', 'cluster'] as const;

export default defineMiddlewarePlugin<RedisConnection, RedisSnapshot>({
  info: {
    id: 'redis-diagnostics',
    version: '1.0.0',
    middleware: 'redis',
    name: 'Redis Diagnostics',
    description: 'Redis standalone, Sentinel and Cluster: memory, clients, replication, persistence, slow log, security',
    supportedVersions: ['>=5.0'],
  },
  categories: REDIS_CATEGORIES,
  connect: connectRedis,
  async disconnect(_ctx, conn) {
    conn.closeAll();
  },
  collect: collectRedis,
  checks: [
    ...memoryChecks, ...connectionChecks, ...replicationChecks, ...persistenceChecks,
    ...performanceChecks, ...securityChecks, ...sentinelChecks, ...clusterChecks,
  ],
  metrics: redisMetrics,
  actions: redisActions,
});
