// Sentinel mode: ask every Sentinel about the master(s) (SENTINEL MASTER[S], then REPLICAS,
// SENTINELS and CKQUORUM in one more pipelined round trip), then read the data nodes they report.
import { ksaError } from '../../src/sdk/index.js';
import type { NodeClient, RedisConnection, Reply } from './connect.js';
import { pairsToRecord, sentinelPeers } from './parse-replies.js';
import type { NodeSnapshot, RedisSnapshot, SentinelMaster, SentinelView } from './snapshot.js';

/** Every Sentinel's view, then the master and replicas they report, each read with `readNodeAt`. */
export async function collectSentinel(
  conn: RedisConnection, readNodeAt: (address: string) => Promise<NodeSnapshot>,
): Promise<Omit<RedisSnapshot, 'collectedAtMs'>> {
  const sentinels = await Promise.all(conn.seeds.map((s) => (s.client
    ? readSentinel(conn, s.client, conn.masterName)
    : { address: s.address, reachable: false, error: s.error?.message ?? 'not connected', masters: [] })));
  // The data nodes: each master and its replicas as the first Sentinel that answers reports them.
  const view = sentinels.find((s) => s.reachable && s.masters.length > 0);
  const addresses = new Set<string>();
  for (const m of view?.masters ?? []) {
    addresses.add(m.address);
    for (const r of m.replicas) addresses.add(r.address);
  }
  const nodes = await Promise.all([...addresses].map(readNodeAt));
  return { mode: 'sentinel', nodes, sentinels, masterName: conn.masterName ?? null };
}

async function readSentinel(conn: RedisConnection, client: NodeClient, masterName: string | undefined): Promise<SentinelView> {
  try {
    let names: string[];
    let masterReplies: unknown[];
    if (masterName !== undefined) {
      names = [masterName];
      const [m] = await conn.pipeline(client, [['SENTINEL', 'MASTER', masterName]]).then((rs) => rs.map(valueOrThrow));
      masterReplies = [m];
    } else {
      const [all] = await conn.pipeline(client, [['SENTINEL', 'MASTERS']]).then((rs) => rs.map(valueOrThrow));
      masterReplies = Array.isArray(all) ? all : [];
      names = masterReplies.map((m) => String(pairsToRecord(m).name));
    }
    // One more round trip for every master's replicas, sentinels and quorum check.
    const per = await conn.pipeline(client, names.flatMap((n) => [['SENTINEL', 'REPLICAS', n], ['SENTINEL', 'SENTINELS', n], ['SENTINEL', 'CKQUORUM', n]]));
    const masters = names.map((name, i): SentinelMaster => {
      const m = pairsToRecord(masterReplies[i]);
      const [replicas, peers, quorum] = [per[i * 3], per[i * 3 + 1], per[i * 3 + 2]];
      return {
        name,
        address: `${String(m.ip ?? '')}:${String(m.port ?? '')}`,
        flags: String(m.flags ?? '').split(',').filter(Boolean),
        quorum: Number(m.quorum ?? 0),
        numSlaves: Number(m['num-slaves'] ?? 0),
        numOtherSentinels: Number(m['num-other-sentinels'] ?? 0),
        ckquorum: quorum?.ok ? { ok: true, message: String(quorum.value) } : { ok: false, message: quorum?.error ?? 'no reply' },
        replicas: replicas?.ok ? sentinelPeers(replicas.value) : [],
        sentinels: peers?.ok ? sentinelPeers(peers.value) : [],
      };
    });
    return { address: client.address, reachable: true, masters };
  } catch (e) {
    if ((e as { code?: string }).code === 'KSA_ERR_OPERATION_DENIED') throw e;
    const message = e instanceof Error ? e.message : String(e);
    // A Sentinel with requirepass and no password given: no Sentinel will tell more, so fail as auth.
    if (/^NOAUTH/.test(message)) throw ksaError('KSA_ERR_AUTH', `Sentinel ${client.address} requires a password (${message})`, { fix: 'give the Sentinels\' password with --sentinel-password (ksa.yaml options.sentinelPassword)' });
    return { address: client.address, reachable: true, error: message, masters: [] };
  }
}

function valueOrThrow(reply: Reply): unknown {
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}
