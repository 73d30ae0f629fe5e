// The small pieces around the driver: options, topic globs, timeouts under the deadline, error
// mapping, and the kafkajs internals kafka-wire.ts relies on (so a kafkajs upgrade fails here).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { timeoutsFor } from '../../../plugins/kafka/connect.js';
import { codeOf, describeError } from '../../../plugins/kafka/driver-errors.js';
import { API_KEYS, createWireBroker, errorName } from '../../../plugins/kafka/kafka-wire.js';
import { readKafkaOptions, topicMatcher } from '../../../plugins/kafka/options.js';

const require = createRequire(import.meta.url);

describe('options', () => {
  it('reads group/topic/samples/intervalMs with defaults', () => {
    expect(readKafkaOptions({})).toEqual({ groups: [], topics: [], samples: 1, intervalMs: 1000 });
    expect(readKafkaOptions({ group: ['a', 'b', 'a'], topic: 'orders-*', samples: 5, intervalMs: 200 })).toEqual({ groups: ['a', 'b'], topics: ['orders-*'], samples: 5, intervalMs: 200 });
  });
  it.each([[{ samples: 0 }], [{ samples: 1.5 }], [{ group: [''] }], [{ topic: 3 }], [{ intervalMs: '1s' }]])('rejects %j', (o) => {
    expect(() => readKafkaOptions(o)).toThrow(/KSA_ERR_BAD_INPUT|must be/);
  });
  it.each([
    [['orders-*'], 'orders-eu', true], [['orders-*'], 'orders', false], [['o?ders'], 'orders', true],
    [['a.b'], 'aXb', false], [[], 'anything', true], [['x', 'y*'], 'yes', true],
  ])('glob %j matches %s: %s', (globs, topic, expected) => {
    expect(topicMatcher(globs)(topic)).toBe(expected);
  });
});

describe('timeouts stay under the deadline', () => {
  it.each([[1_000], [10_000], [60_000], [300_000]])('%i ms remaining', (remaining) => {
    const t = timeoutsFor(remaining);
    expect(t.connectionTimeout).toBeLessThan(remaining);
    expect(t.requestTimeout).toBeLessThan(remaining);
    expect(t.connectionTimeout + t.requestTimeout).toBeLessThan(remaining);
  });
});

describe('driver errors', () => {
  it.each([
    [{ name: 'KafkaJSSASLAuthenticationError', message: 'SASL PLAIN authentication failed' }, 'KSA_ERR_AUTH'],
    [{ name: 'KafkaJSConnectionError', message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1' }, 'KSA_ERR_CONNECT'],
    [{ name: 'KafkaJSConnectionError', message: 'Connection timeout' }, 'KSA_ERR_CONNECT'],
    [{ name: 'Error', code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'KSA_ERR_TLS'],
    [{ name: 'Error', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'KSA_ERR_TLS'],
    [{ name: 'KafkaJSRequestTimeoutError', message: 'Request Metadata(key: 3, version: 5) timed out' }, 'KSA_ERR_TIMEOUT'],
    [{ name: 'KafkaJSProtocolError', message: 'unexpected' }, 'KSA_ERR_PROTOCOL'],
    [{ name: 'KafkaJSConnectionError', message: 'Connection error: not a Kafka answer (Attempt to access memory outside buffer bounds)' }, 'KSA_ERR_PROTOCOL'],
    [{ name: 'KafkaJSProtocolError', type: 'UNSUPPORTED_SASL_MECHANISM', code: 33, message: 'The broker does not support the requested SASL mechanism' }, 'KSA_ERR_AUTH'],
  ])('%j -> %s', (error, code) => {
    expect(codeOf(error)).toBe(code);
  });
  it('never repeats a secret', () => {
    expect(describeError(new Error('auth failed for s3cr3t-pw'), ['s3cr3t-pw'])).toBe('auth failed for ***');
  });
});

describe('kafkajs internals used by kafka-wire.ts', () => {
  it('Broker, ConnectionPool, requests and error codes have the expected shape', () => {
    const Broker = require('kafkajs/src/broker/index.js') as { prototype: Record<string, unknown> };
    for (const m of ['connect', 'disconnect', 'apiVersions']) expect(typeof Broker.prototype[m]).toBe('function');
    const { requests } = require('kafkajs/src/protocol/requests/index.js') as { requests: Record<string, { versions: string[] }> };
    for (const r of ['Metadata', 'ListOffsets', 'OffsetFetch', 'GroupCoordinator', 'ListGroups', 'DescribeGroups', 'DescribeConfigs']) expect(requests[r]?.versions.length).toBeGreaterThan(0);
    const apiKeys = require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;
    expect(apiKeys.GroupCoordinator).toBe(API_KEYS.FindCoordinator);
    expect(apiKeys.DescribeConfigs).toBe(API_KEYS.DescribeConfigs);
    expect(errorName(5)).toBe('LEADER_NOT_AVAILABLE');
    const b = createWireBroker({ host: '127.0.0.1', port: 1, clientId: 't', connectionTimeout: 100, requestTimeout: 100, authenticationTimeout: 100, ssl: null, sasl: null, log: () => undefined });
    expect(b.versions).toBeNull();
  });
});
