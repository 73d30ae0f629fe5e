// redis-diagnostics: standalone, Sentinel and Cluster deployments through ioredis.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { redisActions } from './actions.js';
import { collectRedis } from './collect.js';
import { connectRedis, type RedisConnection } from './connect.js';
import * as cluster from './checks/cluster.js';
import * as connection from './checks/connection.js';
import * as memory from './checks/memory.js';
import * as performanceModule from './checks/performance.js';
import * as persistence from './checks/persistence.js';
import * as replication from './checks/replication.js';
import * as security from './checks/security.js';
import * as sentinel from './checks/sentinel.js';
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
    ...memory.memoryChecks, ...connection.connectionChecks, ...replication.replicationChecks, ...persistence.persistenceChecks,
    ...performanceModule.performanceChecks, ...security.securityChecks, ...sentinel.sentinelChecks, ...cluster.clusterChecks,
  ],
  thresholds: thresholdsIn(memory, connection, replication, persistence, performanceModule, security, sentinel, cluster),
  metrics: redisMetrics,
  actions: redisActions,
});
