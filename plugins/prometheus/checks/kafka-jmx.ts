// kafka-jmx pack: broker JMX through jmx_exporter, with the metric names of its Kafka example
// rules (kafka-2_0_0.yml: kafka_<domain>_<type>_<name>, *PerSec counts as _total, percentiles as
// quantile labels). The limits are those the Kafka operations docs give for each MBean.
import { defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import { packCheck, type PackRule } from '../pack-rule.js';

const KAFKA_MONITORING = 'https://kafka.apache.org/documentation/#monitoring';

export const JMX_UNDER_REPLICATED = defineThreshold({
  id: 'prometheus.kafka-jmx.under-replicated', warning: 0, critical: null, direction: 'above', unit: 'partitions',
  source: `Kafka docs (monitoring): kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions, normal value 0 ${KAFKA_MONITORING}`,
});
export const JMX_OFFLINE = defineThreshold({
  id: 'prometheus.kafka-jmx.offline-partitions', warning: null, critical: 0, direction: 'above', unit: 'partitions',
  source: `Kafka docs (monitoring): kafka.controller:type=KafkaController,name=OfflinePartitionsCount, normal value 0; an offline partition can be neither written nor read ${KAFKA_MONITORING}`,
});
export const JMX_UNDER_MIN_ISR = defineThreshold({
  id: 'prometheus.kafka-jmx.under-min-isr', warning: null, critical: 0, direction: 'above', unit: 'partitions',
  source: `Kafka docs (monitoring): kafka.server:type=ReplicaManager,name=UnderMinIsrPartitionCount, normal value 0; acks=all producers fail on them ${KAFKA_MONITORING}`,
});
export const JMX_ISR_SHRINKS = defineThreshold({
  id: 'prometheus.kafka-jmx.isr-shrinks', warning: 0, critical: null, direction: 'above', unit: '/s',
  source: `Kafka docs (monitoring): IsrShrinksPerSec, expected value 0 outside a broker restart ${KAFKA_MONITORING}`,
});
export const JMX_PRODUCE_P99 = defineThreshold({
  id: 'prometheus.kafka-jmx.produce-latency', warning: 500, critical: 2000, direction: 'above', unit: 'ms',
  source: `ksa default (the Kafka docs list RequestMetrics TotalTimeMs without a limit): Produce p99 > 500 ms warns, > 2 s critical ${KAFKA_MONITORING}`,
});
const ONE_CONTROLLER = defineStateRule({
  id: 'prometheus.kafka-jmx.active-controller',
  source: `Kafka docs (monitoring): ActiveControllerCount, exactly one broker in the cluster has 1 ${KAFKA_MONITORING}`,
});

export const KAFKA_JMX_RULES: PackRule[] = [
  {
    id: 'prometheus.kafka-jmx.under-replicated', category: 'kafka-jmx', judge: { threshold: JMX_UNDER_REPLICATED },
    query: (m) => `sum(kafka_server_replicamanager_underreplicatedpartitions${m()})`,
    needs: 'jmx_exporter metric kafka_server_replicamanager_underreplicatedpartitions',
    title: 'Under-replicated partitions (broker JMX)',
    suggestion: 'Find the broker that is behind or down, check its disk, network and logs; the ISR refills once it catches up.',
  },
  {
    id: 'prometheus.kafka-jmx.offline-partitions', category: 'kafka-jmx', judge: { threshold: JMX_OFFLINE },
    query: (m) => `sum(kafka_controller_kafkacontroller_offlinepartitionscount${m()})`,
    needs: 'jmx_exporter metric kafka_controller_kafkacontroller_offlinepartitionscount',
    title: 'Offline partitions',
    suggestion: 'Bring back the brokers holding the partitions\' replicas; only if they are lost for good, consider unclean leader election (it loses data).',
  },
  {
    id: 'prometheus.kafka-jmx.under-min-isr', category: 'kafka-jmx', judge: { threshold: JMX_UNDER_MIN_ISR },
    query: (m) => `sum(kafka_server_replicamanager_underminisrpartitioncount${m()})`,
    needs: 'jmx_exporter metric kafka_server_replicamanager_underminisrpartitioncount',
    title: 'Partitions under min.insync.replicas',
    suggestion: 'acks=all producers get NotEnoughReplicas on these partitions: restore the missing replicas (broker down or behind).',
  },
  {
    id: 'prometheus.kafka-jmx.active-controller', category: 'kafka-jmx', judge: { equals: 1, rule: ONE_CONTROLLER },
    query: (m) => `sum(kafka_controller_kafkacontroller_activecontrollercount${m()})`,
    needs: 'jmx_exporter metric kafka_controller_kafkacontroller_activecontrollercount from every broker',
    title: 'Active controller count is not 1',
    suggestion: '0: no controller, so no leader elections or topic changes: check ZooKeeper/KRaft quorum health; more than 1: a split brain, restart the stale controller.',
  },
  {
    id: 'prometheus.kafka-jmx.isr-shrinks', category: 'kafka-jmx', judge: { threshold: JMX_ISR_SHRINKS },
    query: (m) => `sum(rate(kafka_server_replicamanager_isrshrinks_total${m()}[5m]))`,
    needs: 'jmx_exporter metric kafka_server_replicamanager_isrshrinks_total, two samples in 5 m',
    title: 'ISR shrinking',
    suggestion: 'Followers fall out of sync: check the slow broker (GC pauses, disk, network) and replica.lag.time.max.ms.',
  },
  {
    id: 'prometheus.kafka-jmx.produce-latency', category: 'kafka-jmx', judge: { threshold: JMX_PRODUCE_P99 }, nodeLabels: ['instance'],
    query: (m) => `max by (instance) (kafka_network_requestmetrics_totaltimems${m('request="Produce",quantile="0.99"')})`,
    needs: 'jmx_exporter metric kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.99"}',
    title: 'Slow produce requests (p99)',
    suggestion: 'Break TotalTimeMs down (RequestQueueTimeMs, LocalTimeMs, RemoteTimeMs, ResponseQueueTimeMs): remote time is waiting on followers (acks=all), local time the disk.',
  },
];

export const kafkaJmxChecks = KAFKA_JMX_RULES.map(packCheck);
