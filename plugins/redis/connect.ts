// Driver setup: one ioredis client per node, every timeout and retry bounded below the deadline,
// AUTH sent by us (ioredis would print warnings and keep the password in its options), every
// command routed through the manifest's operation guard, every client closed on abort.
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { createOperationGuard, ksaError, KsaError, loginDescription, parseEndpoint, redactSecrets, watchFirstAnswer } from '../../src/sdk/index.js';
import type { ErrorCode, FirstAnswerWatch, MiddlewareTarget, OperationGuard, PluginContext } from '../../src/sdk/index.js';
import { watchedConnector } from './watched-connector.js';
import type { RedisMode } from './snapshot.js';

export const SENTINEL_PORT = 26379;

export interface NodeClient {
  address: string;
  redis: Redis;
  authUsed: boolean;
  /** A password was sent but the server has none configured. */
  passwordUnneeded: boolean;
  /** Names another service (or a TLS mismatch) on the port from its first answer. */
  firstAnswer?: FirstAnswerWatch;
}

/** A seed (an endpoint, or a Sentinel in Sentinel mode): its client, or why it could not be opened. */
export interface Seed {
  address: string;
  client?: NodeClient;
  error?: KsaError;
}

export type Reply = { ok: true; value: unknown } | { ok: false; error: string };

export interface RedisConnection {
  readonly target: MiddlewareTarget;
  /** Mode forced by options (`mode`, or Sentinel endpoints given); undefined = detect. */
  readonly mode: RedisMode | undefined;
  readonly masterName: string | undefined;
  readonly seeds: readonly Seed[];
  /** Opens one more node (cluster peers, Sentinel-discovered nodes); closed with the others. */
  open(ctx: PluginContext, address: string): Promise<NodeClient>;
  /** Sends commands in one pipelined round trip, each checked by the guard first. */
  pipeline(client: NodeClient, commands: ReadonlyArray<readonly string[]>): Promise<Reply[]>;
  closeAll(): void;
}

const MODES: Record<RedisMode, true> = { standalone: true, sentinel: true, cluster: true };

export async function connectRedis(ctx: PluginContext, target: MiddlewareTarget): Promise<RedisConnection> {
  const mode = modeOption(target.options.mode);
  const sentinelList = listOption(target.options.sentinel);
  const masterName = stringOption(target.options.masterName);
  const sentinelMode = mode === 'sentinel' || (mode === undefined && sentinelList.length > 0);
  const sentinelAuth = sentinelCredentials(target);
  const secrets = [target.auth.password, sentinelAuth.password].filter((s): s is string => s !== undefined && s !== '');
  // The guard sees whole commands (arguments included): the manifest says `CONFIG GET *`, `SLOWLOG LEN`.
  const guard = createOperationGuard(ctx.pluginId, ctx.operations, { secrets });
  const tls = tlsOptions(target);
  const clients: Redis[] = [];
  const closeAll = () => { for (const r of clients.splice(0)) r.disconnect(); };

  const open = async (c: PluginContext, address: string, defaultPort = ctx.defaultPort, auth: Credentials = dataCredentials(target)): Promise<NodeClient> => {
    if (c.signal.aborted) throw ksaError('KSA_ERR_TIMEOUT', `${address}: the deadline passed before connecting`);
    const ep = endpointOptions(address, defaultPort);
    const remaining = Math.max(50, c.deadline - Date.now());
    const options: RedisOptions = {
      ...ep.options,
      ...(tls || ep.tls ? { tls: tls ?? {} } : {}),
      lazyConnect: true,
      connectTimeout: clamp(remaining * 0.6, 50, 10_000),
      commandTimeout: clamp(remaining - 50, 50, 60_000),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      enableOfflineQueue: false,
      // The ready check sends INFO and CLIENT SETINFO writes connection metadata: neither is wanted.
      enableReadyCheck: false,
      disableClientInfo: true,
      autoResubscribe: false,
      showFriendlyErrorStack: false,
    };
    // The first answer (to AUTH or the first pipeline) tells a wrong port apart from a slow Redis.
    const useTls = options.tls !== undefined;
    const firstAnswer = ep.options.host !== undefined && ep.options.port !== undefined ? watchFirstAnswer({
      host: ep.options.host, port: ep.options.port, expected: 'redis', tls: useTls, speaksOnConnect: useTls, signal: c.signal,
      tlsFix: 'this port speaks TLS: use rediss:// or --tls', plaintextFix: 'this port speaks plaintext: use redis:// or drop --tls',
    }) : undefined;
    if (firstAnswer) options.Connector = watchedConnector((socket) => firstAnswer.attach(socket));
    const redis = new Redis(options);
    let lastError: Error | undefined;
    // ioredis prints unhandled 'error' events; the awaited calls report the failure instead.
    redis.on('error', (e: Error) => { lastError = e; });
    clients.push(redis);
    // disconnect() ends the socket gracefully, which a server that never answers never completes:
    // destroy it too, so pending commands fail now ('close') instead of at their timeout.
    const onAbort = () => { redis.disconnect(); redis.stream?.destroy(); };
    c.signal.addEventListener('abort', onAbort, { once: true });
    redis.once('end', () => c.signal.removeEventListener('abort', onAbort));
    try {
      await (firstAnswer ? Promise.race([redis.connect(), firstAnswer.mismatch]) : redis.connect());
    } catch (e) {
      redis.disconnect();
      throw (await firstAnswer?.verdict()) ?? connectError(address, lastError ?? e, secrets);
    }
    const client: NodeClient = { address, redis, authUsed: false, passwordUnneeded: false, ...(firstAnswer ? { firstAnswer } : {}) };
    if (auth.password !== undefined) await authenticate(guard, client, auth, secrets);
    return client;
  };

  const seedAddresses = sentinelMode ? (sentinelList.length > 0 ? sentinelList : target.endpoints) : target.endpoints;
  const seeds: Seed[] = await Promise.all(seedAddresses.map(async (address): Promise<Seed> => {
    try {
      return { address, client: sentinelMode ? await open(ctx, address, SENTINEL_PORT, sentinelAuth) : await open(ctx, address) };
    } catch (e) {
      return { address, error: e instanceof KsaError ? e : ksaError('KSA_ERR_CONNECT', `${address}: ${redactSecrets(String(e), secrets)}`) };
    }
  }));
  // Wrong credentials or a bad TLS setup will not get better on another seed: report them as such.
  const fatal = seeds.find((s) => s.error && s.error.code !== 'KSA_ERR_CONNECT')?.error;
  if (fatal || seeds.every((s) => s.error)) {
    closeAll();
    throw fatal ?? seeds[0]!.error!;
  }

  return {
    target,
    mode: sentinelMode ? 'sentinel' : mode,
    masterName,
    seeds,
    open: (c, address) => open(c, address),
    closeAll,
    async pipeline(client, commands) {
      for (const args of commands) guard.assert(args);
      const pipe = client.redis.pipeline();
      for (const [name, ...args] of commands) pipe.call(name!, ...args);
      client.firstAnswer?.speaking();
      const results = await answerOf(client, pipe.exec().then((r) => r ?? []));
      return commands.map((_, i): Reply => {
        const [err, value] = results[i] ?? [new Error('no reply'), null];
        return err ? { ok: false, error: redactSecrets(err.message, secrets) } : { ok: true, value };
      });
    },
  };
}

/** Who ksa authenticates as, and what to tell the user when the server refuses it. */
interface Credentials { username: string | undefined; password: string | undefined; refusedFix: string }

function dataCredentials(target: MiddlewareTarget): Credentials {
  // Names the user tried and where it and the password came from (target.auth.origin, set by ksa core).
  const fix = target.auth.origin?.fix ?? 'check --user and the password (--password-file, REDISCLI_AUTH, the endpoint URL or ksa.yaml auth)';
  return { username: target.auth.username, password: target.auth.password, refusedFix: `${loginDescription(target.auth.username ?? 'default', target.auth)}; ${fix}` };
}

/**
 * The Sentinels' own credentials (--sentinel-password / --sentinel-user), apart from the data
 * nodes' as ioredis' sentinelPassword keeps them; without them the data nodes' are offered, and a
 * Sentinel without a password accepts any (the "no password configured" reply is not an error).
 */
function sentinelCredentials(target: MiddlewareTarget): Credentials {
  const password = stringOption(target.options.sentinelPassword);
  const username = stringOption(target.options.sentinelUser);
  if (password !== undefined) return { username, password, refusedFix: 'check --sentinel-password (and --sentinel-user): the Sentinels\' requirepass or ACL user' };
  return {
    username: username ?? target.auth.username, password: target.auth.password,
    refusedFix: 'the Sentinels have their own password: give it with --sentinel-password (ksa.yaml options.sentinelPassword)',
  };
}

async function authenticate(guard: OperationGuard, client: NodeClient, auth: Credentials, secrets: string[]): Promise<void> {
  const { username, password } = auth;
  const args = username ? [username, password!] : [password!];
  guard.assert(['AUTH', ...args]);
  try {
    client.firstAnswer?.speaking();
    await answerOf(client, client.redis.call('AUTH', ...args));
    client.authUsed = true;
  } catch (e) {
    if (e instanceof KsaError) { client.redis.disconnect(); throw e; }
    const message = redactSecrets(e instanceof Error ? e.message : String(e), secrets);
    if (/without any password configured|no password is set/i.test(message)) {
      client.passwordUnneeded = true;
      return;
    }
    client.redis.disconnect();
    // Only a reply from the server is a verdict on the credentials; a stall or a dropped
    // connection during AUTH is a timeout or a connect error.
    if ((e as { name?: string } | null)?.name !== 'ReplyError') {
      throw ksaError(/timed? ?out/i.test(message) ? 'KSA_ERR_TIMEOUT' : 'KSA_ERR_CONNECT', `${client.address}: no answer to AUTH (${message})`);
    }
    // ioredis errors carry the command arguments (the password): never chain them as a cause.
    if (/wrong number of arguments/i.test(message)) {
      throw ksaError('KSA_ERR_AUTH', `${client.address}: AUTH with a user name needs Redis 6+ ACLs`, { fix: 'drop --user for Redis 5 and older' });
    }
    throw ksaError('KSA_ERR_AUTH', `${client.address}: ${message}`, { fix: auth.refusedFix });
  }
}

/**
 * A command's outcome, unless the port turned out to speak another protocol: then the watch's
 * error (WRONG_SERVICE / TLS), not ioredis's "Protocol error ... Please report this" or a timeout.
 */
async function answerOf<T>(client: NodeClient, work: Promise<T>): Promise<T> {
  const watch = client.firstAnswer;
  if (!watch || watch.confirmed) return work;
  let outcome: T;
  try {
    outcome = await Promise.race([work, watch.mismatch]);
  } catch (error) {
    throw (await watch.verdict()) ?? error;
  }
  const failed = Array.isArray(outcome) && outcome.some((r) => Array.isArray(r) && r[0] instanceof Error && r[0].name !== 'ReplyError');
  const mismatch = failed ? await watch.verdict() : undefined;
  if (mismatch) throw mismatch;
  return outcome;
}

function connectError(address: string, error: unknown, secrets: string[]): KsaError {
  const e = error as { message?: string; code?: string };
  const message = redactSecrets(`${address}: ${e.code && !String(e.message).includes(e.code) ? `${e.code} ` : ''}${e.message ?? String(error)}`, secrets);
  const code: ErrorCode = /certificate|ssl|tls|self.signed|CERT_|ERR_TLS|EPROTO/i.test(`${e.code ?? ''} ${e.message ?? ''}`) ? 'KSA_ERR_TLS' : 'KSA_ERR_CONNECT';
  return ksaError(code, message);
}

function endpointOptions(address: string, defaultPort: number | undefined): { options: RedisOptions; tls: boolean } {
  if (address.startsWith('unix:')) return { options: { path: address.slice('unix:'.length) }, tls: false };
  const ep = parseEndpoint(address, defaultPort);
  if (ep.scheme !== undefined && ep.scheme !== 'redis' && ep.scheme !== 'rediss') {
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `${address}: scheme ${ep.scheme} is not redis:// or rediss://`);
  }
  return { options: { host: ep.host, port: ep.port }, tls: ep.scheme === 'rediss' };
}

function tlsOptions(target: MiddlewareTarget): RedisOptions['tls'] | undefined {
  const t = target.tls;
  if (!t?.enabled) return undefined;
  const read = (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw ksaError('KSA_ERR_TLS', `cannot read the TLS ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  return {
    ca: read(t.caFile, 'CA file'),
    cert: read(t.certFile, 'certificate file'),
    key: read(t.keyFile, 'key file'),
    ...(t.servername ? { servername: t.servername } : {}),
    rejectUnauthorized: t.rejectUnauthorized,
  };
}

function modeOption(value: unknown): RedisMode | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if (typeof value === 'string' && Object.hasOwn(MODES, value)) return value as RedisMode;
  throw ksaError('KSA_ERR_BAD_INPUT', `mode ${JSON.stringify(String(value).slice(0, 20))} is not standalone, sentinel or cluster`, { fix: 'use --mode standalone|sentinel|cluster or leave it out to detect' });
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `--sentinel a:26379,b:26379` arrives as a list; ksa.yaml may give a comma string. */
function listOption(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return items.map((s) => s.trim()).filter(Boolean);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, n)));
}
