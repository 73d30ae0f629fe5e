// postgres pack: postgres_exporter's metric names (prometheus-community/postgres_exporter, its
// default collectors); the limits are those of the postgres plugin and check_postgres.
import { defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import { packCheck, type PackRule } from '../pack-rule.js';

export const PG_CONNECTIONS = defineThreshold({
  id: 'prometheus.postgres.connections', warning: 80, critical: 90, direction: 'above', unit: '%',
  source: 'check_postgres backends / postgres_exporter PostgreSQLHighConnections: used / (max_connections - superuser_reserved_connections) > 80% warn, > 90% crit https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-10',
});
export const PG_DEADLOCKS = defineThreshold({
  id: 'prometheus.postgres.deadlocks', warning: 5, critical: null, direction: 'above', unit: '/min',
  source: 'awesome-prometheus-alerts PostgresqlDeadLocks: more than 5 deadlocks a minute (here averaged over 5 m) https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-16',
});
const PG_UP = defineStateRule({
  id: 'prometheus.postgres.up',
  source: 'awesome-prometheus-alerts PostgresqlDown: pg_up == 0 is critical https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/',
});

export const POSTGRES_RULES: PackRule[] = [
  {
    id: 'prometheus.postgres.up', category: 'postgres', judge: { equals: 1, rule: PG_UP },
    query: (m) => `pg_up${m()}`,
    needs: 'postgres_exporter metric pg_up',
    title: 'postgres_exporter cannot reach PostgreSQL',
    suggestion: 'Check that PostgreSQL runs and accepts the exporter\'s DATA_SOURCE_NAME (host, user, password, pg_hba.conf); the exporter log names the error.',
  },
  {
    id: 'prometheus.postgres.connections', category: 'postgres', judge: { threshold: PG_CONNECTIONS }, nodeLabels: ['instance'],
    query: (m) => `100 * sum by (instance) (pg_stat_activity_count${m()}) / on (instance) (max by (instance) (pg_settings_max_connections${m()}) - max by (instance) (pg_settings_superuser_reserved_connections${m()}))`,
    needs: 'postgres_exporter metrics pg_stat_activity_count, pg_settings_max_connections and pg_settings_superuser_reserved_connections',
    title: 'PostgreSQL connections near max_connections',
    suggestion: 'Find who holds the connections (pg_stat_activity by application_name and state), use a pooler (PgBouncer) or raise max_connections.',
  },
  {
    id: 'prometheus.postgres.deadlocks', category: 'postgres', judge: { threshold: PG_DEADLOCKS }, nodeLabels: ['instance'],
    query: (m) => `60 * sum by (instance) (rate(pg_stat_database_deadlocks${m()}[5m]))`,
    needs: 'postgres_exporter metric pg_stat_database_deadlocks, two samples in 5 m',
    title: 'PostgreSQL deadlocks',
    suggestion: 'The server log names the statements of each deadlock: make the transactions take their locks in one order, and keep them short.',
  },
];

export const postgresChecks = POSTGRES_RULES.map(packCheck);
