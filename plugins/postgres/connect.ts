// One pg Client per diagnosis: read-only session, every timeout below the deadline, every statement
// through the operation guard, closed on ctx.signal abort. Endpoints are tried in order (libpq's
// multi-host behaviour) until one accepts the connection.
import pg from 'pg';
import { createOperationGuard, ksaError, redactEndpoint, abortedError, raceAbort as raceSignal, watchFirstAnswer } from '../../src/sdk/index.js';
import type { KsaError, MiddlewareTarget, PluginContext } from '../../src/sdk/index.js';
import type { ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { settingsOf, sslOptionsOf, type ConnectSettings } from './connect-settings.js';
import { isSqlState, toKsaError } from './pg-errors.js';
import { asConnectedStream, connectPreferTls } from './prefer-tls.js';

export interface PgConn {
  /** Runs one guarded statement; rows as plain objects. */
  query<R = Record<string, unknown>>(sql: string): Promise<R[]>;
  /**
   * Several guarded statements in one simple-query message (one round trip; node-postgres has no
   * pipelining): the rows of each. The server runs them as one implicit transaction, read-only
   * like every transaction of this session, with statement_timeout applied to each statement.
   * One failing statement fails the call.
   */
  queryBatch(statements: readonly string[]): Promise<Array<Array<Record<string, unknown>>>>;
  /** What the server reported at startup (ParameterStatus): server_version, in_hot_standby, ... */
  parameters: Readonly<Record<string, string>>;
  /** Milliseconds left before the call's deadline. */
  timeLeft(): number;
  close(): Promise<void>;
  endpoint: string;
  options: Record<string, unknown>;
}

function isKsaError(error: unknown): error is KsaError {
  return error instanceof Error && error.name === 'KsaError';
}

const abortError = abortedError;
const raceAbort = <T>(ctx: PluginContext, work: Promise<T>): Promise<T> => raceSignal(ctx.signal, work);

async function openClient(ctx: PluginContext, s: ConnectSettings, ssl: ConnectionOptions | false, password: string | undefined, parameters: Record<string, string>): Promise<pg.Client> {
  const remaining = Math.max(1, ctx.deadline - Date.now());
  // Connecting (TCP, SSLRequest, SCRAM: 4-5 round trips) takes most of the budget on a slow link;
  // the snapshot needs one or two more (collect.ts), so a fifth of it is kept for them.
  const connectBy = Date.now() + Math.max(50, Math.min(Math.floor(remaining * 0.8), s.connectTimeoutMs ?? Infinity));
  const unixSocket = s.host.startsWith('/');
  // Another service on the port (Redis, Kafka, HTTP, a TLS endpoint ...) is named at its first answer,
  // not at the connect timeout: the socket is watched (a Unix socket path is always PostgreSQL's).
  const watch = unixSocket ? undefined : watchFirstAnswer({
    host: s.host, port: s.port, expected: 'postgresql', tls: false, plaintextFix: '', signal: ctx.signal,
    tlsFix: 'PostgreSQL negotiates TLS itself (--sslmode require): connect to the server\'s own port, not a TLS endpoint in front of it',
  });
  const watched = <T>(work: Promise<T>): Promise<T> => raceAbort(ctx, watch ? Promise.race([work, watch.mismatch]) : work);
  let client: pg.Client | undefined;
  const onAbort = () => { void client?.end().catch(() => undefined); };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // sslmode=prefer negotiates on one socket (prefer-tls.ts); the other modes leave TLS to pg.
    const negotiated = s.sslmode === 'prefer' && ssl && !unixSocket
      ? await watched(connectPreferTls({ host: s.host, port: s.port, ssl, timeoutMs: connectBy - Date.now(), signal: ctx.signal, onSocket: (socket) => watch?.attach(socket) }))
      : undefined;
    if (negotiated && !negotiated.tls) ctx.logger.debug('server does not offer TLS; sslmode=prefer continues without it on the same socket', { host: s.host, port: s.port });
    client = new pg.Client({
      host: s.host,
      port: s.port,
      database: s.database,
      user: s.user,
      ...(password !== undefined ? { password } : {}),
      // libpq never uses TLS on a Unix socket, whatever the sslmode.
      ...(negotiated ? { ssl: false, stream: () => asConnectedStream(negotiated.socket) } : { ssl: unixSocket ? false : ssl }),
      application_name: 'ksa',
      connectionTimeoutMillis: Math.max(50, connectBy - Date.now()),
      query_timeout: Math.max(50, remaining - 100),
      statement_timeout: Math.max(25, remaining - 300),
      // Read-only from the first statement: the startup packet sets it, the probe verifies it.
      options: '-c default_transaction_read_only=on',
    });
    client.on('error', () => undefined); // a dropped socket surfaces as the pending query's rejection
    // pg keeps none of the startup ParameterStatus messages; collect plans its SQL from them.
    (client as unknown as { connection: { on(e: 'parameterStatus', f: (m: { parameterName: string; parameterValue: string }) => void): void } })
      .connection.on('parameterStatus', (m) => { parameters[m.parameterName] = m.parameterValue; });
    if (!negotiated) watch?.attach((client as unknown as { connection: { stream: Duplex } }).connection.stream);
    await watched(client.connect());
  } catch (error) {
    ctx.signal.removeEventListener('abort', onAbort);
    void client?.end().catch(() => undefined);
    throw (await watch?.verdict()) ?? error;
  } finally {
    watch?.stop();
  }
  client.once('end', () => ctx.signal.removeEventListener('abort', onAbort));
  return client;
}

async function connectOne(ctx: PluginContext, endpoint: string, target: MiddlewareTarget, parameters: Record<string, string>): Promise<pg.Client> {
  const s = settingsOf(endpoint, target, ctx.defaultPort);
  const secrets = target.auth.password ? [target.auth.password] : [];
  const ssl = sslOptionsOf(s.sslmode, s.host, target.tls);
  try {
    return await openClient(ctx, s, ssl, target.auth.password, parameters);
  } catch (error) {
    if (isKsaError(error)) throw error;
    throw toKsaError(error, secrets, `connect to ${s.host}:${s.port}`, { user: s.user, auth: target.auth });
  }
}

export async function connectPostgres(ctx: PluginContext, target: MiddlewareTarget, firstStatement: string): Promise<PgConn> {
  const guard = createOperationGuard(ctx.pluginId, ctx.operations);
  // Refuse before any I/O when the manifest does not allow the first statement.
  guard.assertSql(firstStatement, 'postgres');
  if (ctx.signal.aborted) throw abortError();
  let client: pg.Client | undefined;
  let endpoint = target.endpoints[0] ?? '';
  let lastError: KsaError | undefined;
  const parameters: Record<string, string> = {};
  for (const candidate of target.endpoints) {
    try {
      client = await connectOne(ctx, candidate, target, parameters);
      endpoint = candidate;
      break;
    } catch (error) {
      lastError = error as KsaError;
      ctx.logger.debug('endpoint failed', { endpoint: redactEndpoint(candidate), code: lastError.code });
      // Only network failures move on to the next host; auth and TLS errors are final.
      if (lastError.code !== 'KSA_ERR_CONNECT' || ctx.signal.aborted) throw lastError;
    }
  }
  if (!client) throw lastError ?? ksaError('KSA_ERR_BAD_ENDPOINT', 'no endpoint given');
  const c = client;
  const secrets = target.auth.password ? [target.auth.password] : [];
  const run = async <T>(text: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await raceAbort(ctx, work());
    } catch (error) {
      if (ctx.signal.aborted) throw abortError();
      // SQL errors stay pg errors (collect decides which mean "skipped"); a statement timeout
      // or a lost connection is the run's failure and gets its code here.
      if (isSqlState(error) && error.code !== '57014') throw error;
      throw toKsaError(error, secrets, 'query');
    }
  };
  // Each call gets what is left of the budget (the connect-time value only bounds one).
  const send = (text: string) => c.query({ text, query_timeout: Math.max(25, ctx.deadline - Date.now() - 100) } as pg.QueryConfig);
  return {
    endpoint,
    options: target.options,
    parameters,
    timeLeft: () => ctx.deadline - Date.now(),
    async query<R>(sql: string): Promise<R[]> {
      guard.assertSqlStatement(sql, 'postgres');
      return run(sql, async () => (await send(sql)).rows as R[]);
    },
    async queryBatch(statements) {
      const text = guard.batchSql(statements, 'postgres');
      return run(text, async () => {
        const res = await send(text) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(res) ? res : [res]).map((r) => r.rows as Array<Record<string, unknown>>);
      });
    },
    async close() {
      await c.end().catch(() => undefined);
    },
  };
}
