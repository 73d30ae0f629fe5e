// postgres-diagnostics: PostgreSQL 12-17 over one read-only pg Client.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { actions } from './actions.js';
import { CATEGORIES, collectPostgres } from './collect.js';
import { connectPostgres, type PgConn } from './connect.js';
import { metricsOf } from './metrics.js';
import { PROBE_SQL } from './queries.js';
import * as connection from './checks/connection.js';
import * as replication from './checks/replication.js';
import * as locks from './checks/locks.js';
import * as performanceModule from './checks/performance.js';
import * as maintenance from './checks/maintenance.js';
import * as security from './checks/security.js';
import type { PgSnapshot } from './snapshot.js';

export default defineMiddlewarePlugin<PgConn, PgSnapshot>({
  info: {
    id: 'postgres-diagnostics',
    version: '1.0.0',
    middleware: 'postgres',
    name: 'PostgreSQL Diagnostics',
    description: 'Connections, replication, locks, performance, maintenance and security of PostgreSQL 12-17',
    supportedVersions: ['12', '13', '14', '15', '16', '17'],
  },
  categories: CATEGORIES,
  connect: (ctx, target) => connectPostgres(ctx, target, PROBE_SQL),
  disconnect: (_ctx, conn) => conn.close(),
  collect: (_ctx, conn, request) => collectPostgres(conn, request),
  checks: [...connection.connectionChecks, ...replication.replicationChecks, ...locks.lockChecks, ...performanceModule.performanceChecks, ...maintenance.maintenanceChecks, ...security.securityChecks],
  thresholds: thresholdsIn(connection, replication, locks, performanceModule, maintenance, security),
  metrics: metricsOf,
  actions,
});
