// kafka pack: kafka_exporter's metric names (danielqsj/kafka_exporter): under-replicated
// partitions per topic and consumer group lag per group.
import { defineThreshold } from '../../../src/sdk/index.js';
import { packCheck, type PackRule } from '../pack-rule.js';

export const UNDER_REPLICATED = defineThreshold({
  id: 'prometheus.kafka.under-replicated', warning: 0, critical: null, direction: 'above', unit: 'partitions',
  source: 'Strimzi example alert rules, kafka_exporter UnderReplicatedPartition: kafka_topic_partition_under_replicated_partition > 0 warns https://github.com/strimzi/strimzi-kafka-operator/blob/main/packaging/examples/metrics/prometheus-install/prometheus-rules.yaml',
});
export const CONSUMER_LAG = defineThreshold({
  id: 'prometheus.kafka.consumer-lag', warning: 10_000, critical: null, direction: 'above', unit: 'messages',
  source: 'awesome-prometheus-alerts kafka: consumer group lag sum > 10,000 is a warning https://samber.github.io/awesome-prometheus-alerts/rules/message-brokers/kafka/#rule-3-3-1-2',
});

export const KAFKA_RULES: PackRule[] = [
  {
    id: 'prometheus.kafka.under-replicated', category: 'kafka', judge: { threshold: UNDER_REPLICATED },
    query: (m) => `sum by (topic) (kafka_topic_partition_under_replicated_partition${m()})`,
    needs: 'kafka_exporter metric kafka_topic_partition_under_replicated_partition',
    title: 'Under-replicated partitions',
    suggestion: 'Find the broker that is behind or down (kafka-topics.sh --describe --under-replicated-partitions), check its disk, network and logs; the ISR refills once it catches up.',
  },
  {
    id: 'prometheus.kafka.consumer-lag', category: 'kafka', judge: { threshold: CONSUMER_LAG },
    query: (m) => `sum by (consumergroup) (kafka_consumergroup_lag${m()})`,
    needs: 'kafka_exporter metric kafka_consumergroup_lag (groups with committed offsets)',
    title: 'Consumer group lag',
    suggestion: 'Check that the group\'s consumers run and keep up (kafka-consumer-groups.sh --describe --group <group>): scale consumers up to the partition count or fix slow processing.',
  },
];

export const kafkaChecks = KAFKA_RULES.map(packCheck);
