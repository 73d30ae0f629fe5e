// I/O only: every node's data in ONE pipelined round trip after connect. The mode decides which
// nodes: the endpoints (standalone), every node CLUSTER NODES lists (cluster), or the master and
// replicas the Sentinels report (sentinel). Refused commands are recorded, never fatal.
import { ksaError } from '../../src/sdk/index.js';
import type { CollectOutput, PluginContext } from '../../src/sdk/index.js';
import type { NodeClient, RedisConnection, Reply } from './connect.js';
import { collectSentinel } from './collect-sentinel.js';
import { pairsToRecord, parseClientList, parseClusterNodes, parseInfo, parseLatencyLatest, parseSlowlog } from './parse-replies.js';
import { aclRules, factsOf, multiKeyConfigGet, presenceOf, type ConnectionFacts } from './connection-facts.js';
import { KSA_CLIENT_NAME, type CommandExposure, type NodeSnapshot, type RedisMode, type RedisSnapshot } from './snapshot.js';

/** CONFIG GET keys the checks read (never requirepass/masterauth: those are secrets). */
export const CONFIG_KEYS = [
  'maxmemory', 'maxmemory-policy', 'maxclients', 'save', 'appendonly', 'protected-mode', 'bind',
  'latency-monitor-threshold', 'slowlog-log-slower-than', 'enable-debug-command', 'timeout',
] as const;

/** Dangerous commands, each with arguments valid for ACL DRYRUN's arity check (DRYRUN never runs them). */
export const DANGEROUS_COMMANDS: Record<string, readonly string[]> = {
  FLUSHALL: ['FLUSHALL'],
  FLUSHDB: ['FLUSHDB'],
  KEYS: ['KEYS', '*'],
  CONFIG: ['CONFIG', 'SET', 'maxmemory', '0'],
  DEBUG: ['DEBUG', 'SLEEP', '0'],
  SHUTDOWN: ['SHUTDOWN'],
};

/** Newest slow log entries read (the server keeps slowlog-max-len, 128 by default). */
export const SLOWLOG_ENTRIES = 32;

type Command = readonly [key: string, args: readonly string[]];

/** ACL DRYRUN of each dangerous command for user default, keyed `dryrun:<name>`. */
const DRYRUNS: Command[] = Object.entries(DANGEROUS_COMMANDS).map(([name, args]) => [`dryrun:${name}`, ['ACL', 'DRYRUN', 'default', ...args]]);

/**
 * The pipeline for one node; category-specific commands only when that category is asked for.
 * On a connection that already answered (a kept session), what it cannot change is not asked
 * again (connection-facts.ts).
 */
function nodeCommands(categories: readonly string[], facts: ConnectionFacts): Command[] {
  const wants = (c: string) => categories.includes(c);
  // Named first, so every later command of ours is recorded under KSA_CLIENT_NAME in the slow log
  // and CLIENT LIST. A refusal (ACL without +client|setname) is ignored: the name is a courtesy.
  const cmds: Command[] = facts.named ? [] : [['setname', ['CLIENT', 'SETNAME', KSA_CLIENT_NAME]]];
  // The slow log next: with slowlog-log-slower-than 0 our own commands would push real entries out.
  if (wants('performance')) cmds.push(['slowlog', ['SLOWLOG', 'GET', String(SLOWLOG_ENTRIES)]], ['slowlogLen', ['SLOWLOG', 'LEN']], ['latency', ['LATENCY', 'LATEST']]);
  cmds.push(['info', ['INFO', 'all']]);
  // CONFIG values can change (CONFIG SET): read every cycle, in one command where the server takes several keys.
  if (multiKeyConfigGet(facts)) cmds.push(['config', ['CONFIG', 'GET', ...CONFIG_KEYS]]);
  else cmds.push(...CONFIG_KEYS.map((k): Command => [`config:${k}`, ['CONFIG', 'GET', k]]));
  if (wants('connection')) cmds.push(['clients', ['CLIENT', 'LIST']]);
  // The cluster topology decides which other nodes to read (never asked of a node started without cluster support).
  if (!facts.clusterDisabled) cmds.push(['clusterInfo', ['CLUSTER', 'INFO']], ['clusterNodes', ['CLUSTER', 'NODES']]);
  if (wants('security')) {
    cmds.push(['aclUser', ['ACL', 'GETUSER', 'default']]);
    if (!facts.commandInfo) cmds.push(['commandInfo', ['COMMAND', 'INFO', ...Object.keys(DANGEROUS_COMMANDS)]]);
    if (!facts.dryrun) cmds.push(...DRYRUNS);
  }
  return cmds;
}

export async function collectRedis(
  ctx: PluginContext, conn: RedisConnection, request: { categories: readonly string[] },
): Promise<CollectOutput<RedisSnapshot>> {
  const { categories } = request;
  const collectedAtMs = Date.now();
  const readAt = (address: string) => readNodeAt(ctx, conn, address, categories);

  if (conn.mode === 'sentinel') return sentinelOutput(await collectSentinel(conn, (address) => readNodeAt(ctx, conn, address, categories)), collectedAtMs, categories);

  const seeds = await Promise.all(conn.seeds.map((s) => (s.client ? readNode(conn, s.client, categories, true) : unreachable(s.address, s.error?.message ?? 'not connected'))));
  // Not one endpoint answered: that is a failed diagnosis (exit 3), as when none accepts a connection.
  if (seeds.every((n) => !n.reachable)) {
    const error = seeds[0]?.error ?? 'no answer';
    // Past the deadline the abort closes the connections, and a command then fails "Connection is
    // closed" rather than "timed out" (whichever timer a busy event loop runs first): a timeout all the same.
    if (ctx.signal.aborted) throw ksaError('KSA_ERR_TIMEOUT', `${error} (the deadline passed)`);
    throw ksaError(/timed out/i.test(error) ? 'KSA_ERR_TIMEOUT' : 'KSA_ERR_CONNECT', error);
  }
  // A Sentinel given as a plain endpoint: diagnose it as Sentinel.
  if (conn.mode === undefined && seeds.some((n) => n.info.redis_mode === 'sentinel')) {
    return sentinelOutput(await collectSentinel(conn, (address) => readNodeAt(ctx, conn, address, categories)), collectedAtMs, categories);
  }
  const clusterMode = conn.mode === 'cluster' || (conn.mode === undefined && seeds.some((n) => n.info.cluster_enabled === '1'));
  const mode: RedisMode = clusterMode ? 'cluster' : 'standalone';
  let nodes = seeds;
  if (clusterMode) {
    const known = new Set(seeds.map((n) => n.cluster?.nodes.find((e) => e.flags.includes('myself'))?.id).filter(Boolean));
    const peers = new Map<string, string>();
    for (const seed of seeds) {
      for (const e of seed.cluster?.nodes ?? []) {
        if (!known.has(e.id) && !e.flags.includes('noaddr') && !e.flags.includes('handshake') && !e.address.startsWith(':')) peers.set(e.id, e.address);
      }
    }
    nodes = [...seeds, ...(await Promise.all([...peers.values()].map(readAt)))];
  }
  // Not failures: these categories do not apply to this deployment (reported notApplicable).
  const notApplicable: Record<string, string> = {
    sentinel: 'not a Sentinel deployment: pass --sentinel host:port,... and --master-name <name> to diagnose Sentinel',
  };
  if (!clusterMode) notApplicable.cluster = 'cluster_enabled:0: not a Redis Cluster node (pass --mode cluster to insist)';
  return { data: { mode, nodes, sentinels: null, masterName: conn.masterName ?? null, collectedAtMs }, notApplicable: only(notApplicable, categories) };
}

function sentinelOutput(data: Omit<RedisSnapshot, 'collectedAtMs'>, collectedAtMs: number, categories: readonly string[]): CollectOutput<RedisSnapshot> {
  return { data: { ...data, collectedAtMs }, notApplicable: only({ cluster: 'Sentinel deployment: Redis Cluster does not use Sentinel (pass --mode cluster for a cluster)' }, categories) };
}

function only(reasons: Record<string, string>, categories: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(reasons).filter(([c]) => categories.includes(c)));
}

async function readNodeAt(ctx: PluginContext, conn: RedisConnection, address: string, categories: readonly string[]): Promise<NodeSnapshot> {
  let client: NodeClient;
  try {
    client = await conn.open(ctx, address);
  } catch (e) {
    return unreachable(address, e instanceof Error ? e.message : String(e));
  }
  return readNode(conn, client, categories, false);
}

/**
 * One pipelined round trip (a second one only when user default's ACL rules changed on a kept
 * connection); a seed that needs a password the user did not give is an auth error.
 */
async function readNode(conn: RedisConnection, client: NodeClient, categories: readonly string[], seed: boolean): Promise<NodeSnapshot> {
  const facts = factsOf(client);
  const cmds = nodeCommands(categories, facts);
  let r: Record<string, Reply>;
  try {
    const replies = await conn.pipeline(client, cmds.map(([, args]) => args));
    r = Object.fromEntries(cmds.map(([key], i) => [key, replies[i]!]));
    if (categories.includes('security')) await dryrunsFor(conn, client, facts, r);
  } catch (e) {
    // A refused operation is a plugin bug; another service (or a TLS mismatch) on the port is the run's answer.
    if (['KSA_ERR_OPERATION_DENIED', 'KSA_ERR_WRONG_SERVICE', 'KSA_ERR_TLS'].includes((e as { code?: string }).code ?? '')) throw e;
    return unreachable(client.address, e instanceof Error ? e.message : String(e));
  }
  const info = r.info!;
  if (!info.ok) {
    if (seed && /^NOAUTH/.test(info.error)) throw ksaError('KSA_ERR_AUTH', `${client.address} requires a password (${info.error})`, { fix: 'pass --password-file, REDISCLI_AUTH or the config password' });
    return unreachable(client.address, `INFO refused: ${info.error} (grant the user +info, or +@all minus the dangerous commands)`);
  }
  const parsedInfo = parseInfo(String(info.value));
  learn(facts, r, parsedInfo);
  const refused: Record<string, string> = {};
  const value = (key: string, operation: string): unknown => {
    const reply = r[key];
    if (reply === undefined) return undefined;
    if (!reply.ok) { refused[operation] = reply.error; return undefined; }
    return reply.value;
  };
  const config = configOf(r, value);
  const slowlog = value('slowlog', 'SLOWLOG GET');
  const slowlogLen = value('slowlogLen', 'SLOWLOG LEN');
  const clients = value('clients', 'CLIENT LIST');
  const latency = value('latency', 'LATENCY LATEST');
  const clusterInfo = r.clusterInfo?.ok ? String(r.clusterInfo.value) : undefined;
  const clusterNodes = r.clusterNodes?.ok ? String(r.clusterNodes.value) : undefined;
  return {
    address: client.address,
    reachable: true,
    info: parsedInfo,
    config,
    slowlog: slowlog === undefined ? null : { length: Number(slowlogLen ?? 0), entries: parseSlowlog(slowlog).filter((e) => e.clientAddr !== ownAddress(client)) },
    clients: clients === undefined ? null : parseClientList(String(clients)),
    latency: latency === undefined ? null : parseLatencyLatest(latency),
    cluster: clusterInfo !== undefined && clusterNodes !== undefined ? { info: parseInfo(clusterInfo), nodes: parseClusterNodes(clusterNodes) } : null,
    security: {
      authUsed: client.authUsed,
      passwordUnneeded: client.passwordUnneeded,
      defaultUserFlags: defaultUserFlags(value('aclUser', 'ACL GETUSER')),
      dangerousCommands: dangerousExposure(r, refused),
    },
    refused,
  };
}

/** The CONFIG values the checks read, from one multi-key reply or one reply per key; null when refused. */
function configOf(r: Record<string, Reply>, value: (key: string, operation: string) => unknown): Record<string, string> | null {
  const config: Record<string, string> = {};
  const pairs = (v: unknown) => {
    if (Array.isArray(v)) for (let i = 0; i + 1 < v.length; i += 2) config[String(v[i])] = String(v[i + 1]);
  };
  if (r.config) {
    const v = value('config', 'CONFIG GET');
    if (v === undefined) return null;
    pairs(v);
    return config;
  }
  let refused = false;
  for (const k of CONFIG_KEYS) {
    const v = value(`config:${k}`, 'CONFIG GET');
    if (v === undefined && r[`config:${k}`]?.ok === false) refused = true;
    pairs(v);
  }
  return refused ? null : config;
}

/** Records what this connection's answers settle for its lifetime (connection-facts.ts). */
function learn(facts: ConnectionFacts, r: Record<string, Reply>, info: Record<string, string>): void {
  if (r.setname?.ok) facts.named = true;
  if (info.redis_version) facts.version = info.redis_version;
  if (info.cluster_enabled === '0') facts.clusterDisabled = true;
  if (r.commandInfo?.ok && Array.isArray(r.commandInfo.value)) facts.commandInfo = presenceOf(r.commandInfo, Object.keys(DANGEROUS_COMMANDS));
  if (facts.commandInfo) r.commandInfo = facts.commandInfo;
}

/**
 * Fills the `dryrun:*` replies: asked in this cycle's pipeline, or the answers kept for user
 * default's current rules, or (its rules changed since) asked now in a second round trip. Kept
 * only when every answer came and the rules were readable.
 */
async function dryrunsFor(conn: RedisConnection, client: NodeClient, facts: ConnectionFacts, r: Record<string, Reply>): Promise<void> {
  const rules = aclRules(r.aclUser);
  if (r[DRYRUNS[0]![0]] === undefined) {
    if (facts.dryrun && rules !== undefined && facts.dryrun.rules === rules) Object.assign(r, facts.dryrun.replies);
    else {
      const replies = await conn.pipeline(client, DRYRUNS.map(([, args]) => args));
      DRYRUNS.forEach(([key], i) => { r[key] = replies[i]!; });
    }
  }
  const answers = Object.fromEntries(DRYRUNS.map(([key]) => [key, r[key]!]));
  facts.dryrun = rules !== undefined && Object.values(answers).every((a) => a?.ok) ? { rules, replies: answers } : undefined;
}

/** Our own connection as the server names it (`ip:port`), to leave our commands out of the slow log. */
function ownAddress(client: NodeClient): string | undefined {
  const socket = (client.redis as unknown as { stream?: { localAddress?: string; localPort?: number } }).stream;
  return socket?.localAddress && socket.localPort ? `${socket.localAddress.replace(/^::ffff:/, '')}:${socket.localPort}` : undefined;
}

function defaultUserFlags(reply: unknown): string[] | null {
  const flags = pairsToRecord(reply).flags;
  // Only the flags: the reply also holds password hashes, which must not reach the snapshot.
  return Array.isArray(flags) ? flags.map(String) : null;
}

function dangerousExposure(r: Record<string, Reply>, refused: Record<string, string>): Record<string, CommandExposure> | null {
  const info = r.commandInfo;
  if (!info) return null;
  if (!info.ok || !Array.isArray(info.value)) { refused['COMMAND INFO'] = info.ok ? 'unexpected reply' : info.error; return null; }
  const out: Record<string, CommandExposure> = {};
  const names = Object.keys(DANGEROUS_COMMANDS);
  for (const [i, name] of names.entries()) {
    if (info.value[i] === null) { out[name] = 'renamed'; continue; }
    const dry = r[`dryrun:${name}`];
    if (!dry?.ok) {
      refused['ACL DRYRUN'] = dry?.ok === false ? dry.error : 'no reply';
      return null;
    }
    out[name] = dry.value === 'OK' ? 'allowed' : 'denied';
  }
  return out;
}

function unreachable(address: string, error: string): NodeSnapshot {
  return {
    address, reachable: false, error, info: {}, config: null, slowlog: null, clients: null, latency: null, cluster: null,
    security: { authUsed: false, passwordUnneeded: false, defaultUserFlags: null, dangerousCommands: null }, refused: {},
  };
}
