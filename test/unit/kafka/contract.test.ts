// The public contract kit on the Kafka plugin, as for mysql and postgres: manifest vs code, the
// guard in the path, ctx.signal honoured, and a snapshot recorded from the Kafka test cluster as a
// case. Coverage is off: each of the 19 checks has its own cases in checks-*.test.ts; here the
// recording must give exactly what the real cluster gave.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { testPlugin, type CheckCase } from '../../../src/testing/index.js';
import { recordedSnapshot } from '../../support/recorded-snapshot.js';
import kafka from '../../../plugins/kafka/index.js';

const recorded = (name: string) => recordedSnapshot(`kafka/${name}`);

const cases: CheckCase[] = [
  {
    name: 'three-broker test cluster, recorded: leadership skewed to broker 1, ListGroups and DescribeConfigs unsupported (consumer skipped, a topic check too)',
    ...recorded('snapshot-mock-cluster'),
    expect: {
      status: 'warning',
      skipped: ['consumer', 'topic'],
      findings: [
        { id: 'kafka.topic.leader-skew', severity: 'warning' },
        { id: 'kafka.topic.preferred-leader', severity: 'warning' },
        { id: 'kafka.broker.controller.not-advertised', severity: 'info' },
        { id: 'kafka.broker.api-versions', severity: 'info' },
        { id: 'kafka.topic.partition-count', severity: 'info' },
      ],
    },
  },
];

testPlugin({
  module: kafka,
  manifestPath: fileURLToPath(new URL('../../../manifests/kafka-diagnostics.yaml', import.meta.url)),
  cases,
  coverage: false,
}, { describe, it });
