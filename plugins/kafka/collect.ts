// I/O only: one Metadata request, a connection (ApiVersions) to every advertised broker, then the
// topic configs and the consumer offsets concurrently. Round trips grow with brokers and groups.
import type { CollectOutput, PluginContext } from '../../src/sdk/index.js';
import type { KafkaConnection, OpenedBroker } from './connect.js';
import { collectConsumer } from './collect-consumer.js';
import { describeError, toKsaError } from './driver-errors.js';
import { topicMatcher } from './options.js';
import { minIsrFromDescribeConfigs, namedApiVersions, topicsFromMetadata } from './responses.js';
import { supports } from './api-support.js';
import type { BrokerState, KafkaSnapshotData, TopicState } from './snapshot.js';

/** Config resource type TOPIC in DescribeConfigs. */
const TOPIC_RESOURCE = 2;

/** Advertised broker id -> its open connection (absent when unreachable). */
export type BrokerClients = Map<number, OpenedBroker>;

export async function collectKafka(
  ctx: PluginContext,
  conn: KafkaConnection,
  request: { categories: readonly string[] },
): Promise<CollectOutput<KafkaSnapshotData>> {
  // The bootstrap can drop or stall between connect and Metadata: that is a connect/timeout
  // error with a code, not a plugin crash.
  const md = await conn.send(conn.bootstrap, 'Metadata', { topics: [], allowAutoTopicCreation: false })
    .catch((error: unknown) => { throw toKsaError(error, `Metadata from ${conn.bootstrap.address}`, conn.secrets); });
  const topics = topicsFromMetadata(md, topicMatcher(conn.options.topics));
  // The bootstrap servers that have not answered yet settle while the advertised brokers are probed.
  const [{ brokers, clients }, bootstrapServers] = await Promise.all([probeBrokers(conn, md.brokers), conn.bootstrapServers()]);
  const data: KafkaSnapshotData = {
    clusterId: md.clusterId ?? null,
    controllerId: md.controllerId == null || md.controllerId < 0 ? null : md.controllerId,
    bootstrap: conn.bootstrap.address,
    bootstrapServers,
    topicFilter: conn.options.topics,
    brokers,
    topics,
    configs: { status: 'ok', reason: null },
    offsets: {},
    groups: [],
    groupsSource: conn.options.groups.length > 0 ? 'option' : 'list-groups',
    listGroupsErrors: [],
    describeGroups: { status: 'ok', reason: null },
    sampling: null,
    requests: {},
  };
  const skipped: Record<string, string> = {};
  await Promise.all([
    request.categories.includes('topic') ? readMinIsr(conn, brokers, clients, topics).then((c) => { data.configs = c; }) : undefined,
    request.categories.includes('consumer')
      ? collectConsumer(ctx, conn, clients, data).then((reason) => { if (reason) skipped.consumer = reason; })
      : undefined,
  ]);
  if (conn.denied) throw conn.denied; // caught per broker above, but an undeclared API is a bug
  data.requests = { ...conn.requests };
  return { data, skipped };
}

/** Connects to every advertised broker at once: reachability, connect time, ApiVersions. */
async function probeBrokers(conn: KafkaConnection, advertised: Array<{ nodeId: number; host: string; port: number; rack?: string | null }>) {
  const clients: BrokerClients = new Map();
  const brokers = await Promise.all(advertised.map(async (b): Promise<BrokerState> => {
    const base = { id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null };
    try {
      const opened = await conn.open(b.host, b.port);
      clients.set(b.nodeId, opened);
      const versions = opened.broker.versions;
      return { ...base, reachable: true, error: null, connectMs: opened.connectMs, apiVersions: versions ? namedApiVersions(versions) : null };
    } catch (error) {
      return { ...base, reachable: false, error: describeError(error, conn.secrets), connectMs: null, apiVersions: null };
    }
  }));
  return { brokers: brokers.sort((a, b) => a.id - b.id), clients };
}

/** min.insync.replicas of every topic in one DescribeConfigs request (any broker answers topic configs). */
async function readMinIsr(conn: KafkaConnection, brokers: BrokerState[], clients: BrokerClients, topics: TopicState[]): Promise<KafkaSnapshotData['configs']> {
  const able = brokers.find((b) => b.reachable && supports(b.apiVersions, 'DescribeConfigs'));
  const to = able ? clients.get(able.id) : undefined;
  if (!to) {
    const why = brokers.some((b) => b.reachable) ? 'DescribeConfigs not supported by this server' : 'no broker reachable for DescribeConfigs';
    return { status: 'unsupported', reason: `${why}: min.insync.replicas not read, under-min-ISR not checked (check with kafka-configs.sh --describe)` };
  }
  const names = topics.filter((t) => t.errorCode === 0).map((t) => t.name);
  if (names.length === 0) return { status: 'ok', reason: null };
  try {
    const res = await conn.send(to, 'DescribeConfigs', {
      resources: names.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['min.insync.replicas'] })),
      includeSynonyms: false,
    });
    const minIsr = minIsrFromDescribeConfigs(res);
    for (const t of topics) t.minInsyncReplicas = minIsr.get(t.name) ?? null;
    return { status: 'ok', reason: null };
  } catch (error) {
    return { status: 'error', reason: `DescribeConfigs failed (${describeError(error, conn.secrets)}): under-min-ISR not checked` };
  }
}
