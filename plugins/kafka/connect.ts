// Connects to the bootstrap servers with timeouts derived from the deadline and hands out guarded
// per-broker clients (one connection per host:port, reused for every request to that broker).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';
import { createOperationGuard, ksaError, parseEndpoint, type KsaError, type MiddlewareTarget, type PluginContext, raceAbort, watchFirstAnswer } from '../../src/sdk/index.js';
import { createWireBroker, type RequestName, type WireBroker, type WireOptions, type WireRequests } from './kafka-wire.js';
import { describeError, toKsaError } from './driver-errors.js';
import { readKafkaOptions, type KafkaOptions } from './options.js';
import type { BootstrapServerState } from './snapshot.js';


export interface OpenedBroker {
  address: string;
  broker: WireBroker;
  connectMs: number;
}

export interface KafkaConnection {
  /** The bootstrap endpoint that accepted the first connection. */
  bootstrap: OpenedBroker;
  /** Every bootstrap server the user gave, once each has answered or failed (the unreachable ones are a finding). */
  bootstrapServers(): Promise<BootstrapServerState[]>;
  options: KafkaOptions;
  /** Secrets to scrub from any text that leaves the plugin. */
  secrets: readonly string[];
  /** Requests sent, by Kafka API name (includes ApiVersions and SASL from connects). */
  requests: Record<string, number>;
  /** Set when the guard refused an operation: a plugin bug that must fail the run, not become a finding. */
  readonly denied: KsaError | null;
  /** Connects (once) to host:port; rejects with the driver error when unreachable. */
  open(host: string, port: number): Promise<OpenedBroker>;
  /** Sends one request through the operation guard. */
  send<K extends RequestName>(to: OpenedBroker, api: K, args: WireRequests[K]['args']): Promise<WireRequests[K]['response']>;
  close(): Promise<void>;
}

/** Which bootstrap failure to report: an auth or TLS failure says more than "refused" from another server. */
const BOOTSTRAP_ERROR_RANK: Record<string, number> = { KSA_ERR_AUTH: 0, KSA_ERR_WRONG_SERVICE: 1, KSA_ERR_TLS: 2, KSA_ERR_CONNECT: 3 };

type SaslMechanism = NonNullable<WireOptions['sasl']>['mechanism'];
const SASL_MECHANISMS: Record<string, SaslMechanism> = {
  'plain': 'plain', 'scram-sha-256': 'scram-sha-256', 'scram-sha-512': 'scram-sha-512',
};

/** A bootstrap server's failure for the snapshot: the ksa code and message (secrets already scrubbed). */
function failureText(reason: unknown, secrets: readonly string[]): string {
  const e = reason as { code?: unknown; message?: unknown };
  return typeof e?.code === 'string' && e.code.startsWith('KSA_ERR_') ? `${e.code} ${String(e.message)}`.slice(0, 300) : describeError(reason, secrets);
}

/** Per-request timeouts leave room under the deadline for the rest of the run (notes/drivers.md). */
export function timeoutsFor(remainingMs: number): Pick<WireOptions, 'connectionTimeout' | 'requestTimeout' | 'authenticationTimeout'> {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(v)));
  const connectionTimeout = clamp(remainingMs * 0.25, 50, 5_000);
  return { connectionTimeout, authenticationTimeout: connectionTimeout, requestTimeout: clamp(remainingMs * 0.4, 100, 30_000) };
}

function saslOf(target: MiddlewareTarget): WireOptions['sasl'] {
  const { username, password } = target.auth;
  // --sasl-mechanism is the manifest option saslMechanism; ksa.yaml may also say auth.mechanism.
  const mechanism = typeof target.options.saslMechanism === 'string' ? target.options.saslMechanism : target.auth.mechanism;
  if (username === undefined && password === undefined && mechanism === undefined) return null;
  const name = (mechanism ?? 'plain').toLowerCase();
  const m = SASL_MECHANISMS[name];
  if (!m) throw ksaError('KSA_ERR_BAD_INPUT', `SASL mechanism ${JSON.stringify(name.slice(0, 30))} is not supported`, { fix: 'use plain, scram-sha-256 or scram-sha-512' });
  if (!username || password === undefined) throw ksaError('KSA_ERR_AUTH', `SASL ${m} needs a user name and a password`);
  return { mechanism: m, username, password };
}

function sslOf(target: MiddlewareTarget): TlsConnectOptions | null {
  const tls = target.tls;
  if (!tls?.enabled) return null;
  const read = (what: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw ksaError('KSA_ERR_TLS', `cannot read the TLS ${what} file ${path}: ${(error as Error).message}`);
    }
  };
  const ssl: TlsConnectOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  const ca = read('CA', tls.caFile); const cert = read('certificate', tls.certFile); const key = read('key', tls.keyFile);
  if (ca) ssl.ca = ca;
  if (cert) ssl.cert = cert;
  if (key) ssl.key = key;
  if (tls.servername) ssl.servername = tls.servername;
  return ssl;
}

export async function connectKafka(ctx: PluginContext, target: MiddlewareTarget): Promise<KafkaConnection> {
  const options = readKafkaOptions(target.options);
  const sasl = saslOf(target);
  const ssl = sslOf(target);
  const secrets = [target.auth.password].filter((s): s is string => typeof s === 'string' && s !== '');
  const timeouts = timeoutsFor(ctx.deadline - Date.now());
  const guard = createOperationGuard(ctx.pluginId, ctx.operations);
  const requests: Record<string, number> = {};
  let denied: KsaError | null = null;
  const count = (api: string) => {
    try {
      guard.assert(api);
    } catch (error) {
      denied ??= error as KsaError;
      throw error;
    }
    requests[api] = (requests[api] ?? 0) + 1;
  };
  const pool = new Map<string, Promise<OpenedBroker>>();
  const clients: WireBroker[] = [];
  let closed = false;

  const open = (host: string, port: number): Promise<OpenedBroker> => {
    const address = `${host}:${port}`;
    let opened = pool.get(address);
    if (!opened) {
      opened = (async () => {
        if (closed || ctx.signal.aborted) throw ksaError('KSA_ERR_TIMEOUT', `not connecting to ${address}: the run was aborted`);
        // ApiVersions goes out on connect: its answer (or silence) shows whether Kafka is on the port.
        const watch = watchFirstAnswer({
          host, port, expected: 'kafka', tls: ssl !== null, signal: ctx.signal,
          tlsFix: 'this listener speaks TLS: add --tls (security.protocol SSL or SASL_SSL)',
          plaintextFix: 'this listener speaks plaintext: drop --tls (security.protocol PLAINTEXT or SASL_PLAINTEXT)',
        });
        const broker = createWireBroker({
          host, port, clientId: 'ksa', ssl, sasl, ...timeouts, onSocket: (socket) => watch.attach(socket),
          // kafkajs logs every failure it throws; the result carries those, so its lines are debug detail.
          log: (_level, message, fields) => ctx.logger.debug(describeError({ message }, secrets), fields),
        });
        clients.push(broker);
        count('ApiVersions');
        if (sasl) { count('SaslHandshake'); count('SaslAuthenticate'); }
        const t0 = performance.now();
        try {
          // kafkajs keeps waiting on a broker that accepts and never answers: the abort ends the wait.
          await raceAbort(ctx.signal, Promise.race([broker.connect(), watch.mismatch]));
        } catch (error) {
          // After an abort kafkajs's disconnect waits on the same silent socket: do not wait for it.
          const closing = broker.disconnect().catch(() => undefined);
          const mismatch = await watch.verdict();
          if (!ctx.signal.aborted && !mismatch) await closing;
          throw mismatch ?? toKsaError(error, `broker ${address}`, secrets, { sasl: sasl !== null, tls: ssl !== null, auth: target.auth });
        } finally {
          watch.stop();
        }
        return { address, broker, connectMs: Math.round(performance.now() - t0) };
      })();
      opened.catch(() => undefined); // failures are read by whoever awaits; never unhandled
      pool.set(address, opened);
    }
    return opened;
  };

  const close = async () => {
    closed = true;
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  };
  ctx.signal.addEventListener('abort', () => { void close(); }, { once: true });

  const endpoints = target.endpoints.map((raw) => parseEndpoint(raw, ctx.defaultPort));
  const bootstrapOpens = endpoints.map((e) => open(e.host, e.port));
  let bootstrap: OpenedBroker;
  try {
    // Every bootstrap server at once; the first that answers is used, the others stay pooled.
    bootstrap = await Promise.any(bootstrapOpens);
  } catch (error) {
    const closing = close();
    if (!ctx.signal.aborted) await closing;
    const errors = error instanceof AggregateError ? error.errors : [error];
    const rank = (e: unknown) => BOOTSTRAP_ERROR_RANK[(e as { code?: string }).code ?? ''] ?? 9;
    const best = [...errors].sort((a, b) => rank(a) - rank(b))[0];
    throw best instanceof Error ? best : toKsaError(best, 'no bootstrap server answered', secrets);
  }

  return {
    bootstrap, options, secrets, requests, open, close,
    async bootstrapServers() {
      const settled = await Promise.allSettled(bootstrapOpens);
      return settled.map((s, i): BootstrapServerState => ({
        address: `${endpoints[i]!.host}:${endpoints[i]!.port}`,
        reachable: s.status === 'fulfilled',
        error: s.status === 'rejected' ? failureText(s.reason, secrets) : null,
      }));
    },
    get denied() { return denied; },
    async send(to, api, args) {
      count(api);
      return raceAbort(ctx.signal, to.broker.send(api, args));
    },
  };
}
