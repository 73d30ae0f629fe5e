// mysql pack: mysqld_exporter's metric names (prometheus/mysqld_exporter, global status and
// variables); the limits are those of the mysql plugin, MySQLTuner and the mysqld alert rules.
import { defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import { packCheck, type PackRule } from '../pack-rule.js';

export const MYSQL_CONNECTIONS = defineThreshold({
  id: 'prometheus.mysql.connections', warning: 85, critical: 95, direction: 'above', unit: '%',
  source: 'MySQLTuner / mysqld alert rules: Threads_connected > 85% of max_connections (warn), > 95% (crit) https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/#rule-2-1-1-4',
});
export const MYSQL_SLOW_QUERIES = defineThreshold({
  id: 'prometheus.mysql.slow-queries', warning: 0, critical: null, direction: 'above', unit: '/min',
  source: 'awesome-prometheus-alerts MysqlSlowQueries: any slow query in the last minute (here averaged over 5 m) https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/',
});
export const MYSQL_LOG_WAITS = defineThreshold({
  id: 'prometheus.mysql.innodb-log-waits', warning: 10, critical: null, direction: 'above', unit: '/s',
  source: 'awesome-prometheus-alerts MysqlInnodbLogWaits: rate(Innodb_log_waits[15m]) > 10 https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/',
});
const MYSQL_UP = defineStateRule({
  id: 'prometheus.mysql.up',
  source: 'awesome-prometheus-alerts MysqlDown: mysql_up == 0 is critical https://samber.github.io/awesome-prometheus-alerts/rules/databases/mysql/',
});

export const MYSQL_RULES: PackRule[] = [
  {
    id: 'prometheus.mysql.up', category: 'mysql', judge: { equals: 1, rule: MYSQL_UP },
    query: (m) => `mysql_up${m()}`,
    needs: 'mysqld_exporter metric mysql_up',
    title: 'mysqld_exporter cannot reach MySQL',
    suggestion: 'Check that mysqld runs and the exporter\'s credentials (.my.cnf) work; the exporter log names the error.',
  },
  {
    id: 'prometheus.mysql.connections', category: 'mysql', judge: { threshold: MYSQL_CONNECTIONS },
    query: (m) => `100 * max_over_time(mysql_global_status_threads_connected${m()}[5m]) / mysql_global_variables_max_connections${m()}`,
    needs: 'mysqld_exporter metrics mysql_global_status_threads_connected and mysql_global_variables_max_connections',
    title: 'MySQL connections near max_connections',
    suggestion: 'Find who holds the connections (processlist by user and host), fix pool sizes or leaks, or raise max_connections.',
  },
  {
    id: 'prometheus.mysql.slow-queries', category: 'mysql', judge: { threshold: MYSQL_SLOW_QUERIES },
    query: (m) => `60 * rate(mysql_global_status_slow_queries${m()}[5m])`,
    needs: 'mysqld_exporter metric mysql_global_status_slow_queries, two samples in 5 m',
    title: 'MySQL slow queries',
    suggestion: 'Read the slow query log (pt-query-digest) and add the missing indexes or rewrite the queries.',
  },
  {
    id: 'prometheus.mysql.innodb-log-waits', category: 'mysql', judge: { threshold: MYSQL_LOG_WAITS },
    query: (m) => `rate(mysql_global_status_innodb_log_waits${m()}[15m])`,
    needs: 'mysqld_exporter metric mysql_global_status_innodb_log_waits, two samples in 15 m',
    title: 'InnoDB log waits',
    suggestion: 'The log buffer is too small for the write load: raise innodb_log_buffer_size.',
  },
];

export const mysqlChecks = MYSQL_RULES.map(packCheck);
