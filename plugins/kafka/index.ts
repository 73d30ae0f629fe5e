// kafka-diagnostics: brokers, topics/partitions and consumer lag over kafkajs's per-broker client.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { connectKafka, type KafkaConnection } from './connect.js';
import { collectKafka } from './collect.js';
import * as broker from './checks/broker.js';
import * as topic from './checks/topic.js';
import * as consumer from './checks/consumer.js';
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
  checks: [...broker.brokerChecks, ...topic.topicChecks, ...consumer.consumerChecks],
  thresholds: thresholdsIn(broker, topic, consumer),
  metrics: kafkaMetrics,
  actions: kafkaActions,
});
