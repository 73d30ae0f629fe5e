// Recorded kafkajs responses (test/fixtures/kafka/) through the same conversions a live run uses.
import { describe, expect, it } from 'vitest';
import type { DescribeConfigsResponse, DescribeGroupsResponse, ListGroupsResponse, ListOffsetsResponse, MetadataResponse, OffsetFetchResponse } from '../../../plugins/kafka/kafka-wire.js';
import {
  committedFromOffsetFetch, groupIdsFromListGroups, groupsFromDescribeGroups, minIsrFromDescribeConfigs, namedApiVersions, offsetsFromListOffsets,
  partitionKey, topicsFromMetadata,
} from '../../../plugins/kafka/responses.js';
import { supports } from '../../../plugins/kafka/api-support.js';
import type { PartitionOffsets } from '../../../plugins/kafka/snapshot.js';
import { recorded } from './build.js';

describe('ListGroups (recorded)', () => {
  it('keeps consumer-protocol and protocol-less groups, drops Connect groups, merges brokers', () => {
    const r = recorded<ListGroupsResponse>('list-groups');
    expect(groupIdsFromListGroups([r])).toEqual(['billing', 'legacy-simple', 'orders-service']);
    const other: ListGroupsResponse = { errorCode: 0, groups: [{ groupId: 'billing', protocolType: 'consumer' }, { groupId: 'zeta', protocolType: 'consumer' }] };
    expect(groupIdsFromListGroups([r, other])).toEqual(['billing', 'legacy-simple', 'orders-service', 'zeta']);
  });
});

describe('DescribeGroups (recorded)', () => {
  const groups = groupsFromDescribeGroups(recorded<DescribeGroupsResponse>('describe-groups'));
  it.each([
    ['orders-service', 'Stable', 2, null],
    ['billing', 'Empty', 0, null],
    ['reports', 'PreparingRebalance', 1, null],
    ['retired', 'Dead', 0, null],
    ['elsewhere', '', 0, 'NOT_COORDINATOR_FOR_GROUP'],
  ])('%s: state %s, %i members, error %s', (id, state, members, error) => {
    const g = groups.get(id);
    expect(g?.state).toBe(state);
    expect(g?.members).toHaveLength(members);
    expect(g?.error).toBe(error);
  });
  it('decodes member assignments', () => {
    expect(groups.get('orders-service')?.members.map((m) => [m.clientId, m.clientHost, m.assignment])).toEqual([
      ['orders-1', '/10.0.0.11', { orders: [0, 1, 2] }],
      ['orders-2', '/10.0.0.12', { orders: [3, 4, 5] }],
    ]);
  });
});

describe('DescribeConfigs (recorded)', () => {
  it('reads min.insync.replicas per topic; an errored resource gives null', () => {
    const m = minIsrFromDescribeConfigs(recorded<DescribeConfigsResponse>('describe-configs'));
    expect(Object.fromEntries(m)).toEqual({ orders: 2, payments: 1, audit: 3, secret: null });
  });
});

describe('Metadata (recorded, ISR shrink)', () => {
  const md = recorded<MetadataResponse>('metadata-isr-shrink');
  it('keeps leader, replicas, ISR, offline replicas and error codes; sorted by name', () => {
    const topics = topicsFromMetadata(md, () => true);
    expect(topics.map((t) => t.name)).toEqual(['__consumer_offsets', 'audit', 'orders', 'payments']);
    const orders = topics.find((t) => t.name === 'orders');
    expect(orders?.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([[0, 1, [1, 2, 3], [1, 2, 3]], [1, 2, [2, 3, 1], [2, 1]], [2, 3, [3, 1, 2], [3]]]);
    const audit = topics.find((t) => t.name === 'audit');
    expect(audit?.partitions[0]).toMatchObject({ leader: -1, errorCode: 5, offlineReplicas: [3] });
    expect(topics.find((t) => t.name === '__consumer_offsets')?.internal).toBe(true);
    expect(md.controllerId).toBe(1);
  });
  it('applies the topic filter', () => {
    expect(topicsFromMetadata(md, (t) => t.startsWith('o')).map((t) => t.name)).toEqual(['orders']);
  });
});

describe('offsets', () => {
  it('merges earliest and latest ListOffsets answers (v1+ offset, v0 offsets[]) and keeps error codes', () => {
    const into: Record<string, Record<string, PartitionOffsets>> = {};
    const earliest: ListOffsetsResponse = { responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0, offset: '5' }, { partition: 1, errorCode: 6, offset: '-1' }] }] };
    const latest: ListOffsetsResponse = { responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0, offsets: ['42'] }, { partition: 1, errorCode: 6, offset: '-1' }] }] };
    offsetsFromListOffsets(earliest, latest, into);
    expect(into).toEqual({ t: { 0: { logStart: 5, highWatermark: 42, error: null }, 1: { logStart: null, highWatermark: null, error: 'NOT_LEADER_FOR_PARTITION' } } });
  });
  it('reads committed offsets: -1 = never committed, partition errors kept apart', () => {
    const res: OffsetFetchResponse = { errorCode: 0, responses: [{ topic: 't', partitions: [
      { partition: 0, offset: '30', metadata: '', errorCode: 0 }, { partition: 1, offset: '-1', metadata: '', errorCode: 0 },
      { partition: 2, offset: '-1', metadata: '', errorCode: 3 },
    ] }] };
    const c = committedFromOffsetFetch(res);
    expect(c.committed.get(partitionKey('t', 0))).toBe(30);
    expect(c.committed.get(partitionKey('t', 1))).toBeNull();
    expect(c.partitionErrors).toEqual([{ topic: 't', partition: 2, error: 'UNKNOWN_TOPIC_OR_PARTITION' }]);
    expect(committedFromOffsetFetch({ ...res, errorCode: 14 }).error).toBe('GROUP_LOAD_IN_PROGRESS');
  });
});

describe('ApiVersions', () => {
  it('names API keys and answers support questions', () => {
    const named = namedApiVersions({ 3: { minVersion: 0, maxVersion: 12 }, 10: { minVersion: 0, maxVersion: 4 }, 16: { minVersion: 0, maxVersion: 4 }, 999: { minVersion: 0, maxVersion: 0 } });
    expect(named).toEqual({ Metadata: { min: 0, max: 12 }, FindCoordinator: { min: 0, max: 4 }, ListGroups: { min: 0, max: 4 }, 'api-999': { min: 0, max: 0 } });
    expect(supports(named, 'ListGroups')).toBe(true);
    expect(supports(named, 'DescribeGroups')).toBe(false);
    expect(supports(null, 'Metadata')).toBe(false);
    // The librdkafka mock "disables" an API with -1 -1.
    expect(supports({ ListGroups: { min: -1, max: -1 } }, 'ListGroups')).toBe(false);
  });
});
