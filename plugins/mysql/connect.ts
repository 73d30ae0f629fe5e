// One mysql2 connection, bounded by the call's deadline. No statement of its own after the
// handshake: the first message it sends starts with the session setup (read-only first, then the
// server's identity and the per-statement timeout), followed by whatever collect asked for in the
// same turn (batch.ts). The dialect is planned from the version in the server's greeting.
// Every statement goes through the manifest's operation guard.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { createConnection, type ConnectionOptions } from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import { KsaError, authFailure, createOperationGuard, ksaError, parseEndpoint, redactSecrets, sqlOperationsOf, watchFirstAnswer } from '../../src/sdk/index.js';
import type { ErrorCode, MiddlewareTarget, PluginContext } from '../../src/sdk/index.js';
import { batcher, runMulti, type Statement } from './batch.js';
import { dialectOf, flavorOf, greetingVersion, versionNumbers, type Dialect } from './dialect.js';
import type { Row, ServerInfo } from './snapshot.js';

/** Kept free before the deadline so the plugin can still answer with what it has. */
const MARGIN_MS = 150;

export interface MysqlSession {
  /** From the greeting at first, from VERSION() / CURRENT_USER() once the first answer is in. */
  server: Omit<ServerInfo, 'now'>;
  /** Planned from the greeting's version (a proxy announcing another flavor is corrected at setup). */
  dialect: Dialect;
  connectionId: number;
  /**
   * Runs one guarded statement with a timeout below the deadline; statements asked for in the
   * same turn leave together in one message. `globalPrivilege`: see batch.ts.
   */
  query(sql: string, values?: unknown[], options?: { globalPrivilege?: string }): Promise<Row[]>;
  close(): Promise<void>;
}

interface DriverError { code?: string; errno?: number; message?: string }

// mysql2 error codes -> ksa error codes; anything else is a protocol error.
const ERROR_MAP: Record<string, ErrorCode> = {
  ER_ACCESS_DENIED_ERROR: 'KSA_ERR_AUTH',
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: 'KSA_ERR_AUTH',
  ER_DBACCESS_DENIED_ERROR: 'KSA_ERR_AUTH',
  ER_NOT_SUPPORTED_AUTH_MODE: 'KSA_ERR_AUTH',
  ECONNREFUSED: 'KSA_ERR_CONNECT',
  ETIMEDOUT: 'KSA_ERR_CONNECT',
  ENOTFOUND: 'KSA_ERR_CONNECT',
  EAI_AGAIN: 'KSA_ERR_CONNECT',
  EHOSTUNREACH: 'KSA_ERR_CONNECT',
  ENOENT: 'KSA_ERR_CONNECT',
  ECONNRESET: 'KSA_ERR_CONNECT',
  PROTOCOL_CONNECTION_LOST: 'KSA_ERR_CONNECT',
  PROTOCOL_SEQUENCE_TIMEOUT: 'KSA_ERR_TIMEOUT',
  HANDSHAKE_NO_SSL_SUPPORT: 'KSA_ERR_TLS',
  HANDSHAKE_SSL_ERROR: 'KSA_ERR_TLS',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'KSA_ERR_TLS',
  SELF_SIGNED_CERT_IN_CHAIN: 'KSA_ERR_TLS',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'KSA_ERR_TLS',
  ERR_TLS_CERT_ALTNAME_INVALID: 'KSA_ERR_TLS',
  CERT_HAS_EXPIRED: 'KSA_ERR_TLS',
  ER_SECURE_TRANSPORT_REQUIRED: 'KSA_ERR_TLS',
};

// Fixes more specific than the code's own, by driver code.
const DRIVER_FIXES: Record<string, string> = {
  HANDSHAKE_NO_SSL_SUPPORT: 'the server does not offer TLS (have_ssl DISABLED): drop --tls (and tls: in ksa.yaml) to connect in plaintext, or configure ssl_cert and ssl_key on the server',
};

/** A driver error as a coded KsaError whose message holds no secret. */
export function driverError(error: unknown, secrets: readonly string[], what: string, hint = ''): Error {
  const e = (error ?? {}) as DriverError;
  // Node's certificate errors have many codes (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, ...): all are TLS.
  const code = (e.code && ERROR_MAP[e.code]) || (/CERT|SSL|TLS/.test(e.code ?? '') ? 'KSA_ERR_TLS' : 'KSA_ERR_PROTOCOL');
  const detail = redactSecrets(`${e.code ?? 'error'}${e.errno ? ` (${e.errno})` : ''}: ${e.message ?? String(error)}`, secrets);
  const fix = e.code ? DRIVER_FIXES[e.code] : undefined;
  return ksaError(code, `${what}: ${detail}${hint}`, { cause: error, ...(fix ? { fix } : {}) });
}

function remaining(ctx: PluginContext): number {
  return ctx.deadline - Date.now() - MARGIN_MS;
}

function connectionOptions(target: MiddlewareTarget, connectTimeout: number, defaultPort: number | undefined): ConnectionOptions {
  const socket = typeof target.options.socket === 'string' ? target.options.socket : undefined;
  const endpoint = socket ? undefined : parseEndpoint(target.endpoints[0] ?? '', defaultPort);
  const database = typeof target.options.database === 'string' ? target.options.database : endpoint?.path || undefined;
  const tls = target.tls?.enabled ? target.tls : undefined;
  return {
    ...(socket ? { socketPath: socket } : { host: endpoint?.host, port: endpoint?.port }),
    user: target.auth.username ?? endpoint?.username ?? 'root',
    ...(target.auth.password !== undefined ? { password: target.auth.password } : {}),
    ...(database ? { database } : {}),
    connectTimeout,
    // Numbers as numbers where exact, dates as the server's own text (its clock, its zone).
    supportBigNumbers: true,
    decimalNumbers: true,
    dateStrings: true,
    // Batches (batch.ts): the guard checks each statement and the joined text (guard.batchSql), and
    // any text sent alone must be exactly one statement (guard.assertSqlStatement).
    multipleStatements: true,
    ...(tls ? {
      ssl: {
        ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
        ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
        ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
        rejectUnauthorized: tls.rejectUnauthorized,
      },
    } : {}),
  };
}

export async function connectMysql(ctx: PluginContext, target: MiddlewareTarget): Promise<MysqlSession> {
  const secrets = target.auth.password ? [target.auth.password] : [];
  const guard = createOperationGuard(ctx.pluginId, ctx.operations);
  const budget = remaining(ctx);
  if (budget <= 0) throw ksaError('KSA_ERR_TIMEOUT', 'no time left to connect');
  // Refuse before any I/O when the manifest does not declare what the session setup sends.
  for (const sql of ['SELECT 1', 'SET SESSION TRANSACTION READ ONLY']) guard.assertSql(sql, 'mysql');
  if (ctx.signal.aborted) throw ksaError('KSA_ERR_TIMEOUT', 'aborted before connecting');
  let options: ConnectionOptions;
  try {
    options = connectionOptions(target, Math.max(100, Math.floor(budget * 0.8)), ctx.defaultPort);
  } catch (error) {
    if (error instanceof KsaError) throw error;
    throw ksaError('KSA_ERR_TLS', `cannot read a TLS file: ${(error as Error).message}`);
  }
  // The core connection (not mysql2/promise's createConnection) so an abort can destroy the socket
  // while the handshake is still pending; the promise wrapper is used once connected.
  const core = createConnection(options);
  core.on('error', () => undefined);
  // The server speaks first: its greeting (or silence) shows at once whether MySQL is on the port.
  const watch = options.host && options.port ? watchFirstAnswer({
    host: options.host, port: options.port, expected: 'mysql', tls: false, plaintextFix: '', signal: ctx.signal,
    tlsFix: 'MySQL negotiates TLS inside its own protocol (--tls): connect to the server\'s own port, not a TLS endpoint in front of it',
  }) : undefined;
  watch?.attach((core as unknown as { stream: Duplex }).stream);
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => {
      core.destroy();
      reject(ksaError('KSA_ERR_TIMEOUT', 'the call was aborted (deadline reached or cancelled)'));
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        core.once('connect', () => resolve());
        core.once('error', reject);
      }),
      aborted,
      ...(watch ? [watch.mismatch] : []),
    ]);
  } catch (error) {
    core.destroy();
    const mismatch = await watch?.verdict();
    if (mismatch) throw mismatch;
    // MariaDB answers a plain-text login under require_secure_transport=ON with "Access denied".
    const hint = !target.tls?.enabled && (error as DriverError)?.errno === 1045 ? ' (if the server requires TLS, add --tls)' : '';
    // Access denied: name the user tried and where it (and the password) came from.
    if (ERROR_MAP[(error as DriverError)?.code ?? ''] === 'KSA_ERR_AUTH') {
      throw authFailure({ what: `cannot connect${options.host ? ` to ${options.host}:${options.port}` : ''}`, detail: redactSecrets((error as DriverError).message ?? String(error), secrets) + hint, user: options.user, auth: target.auth });
    }
    throw error instanceof KsaError ? error : driverError(error, secrets, 'cannot connect', hint);
  } finally {
    watch?.stop();
  }
  const greeting = String((core as unknown as { _handshakePacket?: { serverVersion?: string } })._handshakePacket?.serverVersion ?? '');
  const planned = greetingVersion(greeting);
  let dialect = dialectOf(flavorOf(planned, ''), versionNumbers(planned).join('.'));
  const server: Omit<ServerInfo, 'now'> = { flavor: dialect.flavor, version: versionNumbers(planned).join('.'), versionText: planned, versionComment: '', currentUser: '' };
  const timeoutSql = () => dialect.statementTimeoutSql(Math.max(0.1, remaining(ctx) / 1000));
  for (const sql of [SERVER_SQL, timeoutSql()]) guard.assertSqlStatement(sql, 'mysql');
  // Read-only before anything else (MySQL stops a batch at a failing statement, so nothing after
  // a refused SET runs); the server then refuses writes even if a bug tried one.
  let setup: string[] | undefined = ['SET SESSION TRANSACTION READ ONLY', SERVER_SQL, timeoutSql()];
  let closing = false;

  const send = async (statements: readonly Statement[]) => {
    const head = setup ?? [];
    const timeout = remaining(ctx);
    if (timeout <= 0) throw ksaError('KSA_ERR_TIMEOUT', `no time left for ${sqlOperationsOf(statements[0]?.sql ?? '', 'mysql')[0] ?? 'the statement'}`);
    const text = guard.batchSql([...head, ...statements.map((s) => s.sql)], 'mysql');
    const answer = await Promise.race([runMulti(core, text, timeout), aborted]);
    if (head.length === 0) return answer;
    if (answer.results.length >= head.length) {
      setup = undefined;
      takeServer(answer.results[1]?.[0]);
      return { results: answer.results.slice(head.length), ...(answer.error !== undefined ? { error: answer.error } : {}) };
    }
    // The greeting came from something else than the server (a proxy announcing MySQL in front of
    // MariaDB): the timeout variable is unknown; the answered identity names the right dialect.
    if (answer.results.length === 2 && (answer.error as DriverError)?.errno === 1193 && head.length === 3) {
      takeServer(answer.results[1]?.[0]);
      if (dialect.flavor !== server.flavor) {
        dialect = dialectOf(server.flavor, server.version);
        session.dialect = dialect;
        setup = [timeoutSql()];
        return send(statements);
      }
    }
    throw driverError(answer.error, secrets, 'session setup failed');
  };
  const takeServer = (info: Row | undefined) => {
    const versionText = String(info?.versionText ?? '');
    const versionComment = String(info?.versionComment ?? '');
    Object.assign(server, {
      flavor: flavorOf(versionText, versionComment), version: versionNumbers(versionText).join('.'),
      versionText, versionComment, currentUser: String(info?.currentUser ?? ''),
    });
  };
  const batches = batcher(send);

  const query = async (sql: string, values?: unknown[], options: { globalPrivilege?: string } = {}): Promise<Row[]> => {
    if (closing) throw ksaError('KSA_ERR_PROTOCOL', 'the session is closed');
    const text = values ? core.format(sql, values) : sql;
    guard.assertSqlStatement(text, 'mysql');
    return batches.query({ sql: text, ...options });
  };
  const close = async () => {
    closing = true;
    const conn: PromiseConnection = core.promise();
    await Promise.race([conn.end(), new Promise((r) => setTimeout(r, 500).unref())]).catch(() => undefined);
    core.destroy();
  };
  const session: MysqlSession = { server, dialect, connectionId: Number(core.threadId ?? 0), query, close };
  return session;
}

/** Who the server is and who we are on it: the first answer of every session. */
const SERVER_SQL = 'SELECT VERSION() AS versionText, @@version_comment AS versionComment, CURRENT_USER() AS currentUser';
