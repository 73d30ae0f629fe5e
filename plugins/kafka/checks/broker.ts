// broker: every advertised broker reachable, a controller, enough brokers, what each broker speaks.
import { defineCheck, defineThreshold, type Finding } from '../../../src/sdk/index.js';
import type { ApiName } from '../kafka-wire.js';
import { supports } from '../api-support.js';
import type { KafkaSnapshotData } from '../snapshot.js';

export const UNREACHABLE = defineThreshold({
  id: 'kafka.broker.unreachable', warning: null, critical: 0, direction: 'above', unit: 'brokers',
  source: 'Kafka clients connect to the advertised.listeners address of every broker Metadata returns: one they cannot reach makes its partitions unavailable (critical) https://kafka.apache.org/documentation/#brokerconfigs_advertised.listeners',
});

export const BOOTSTRAP_UNREACHABLE = defineThreshold({
  id: 'kafka.broker.bootstrap-unreachable', warning: 0, critical: null, direction: 'above', unit: 'servers',
  source: 'bootstrap.servers: clients try the listed servers to find the cluster; a dead entry slows every client start and leaves fewer to fall back on https://kafka.apache.org/documentation/#producerconfigs_bootstrap.servers',
});

export const BROKER_COUNT = defineThreshold({
  id: 'kafka.broker.count', warning: 3, critical: null, direction: 'below', unit: 'brokers',
  source: 'Kafka docs (replication): replication.factor 3 with min.insync.replicas 2 needs >= 3 brokers to survive one failure https://kafka.apache.org/documentation/#brokerconfigs_min.insync.replicas',
});

/** APIs this plugin uses, and what goes unchecked without each. */
const NEEDED_APIS: Partial<Record<ApiName, string>> = {
  ListOffsets: 'log-start/high-watermark offsets (lag)',
  OffsetFetch: 'committed offsets (lag)',
  ListGroups: 'discovering consumer groups (pass --group instead)',
  DescribeGroups: 'group state and members',
  DescribeConfigs: 'min.insync.replicas (under-min-ISR)',
};

const unreachable = defineCheck<KafkaSnapshotData>({
  id: 'kafka.broker.unreachable',
  category: 'broker',
  run(data, ctx) {
    const down = data.brokers.filter((b) => !b.reachable);
    return down.map((b) => ctx.judge(UNREACHABLE, down.length, {
      title: `Broker ${b.id} (${b.host}:${b.port}) is not reachable`,
      detail: `${down.length} of ${data.brokers.length} advertised brokers did not accept a connection: ${b.error ?? 'unknown error'}. Partitions it leads are unavailable to clients.`,
      suggestion: `Check that broker ${b.id} is running and that ${b.host}:${b.port} (its advertised.listeners address) is reachable from clients; see its server.log.`,
      evidence: { brokerId: b.id, host: b.host, port: b.port, error: b.error, reachable: data.brokers.filter((x) => x.reachable).map((x) => x.id) },
      node: `broker:${b.id}`,
    }));
  },
});

// A bootstrap server that does not answer is reported, while the diagnosis goes on through the
// ones that do (the target is named after the whole list, not after the first or a dead one).
const bootstrapUnreachable = defineCheck<KafkaSnapshotData>({
  id: 'kafka.broker.bootstrap-unreachable',
  category: 'broker',
  run(data, ctx) {
    const servers = data.bootstrapServers;
    if (servers === undefined) return null; // a snapshot from before bootstrap servers were recorded
    const down = servers.filter((s) => !s.reachable);
    const advertised = new Set(data.brokers.map((b) => `${b.host}:${b.port}`));
    return ctx.judge(BOOTSTRAP_UNREACHABLE, down.length, {
      title: `${down.length} of ${servers.length} bootstrap servers did not answer: ${down.map((s) => s.address).join(', ')}`,
      detail: `The diagnosis went on through ${servers.filter((s) => s.reachable).map((s) => s.address).join(', ') || 'none'}. ${down.map((s) => `${s.address}: ${s.error ?? 'no answer'}`).join('; ')}.`,
      suggestion: 'Remove or fix the dead entries in the clients\' bootstrap.servers (and in this target), or bring those brokers back; an address that is not an advertised broker is stale.',
      evidence: {
        unreachable: down.map((s) => ({ address: s.address, error: s.error, advertisedBroker: advertised.has(s.address) })),
        reachable: servers.filter((s) => s.reachable).map((s) => s.address),
        answeredMetadata: data.bootstrap,
      },
    });
  },
});

const controller = defineCheck<KafkaSnapshotData>({
  id: 'kafka.broker.controller',
  category: 'broker',
  run(data, ctx) {
    if (data.controllerId === null) {
      return ctx.finding({
        id: 'kafka.broker.controller', severity: 'critical', observed: { value: null },
        title: 'No active controller',
        detail: 'Metadata reports no controller (-1): leader elections, topic changes and ISR updates cannot happen.',
        suggestion: 'Check the controller quorum (KRaft controllers or ZooKeeper) and the controller logs; kafka-metadata-quorum.sh describe --status shows the KRaft quorum.',
        evidence: { controllerId: null, brokers: data.brokers.map((b) => b.id) },
      });
    }
    if (!data.brokers.some((b) => b.id === data.controllerId)) {
      return ctx.finding({
        id: 'kafka.broker.controller.not-advertised', severity: 'info', observed: { value: data.controllerId },
        title: `Controller id ${data.controllerId} is not an advertised broker`,
        detail: 'KRaft clusters (whose controllers are not brokers) and test mocks report this; on a ZooKeeper cluster it means the Metadata answer is stale.',
        suggestion: 'No action on KRaft; on ZooKeeper-based clusters compare with the /controller znode.',
        evidence: { controllerId: data.controllerId, brokers: data.brokers.map((b) => b.id) },
      });
    }
    return null;
  },
});

const count = defineCheck<KafkaSnapshotData>({
  id: 'kafka.broker.count',
  category: 'broker',
  run(data, ctx) {
    return ctx.judge(BROKER_COUNT, data.brokers.length, {
      title: `Only ${data.brokers.length} broker(s) in the cluster`,
      detail: 'With fewer than 3 brokers, topics cannot keep replication.factor 3 and min.insync.replicas 2 through a broker failure.',
      suggestion: 'Run at least 3 brokers (in separate failure domains) for production topics.',
      evidence: { brokers: data.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack })) },
    });
  },
});

const apiVersions = defineCheck<KafkaSnapshotData>({
  id: 'kafka.broker.api-versions',
  category: 'broker',
  run(data, ctx) {
    const out: Finding[] = [];
    const reachable = data.brokers.filter((b) => b.reachable && b.apiVersions);
    // One finding per set of missing APIs (usually every broker runs the same version).
    const byMissing = new Map<string, number[]>();
    for (const b of reachable) {
      const missing = (Object.keys(NEEDED_APIS) as ApiName[]).filter((api) => !supports(b.apiVersions, api));
      if (missing.length > 0) byMissing.set(missing.join(', '), [...(byMissing.get(missing.join(', ')) ?? []), b.id]);
    }
    for (const [list, ids] of byMissing) {
      const missing = list.split(', ') as ApiName[];
      out.push(ctx.finding({
        id: 'kafka.broker.api-versions', severity: 'info', observed: { value: list },
        title: `Broker${ids.length > 1 ? 's' : ''} ${ids.join(', ')} do${ids.length > 1 ? '' : 'es'} not support ${list}`,
        detail: `Not checked: ${missing.map((api) => NEEDED_APIS[api]).join('; ')}.`,
        suggestion: 'Upgrade the brokers, or accept that these checks are skipped (they are reported as skipped, not healthy).',
        evidence: { brokers: ids, missing, supported: Object.fromEntries(Object.keys(NEEDED_APIS).map((api) => [api, reachable.find((b) => b.id === ids[0])?.apiVersions?.[api] ?? null])) },
        ...(ids.length === 1 ? { node: `broker:${ids[0]}` } : {}),
      }));
    }
    // Different version ranges across brokers = mixed versions (a rolling upgrade in progress?).
    const signature = (b: (typeof reachable)[number]) => JSON.stringify(b.apiVersions);
    const distinct = new Set(reachable.map(signature));
    if (distinct.size > 1) {
      out.push(ctx.finding({
        id: 'kafka.broker.api-versions.mixed', severity: 'info', observed: { value: distinct.size, unit: 'versions' },
        title: `Brokers advertise ${distinct.size} different API version sets`,
        detail: 'The brokers run different Kafka versions; clients negotiate per broker, but finish rolling upgrades before raising inter.broker.protocol.version / metadata.version.',
        suggestion: 'Complete the rolling upgrade so every broker runs the same version.',
        evidence: { byBroker: Object.fromEntries(reachable.map((b) => [b.id, b.apiVersions])) },
      }));
    }
    return out;
  },
});

export const brokerChecks = [unreachable, bootstrapUnreachable, controller, count, apiVersions];
