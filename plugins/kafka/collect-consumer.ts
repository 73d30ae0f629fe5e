// Consumer offsets: which groups (ListGroups on every broker, or --group), their coordinators, the
// committed offsets (one OffsetFetch per group), the log-start/high-watermark offsets (two batched
// ListOffsets per leader broker) and, when sampling, the same again every interval.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginContext } from '../../src/sdk/index.js';
import type { KafkaConnection, OpenedBroker } from './connect.js';
import type { BrokerClients } from './collect.js';
import { describeError } from './driver-errors.js';
import { errorName } from './kafka-wire.js';
import {
  committedFromOffsetFetch, groupIdsFromListGroups, groupsFromDescribeGroups, offsetsFromListOffsets, partitionKey,
  type CommittedOffsets, type GroupDescription,
} from './responses.js';
import { supports } from './api-support.js';
import type { GroupPartition, GroupState, KafkaSnapshotData, PartitionOffsets } from './snapshot.js';

const EARLIEST = -2;
const LATEST = -1;
const READ_UNCOMMITTED = 0; // lag is measured against the high watermark, as kafka-consumer-groups.sh does
/** Time kept free after the last sample for analysis, disconnect and the report. */
const SAMPLING_MARGIN_MS = 500;

type Offsets = KafkaSnapshotData['offsets'];

interface Coordinated { id: string; coordinator: number | null; client: OpenedBroker | null; error: string | null }

/** Fills data.groups/offsets/sampling; returns a skip reason when the category cannot be evaluated. */
export async function collectConsumer(ctx: PluginContext, conn: KafkaConnection, clients: BrokerClients, data: KafkaSnapshotData): Promise<string | null> {
  const reachable = data.brokers.filter((b) => b.reachable);
  if (reachable.length === 0) return 'no broker reachable: consumer offsets not read';
  for (const api of ['OffsetFetch', 'ListOffsets'] as const) {
    const lacking = reachable.find((b) => !supports(b.apiVersions, api));
    if (lacking) return `${api} not supported by this server (broker ${lacking.id}): consumer lag cannot be read; upgrade the brokers`;
  }
  let groupIds = conn.options.groups;
  if (groupIds.length === 0) {
    const lacking = reachable.find((b) => !supports(b.apiVersions, 'ListGroups'));
    if (lacking) return `ListGroups not supported by this server (broker ${lacking.id}): pass --group <id> for each consumer group to check`;
    groupIds = await listGroups(conn, reachable.map((b) => clients.get(b.id)).filter((c): c is OpenedBroker => c !== undefined), data);
  }
  const topics = data.topics.filter((t) => t.errorCode === 0);
  const firstOffsets = readLogOffsets(conn, clients, data, true);
  const coordinated = await findCoordinators(conn, clients, groupIds);
  const [offsets, committed, described] = await Promise.all([firstOffsets, fetchCommitted(conn, coordinated, topics), describe(conn, coordinated, data)]);

  const rounds: Array<{ at: number; offsets: Offsets; committed: Map<string, CommittedOffsets | string> }> = [{ at: Date.now(), offsets, committed }];
  const { samples, intervalMs } = conn.options;
  if (samples > 1) {
    let cost = 0;
    while (rounds.length < samples && Date.now() + intervalMs + cost + SAMPLING_MARGIN_MS < ctx.deadline && !ctx.signal.aborted) {
      await sleep(intervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      if (ctx.signal.aborted) break;
      const t0 = Date.now();
      const [o, c] = await Promise.all([readLogOffsets(conn, clients, data, false), fetchCommitted(conn, coordinated, topics)]);
      rounds.push({ at: Date.now(), offsets: o, committed: c });
      cost = Date.now() - t0;
    }
    data.sampling = { requested: samples, intervalMs, times: rounds.map((r) => r.at) };
  }
  // Log-start offsets come from the first round only; later rounds read high watermarks.
  for (const r of rounds.slice(1)) {
    for (const [topic, parts] of Object.entries(r.offsets)) {
      for (const [p, o] of Object.entries(parts)) o.logStart = offsets[topic]?.[p]?.logStart ?? null;
    }
  }
  data.offsets = rounds[rounds.length - 1]?.offsets ?? offsets;
  data.groups = coordinated.map((g) => groupState(g, rounds, described.get(g.id)));
  return null;
}

/** ListGroups on every broker at once (each lists the groups it coordinates); failures are noted. */
async function listGroups(conn: KafkaConnection, brokers: OpenedBroker[], data: KafkaSnapshotData): Promise<string[]> {
  const answers = await Promise.all(brokers.map(async (b) => {
    try {
      const r = await conn.send(b, 'ListGroups', {});
      if (r.errorCode !== 0) data.listGroupsErrors.push(`broker ${b.address}: ${errorName(r.errorCode)}`);
      return r.errorCode === 0 ? r : null;
    } catch (error) {
      data.listGroupsErrors.push(`broker ${b.address}: ${describeError(error, conn.secrets)}`);
      return null;
    }
  }));
  return groupIdsFromListGroups(answers.filter((a): a is NonNullable<typeof a> => a !== null));
}

async function findCoordinators(conn: KafkaConnection, clients: BrokerClients, groupIds: readonly string[]): Promise<Coordinated[]> {
  // Spread over every reachable broker: a broker answers one connection's requests in turn.
  const askers = clients.size > 0 ? [...clients.values()] : [conn.bootstrap];
  return Promise.all(groupIds.map(async (id, i): Promise<Coordinated> => {
    try {
      const r = await conn.send(askers[i % askers.length]!, 'FindCoordinator', { groupId: id, coordinatorType: 0 });
      if (r.errorCode !== 0) return { id, coordinator: null, client: null, error: `FindCoordinator: ${errorName(r.errorCode)}` };
      const client = clients.get(r.coordinator.nodeId) ?? null;
      return { id, coordinator: r.coordinator.nodeId, client, error: client ? null : `coordinator broker ${r.coordinator.nodeId} unreachable` };
    } catch (error) {
      return { id, coordinator: null, client: null, error: `FindCoordinator: ${describeError(error, conn.secrets)}` };
    }
  }));
}

/** One OffsetFetch per group, for every partition of the (filtered) topics. */
async function fetchCommitted(conn: KafkaConnection, groups: Coordinated[], topics: KafkaSnapshotData['topics']): Promise<Map<string, CommittedOffsets | string>> {
  const request = topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition })) }));
  const out = new Map<string, CommittedOffsets | string>();
  await Promise.all(groups.map(async (g) => {
    if (!g.client) return void out.set(g.id, g.error ?? 'no coordinator');
    if (request.length === 0) return void out.set(g.id, { error: null, committed: new Map(), partitionErrors: [] });
    try {
      out.set(g.id, committedFromOffsetFetch(await conn.send(g.client, 'OffsetFetch', { groupId: g.id, topics: request })));
    } catch (error) {
      out.set(g.id, `OffsetFetch: ${describeError(error, conn.secrets)}`);
    }
  }));
  return out;
}

/** One DescribeGroups per coordinator, when every coordinator supports it. */
async function describe(conn: KafkaConnection, groups: Coordinated[], data: KafkaSnapshotData): Promise<Map<string, GroupDescription>> {
  const out = new Map<string, GroupDescription>();
  const byCoordinator = new Map<number, Coordinated[]>();
  for (const g of groups) if (g.client && g.coordinator !== null) pushTo(byCoordinator, g.coordinator, g);
  const lacking = [...byCoordinator.keys()].find((id) => !supports(data.brokers.find((b) => b.id === id)?.apiVersions ?? null, 'DescribeGroups'));
  if (lacking !== undefined) {
    data.describeGroups = { status: 'unsupported', reason: `DescribeGroups not supported by this server (broker ${lacking}): group state and members not checked` };
    return out;
  }
  await Promise.all([...byCoordinator.values()].map(async (gs) => {
    const client = gs[0]?.client;
    if (!client) return;
    try {
      const res = await conn.send(client, 'DescribeGroups', { groupIds: gs.map((g) => g.id) });
      for (const [id, d] of groupsFromDescribeGroups(res)) out.set(id, d);
    } catch (error) {
      data.describeGroups = { status: 'error', reason: `DescribeGroups failed (${describeError(error, conn.secrets)}): group state not checked` };
    }
  }));
  return out;
}

/** Log-start (first round) and high-watermark offsets: one ListOffsets per timestamp per leader broker. */
async function readLogOffsets(conn: KafkaConnection, clients: BrokerClients, data: KafkaSnapshotData, withEarliest: boolean): Promise<Offsets> {
  const out: Offsets = {};
  const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
  const fail = (topic: string, partition: number, error: string) => {
    (out[topic] ??= {})[String(partition)] = { logStart: null, highWatermark: null, error };
  };
  for (const t of data.topics.filter((x) => x.errorCode === 0)) {
    for (const p of t.partitions) {
      if (p.leader < 0) fail(t.name, p.partition, 'no leader');
      else pushTo(byLeader, p.leader, { topic: t.name, partition: p.partition });
    }
  }
  await Promise.all([...byLeader].map(async ([leader, parts]) => {
    const client = clients.get(leader);
    if (!client) return parts.forEach((p) => fail(p.topic, p.partition, `leader broker ${leader} unreachable`));
    const request = (timestamp: number) => {
      const topics = new Map<string, Array<{ partition: number; timestamp: number }>>();
      for (const p of parts) pushTo(topics, p.topic, { partition: p.partition, timestamp });
      return { replicaId: -1, isolationLevel: READ_UNCOMMITTED, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
    };
    try {
      const [earliest, latest] = await Promise.all([
        withEarliest ? conn.send(client, 'ListOffsets', request(EARLIEST)) : Promise.resolve({ responses: [] }),
        conn.send(client, 'ListOffsets', request(LATEST)),
      ]);
      offsetsFromListOffsets(earliest, latest, out);
    } catch (error) {
      const why = `ListOffsets: ${describeError(error, conn.secrets)}`;
      parts.forEach((p) => fail(p.topic, p.partition, why));
    }
  }));
  return out;
}

function groupState(g: Coordinated, rounds: Array<{ offsets: Offsets; committed: Map<string, CommittedOffsets | string> }>, description: GroupDescription | undefined): GroupState {
  const last = rounds[rounds.length - 1];
  const answer = last?.committed.get(g.id);
  const base = {
    id: g.id, coordinator: g.coordinator,
    state: description?.state ?? null, protocolType: description?.protocolType ?? null, members: description?.members ?? null,
  };
  if (answer === undefined || typeof answer === 'string') return { ...base, error: answer ?? g.error, partitions: [] };
  // The group's topics: any partition ever committed, plus what members are assigned.
  const topics = new Set<string>();
  for (const r of rounds) {
    const c = r.committed.get(g.id);
    if (c && typeof c !== 'string') for (const [key, v] of c.committed) if (v !== null) topics.add(key.split('\u0000')[0] ?? '');
  }
  for (const m of description?.members ?? []) for (const t of Object.keys(m.assignment ?? {})) topics.add(t);
  const partitions: GroupPartition[] = [];
  for (const topic of [...topics].sort()) {
    const parts = Object.keys(last?.offsets[topic] ?? {}).map(Number).sort((a, b) => a - b);
    for (const partition of parts) {
      const key = partitionKey(topic, partition);
      const committed = answer.committed.get(key) ?? null;
      const o: PartitionOffsets | undefined = last?.offsets[topic]?.[String(partition)];
      const hw = o?.highWatermark ?? null;
      const entry: GroupPartition = {
        topic, partition, committed, logStart: o?.logStart ?? null, highWatermark: hw,
        lag: committed !== null && hw !== null ? Math.max(0, hw - committed) : null,
      };
      if (rounds.length > 1) {
        entry.committedWindow = rounds.map((r) => { const c = r.committed.get(g.id); return c && typeof c !== 'string' ? c.committed.get(key) ?? null : null; });
        entry.highWatermarkWindow = rounds.map((r) => r.offsets[topic]?.[String(partition)]?.highWatermark ?? null);
      }
      partitions.push(entry);
    }
  }
  const error = answer.error ?? (answer.partitionErrors.length > 0 ? `OffsetFetch partition errors: ${answer.partitionErrors.slice(0, 5).map((e) => `${e.topic}[${e.partition}] ${e.error}`).join(', ')}` : null);
  return { ...base, error, partitions };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
