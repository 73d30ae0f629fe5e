// Typed access to kafkajs's per-broker client. The public Admin API hides what a diagnosis needs
// (ApiVersions per broker, one batched ListOffsets per leader, ListGroups on every broker at once,
// per-broker reachability) and throws on the first partition error, so we drive kafkajs's Broker
// class directly: each send() is exactly one Kafka API request, no retries, encoded and decoded by
// kafkajs's own protocol code. These are kafkajs 2.2.x internals (not its public API):
// test/unit/kafka/connection-parts.test.ts fails loudly if their shape changes.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';

const require = createRequire(import.meta.url);

/** Kafka API keys (https://kafka.apache.org/protocol#protocol_api_keys) for the APIs we probe. */
export const API_KEYS = {
  ListOffsets: 2,
  Metadata: 3,
  OffsetFetch: 9,
  FindCoordinator: 10,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
} as const;
export type ApiName = keyof typeof API_KEYS;

/** Every API key kafkajs knows, by its kafkajs name (loaded on first use, like the rest of kafkajs). */
export function kafkaApiKeys(): Record<string, number> {
  return require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;
}

export type ApiVersionsMap = Record<number, { minVersion: number; maxVersion: number }>;

export interface MetadataResponse {
  clusterId?: string | null;
  controllerId?: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number; rack?: string | null }>;
  topicMetadata: Array<{
    topicErrorCode: number;
    topic: string;
    isInternal?: boolean;
    partitionMetadata: Array<{ partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[]; offlineReplicas?: number[] }>;
  }>;
}

export interface ListOffsetsResponse {
  responses: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number; offset?: string; offsets?: string[] }> }>;
}

export interface OffsetFetchResponse {
  errorCode?: number;
  responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null; errorCode: number }> }>;
}

export interface FindCoordinatorResponse {
  errorCode: number;
  coordinator: { nodeId: number; host: string; port: number };
}

export interface ListGroupsResponse {
  errorCode: number;
  groups: Array<{ groupId: string; protocolType: string }>;
}

export interface DescribeGroupsResponse {
  groups: Array<{
    errorCode: number;
    groupId: string;
    state: string;
    protocolType: string;
    protocol: string;
    members: Array<{ memberId: string; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }>;
  }>;
}

export interface DescribeConfigsResponse {
  resources: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
    configEntries: Array<{ configName: string; configValue: string | null; isDefault?: boolean; configSource?: number }>;
  }>;
}

/** What each request takes (kafkajs's request builders) and what its decoded response looks like. */
export interface WireRequests {
  Metadata: { args: { topics: string[]; allowAutoTopicCreation: boolean }; response: MetadataResponse };
  ListOffsets: { args: { replicaId: number; isolationLevel: number; topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }> }; response: ListOffsetsResponse };
  OffsetFetch: { args: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }; response: OffsetFetchResponse };
  FindCoordinator: { args: { groupId: string; coordinatorType: number }; response: FindCoordinatorResponse };
  ListGroups: { args: Record<string, never>; response: ListGroupsResponse };
  DescribeGroups: { args: { groupIds: string[] }; response: DescribeGroupsResponse };
  DescribeConfigs: { args: { resources: Array<{ type: number; name: string; configNames: string[] }>; includeSynonyms: boolean }; response: DescribeConfigsResponse };
}
export type RequestName = keyof WireRequests;

/** One broker connection. connect() sends ApiVersions (and SASL when configured). */
export interface WireBroker {
  readonly versions: ApiVersionsMap | null;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Sends one request; per-item error codes stay in the response (kafkajs would throw on the first). */
  send<K extends RequestName>(api: K, args: WireRequests[K]['args']): Promise<WireRequests[K]['response']>;
}

export interface WireOptions {
  host: string;
  port: number;
  clientId: string;
  connectionTimeout: number;
  requestTimeout: number;
  authenticationTimeout: number;
  ssl: TlsConnectOptions | null;
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null;
  log: (level: 'error' | 'warn' | 'info' | 'debug', message: string, fields: Record<string, unknown>) => void;
  /** Sees each socket kafkajs opens, before it connects (to watch the first answer). */
  onSocket?: (socket: Socket) => void;
}

interface KafkaLogEntry { level: number; label: string; namespace: string; log: { message: string } & Record<string, unknown> }

interface ProtocolRequest { request: unknown; response: { decode(b: Buffer): Promise<unknown>; parse(d: unknown): Promise<unknown> } }
interface KafkajsBroker {
  versions: ApiVersionsMap | null;
  connectionPool: { send(p: ProtocolRequest): Promise<unknown> };
  lookupRequest(apiKey: number, definition: unknown): (args?: unknown) => ProtocolRequest;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}
type BrokerCtor = new (o: Record<string, unknown>) => KafkajsBroker;
type PoolCtor = new (o: Record<string, unknown>) => unknown;
interface KafkajsInternals {
  Broker: BrokerCtor;
  ConnectionPool: PoolCtor;
  socketFactory: SocketFactory;
  requests: Record<string, unknown>;
  loggers: {
    LEVELS: Record<'NOTHING' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG', number>;
    createLogger(o: { level: number; logCreator: (level: number) => (entry: KafkaLogEntry) => void }): unknown;
  };
}
let loaded: KafkajsInternals | undefined;
/** kafkajs is loaded by the first connection, not on import: offline `ksa analyze` never loads the driver. */
function kafkajs(): KafkajsInternals {
  loaded ??= {
    Broker: require('kafkajs/src/broker/index.js') as BrokerCtor,
    ConnectionPool: require('kafkajs/src/network/connectionPool.js') as PoolCtor,
    socketFactory: containDecodeErrors((require('kafkajs/src/network/socketFactory.js') as () => SocketFactory)()),
    requests: (require('kafkajs/src/protocol/requests/index.js') as { requests: Record<string, unknown> }).requests,
    loggers: require('kafkajs/src/loggers/index.js') as KafkajsInternals['loggers'],
  };
  return loaded;
}

type SocketFactory = (o: Record<string, unknown>) => Socket;

/** Prefix of the socket error a malformed answer becomes (driver-errors.ts maps it to KSA_ERR_PROTOCOL). */
export const MALFORMED_ANSWER = 'not a Kafka answer';

/**
 * kafkajs decodes answers inside the socket's 'data' handler, where a malformed answer throws
 * uncaught (kafkajs#715) and would take the whole host down: contain it as that socket's error, so
 * the requests on it fail with a connection error and the run reports it.
 */
function containDecodeErrors(inner: SocketFactory): SocketFactory {
  return (o) => {
    const socket = inner(o);
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => on(event, event !== 'data' ? listener : (chunk: unknown) => {
      try {
        listener(chunk);
      } catch (error) {
        socket.destroy(new Error(`${MALFORMED_ANSWER} (${(error as Error).message})`));
      }
    })) as Socket['on'];
    return socket;
  };
}

/** Our API names -> kafkajs request definition names (kafkajs still calls FindCoordinator GroupCoordinator). */
const DEFINITIONS: Record<RequestName, string> = {
  Metadata: 'Metadata', ListOffsets: 'ListOffsets', OffsetFetch: 'OffsetFetch', FindCoordinator: 'GroupCoordinator',
  ListGroups: 'ListGroups', DescribeGroups: 'DescribeGroups', DescribeConfigs: 'DescribeConfigs',
};

const LEVEL_NAMES: Record<string, 'error' | 'warn' | 'info' | 'debug'> = { ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug' };
// Fields kafkajs may attach to log lines; only these harmless ones are forwarded (no SASL data).
const SAFE_LOG_FIELDS = ['broker', 'clientId', 'correlationId', 'apiName', 'apiVersion', 'size', 'error', 'retryCount'];

/** A not-yet-connected broker client; connect() sends ApiVersions (and SASL when configured). */
export function createWireBroker(o: WireOptions): WireBroker {
  const { Broker, ConnectionPool, socketFactory, requests, loggers } = kafkajs();
  const logger = loggers.createLogger({
    level: loggers.LEVELS.WARN,
    logCreator: () => (entry) => {
      const fields: Record<string, unknown> = { namespace: entry.namespace };
      for (const k of SAFE_LOG_FIELDS) if (entry.log[k] !== undefined) fields[k] = entry.log[k];
      o.log(LEVEL_NAMES[entry.label] ?? 'debug', `kafkajs: ${entry.log.message}`, fields);
    },
  });
  const connectionPool = new ConnectionPool({
    host: o.host, port: o.port, logger, clientId: o.clientId,
    socketFactory: o.onSocket ? (f: Record<string, unknown>) => { const s = socketFactory(f); o.onSocket!(s); return s; } : socketFactory,
    connectionTimeout: o.connectionTimeout, requestTimeout: o.requestTimeout, enforceRequestTimeout: true,
    ssl: o.ssl, sasl: o.sasl, reauthenticationThreshold: 0,
  });
  const broker = new Broker({ connectionPool, logger, authenticationTimeout: o.authenticationTimeout, allowAutoTopicCreation: false });
  return {
    get versions() { return broker.versions; },
    connect: () => broker.connect(),
    disconnect: () => broker.disconnect(),
    async send(api, args) {
      const build = broker.lookupRequest(API_KEYS[api], requests[DEFINITIONS[api]]);
      const { request, response } = build(args);
      // Keep kafkajs's decoder, skip its parse: a diagnosis wants every partition's error code.
      const lenient = { decode: (b: Buffer) => response.decode(b), parse: async (d: unknown) => d };
      return (await broker.connectionPool.send({ request, response: lenient })) as never;
    },
  };
}

/** Decodes a consumer-protocol member assignment (kafkajs's public AssignerProtocol). */
export function decodeMemberAssignment(buffer: Buffer): Record<string, number[]> | null {
  const { AssignerProtocol } = require('kafkajs') as { AssignerProtocol: { MemberAssignment: { decode(b: Buffer): { assignment: Record<string, number[]> } | null } } };
  try {
    return AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? null;
  } catch {
    return null; // not the consumer protocol (e.g. Connect workers): no partition list
  }
}

// Error names are plain data (checks use them offline): one table, re-exported for the wire code.
export { errorName } from './error-names.js';
