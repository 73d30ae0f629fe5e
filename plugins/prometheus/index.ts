// prometheus-diagnostics: reads what a Prometheus-API server (Prometheus, Thanos, VictoriaMetrics,
// Mimir) already knows: PromQL checks declared per target in ksa.yaml, and shipped rule packs for
// Kafka (kafka_exporter, jmx_exporter), Redis, PostgreSQL and MySQL exporters. GET only.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { collectPrometheus } from './collect.js';
import { connectPrometheus, type PrometheusConnection } from './connect.js';
import * as kafka from './checks/kafka.js';
import * as kafkaJmx from './checks/kafka-jmx.js';
import * as mysql from './checks/mysql.js';
import * as postgres from './checks/postgres.js';
import * as query from './checks/query.js';
import * as redis from './checks/redis.js';
import type { PrometheusSnapshot } from './snapshot.js';

export const PROMETHEUS_CATEGORIES = ['query', 'kafka', 'kafka-jmx', 'redis', 'postgres', 'mysql'] as const;

export default defineMiddlewarePlugin<PrometheusConnection, PrometheusSnapshot>({
  info: {
    id: 'prometheus-diagnostics',
    version: '1.0.0',
    middleware: 'prometheus',
    name: 'Prometheus rule checks',
    description: 'PromQL checks and exporter rule packs (Kafka, Redis, PostgreSQL, MySQL) against a Prometheus-API server',
  },
  categories: PROMETHEUS_CATEGORIES,
  connect: connectPrometheus,
  collect: collectPrometheus,
  checks: [...query.queryChecks, ...kafka.kafkaChecks, ...kafkaJmx.kafkaJmxChecks, ...redis.redisChecks, ...postgres.postgresChecks, ...mysql.mysqlChecks],
  thresholds: thresholdsIn(query, kafka, kafkaJmx, redis, postgres, mysql),
  metrics: (data) => ({ rules_evaluated: data.results.length, series: data.results.reduce((n, r) => n + r.seriesTotal, 0) }),
});
