// kafka-diagnostics: brokers, topics/partitions and consumer lag over kafkajs's per-broker client.
import { defineMiddlewarePlugin } from '../../src/sdk/index.js';
import { connectKafka, type KafkaConnection } from './connect.js';
import { collectKafka } from './collect.js';
import { brokerChecks } from './checks/broker.js';
import { topicChecks } from './checks/topic.js';
import { consumerChecks } from './checks/consumer.js';
import { kafkaMetrics } from './metrics.js';
import { kafkaActions } from './actions.js';
import type { KafkaSnapshotData } from './snapshot.js';

export default defineMiddlewarePlugin<KafkaConnection, KafkaSnapshotData>({
  info: {
    id: 'kafka-diagnostics',
    name: 'Kafka Diagnostics',
    version: '1.0.0',
    middleware: 'kafka',
    description: 'Kafka brokers, topics and partitions, consumer group lag (Burrow rules when sampled)',
    supportedVersions: ['>=0.11'],
  },
  categories: ['broker', 'topic', 'consumer'],
  connect: connectKafka,
  disconnect: async (_ctx, conn) => conn.close(),
  collect: collectKafka,
  checks: [...brokerChecks, ...topicChecks, ...consumerChecks],
  metrics: kafkaMetrics,
  actions: kafkaActions,
});
