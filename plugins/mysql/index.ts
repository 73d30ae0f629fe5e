// mysql-diagnostics: MySQL 8 and MariaDB over one read-only mysql2 connection.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { connectMysql, type MysqlSession } from './connect.js';
import { collectMysql } from './collect.js';
import { mysqlMetrics } from './metrics.js';
import { actions } from './actions.js';
import type { MysqlSnapshot } from './snapshot.js';
import * as connection from './checks/connection.js';
import * as replication from './checks/replication.js';
import * as performanceModule from './checks/performance.js';
import * as innodb from './checks/innodb.js';
import * as security from './checks/security.js';

export default defineMiddlewarePlugin<MysqlSession, MysqlSnapshot>({
  info: {
    id: 'mysql-diagnostics',
    version: '1.0.0',
    middleware: 'mysql',
    name: 'MySQL / MariaDB Diagnostics',
    description: 'Connections, replication, statement performance, InnoDB and account security of MySQL 8 and MariaDB servers',
    supportedVersions: ['mysql >=8.0', 'mariadb >=10.4'],
  },
  categories: ['connection', 'replication', 'performance', 'innodb', 'security'],
  connect: connectMysql,
  disconnect: async (_ctx, session) => session.close(),
  collect: collectMysql,
  checks: [...connection.connectionChecks, ...replication.replicationChecks, ...performanceModule.performanceChecks, ...innodb.innodbChecks, ...security.securityChecks],
  thresholds: thresholdsIn(connection, replication, performanceModule, innodb, security),
  metrics: mysqlMetrics,
  actions,
});
