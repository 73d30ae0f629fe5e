// Parsers from raw Redis replies (RESP2 via ioredis) to the snapshot shapes. Pure, so they are
// unit-tested on recorded replies.
import type { ClientEntry, ClusterNodeEntry, LatencyEvent, SentinelPeer, SlowlogEntry } from './snapshot.js';

/** `# Memory\r\nused_memory:1\r\n...` -> `{used_memory: "1"}` (INFO keys are unique across sections). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return out;
}

/** `a=1,b=x` (slave0, cmdstat_get, db0 values) -> `{a: "1", b: "x"}`. */
export function parseInfoFields(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function parseClientList(text: string): ClientEntry[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((line) => {
    const f: Record<string, string> = {};
    for (const pair of line.trim().split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) f[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const addr = f.addr ?? '';
    return {
      host: addr.slice(0, Math.max(0, addr.lastIndexOf(':'))) || addr,
      name: f.name ?? '',
      idleSec: Number(f.idle ?? 0),
      ageSec: Number(f.age ?? 0),
      flags: f.flags ?? '',
      omem: Number(f.omem ?? 0),
      totMem: Number(f['tot-mem'] ?? 0),
      cmd: f.cmd ?? '',
    };
  });
}

/** Commands whose first argument is a subcommand name (not user data), so it is kept. */
const CONTAINER_COMMANDS = new Set([
  'ACL', 'CLIENT', 'CLUSTER', 'COMMAND', 'CONFIG', 'DEBUG', 'FUNCTION', 'LATENCY', 'MEMORY', 'MODULE',
  'OBJECT', 'PUBSUB', 'SCRIPT', 'SENTINEL', 'SLOWLOG', 'XGROUP', 'XINFO',
]);

/** `["SET","user:42","secret"]` -> `SET ? ?`; `["DEBUG","SLEEP","0.1"]` -> `DEBUG SLEEP ?`. Keys and values may hold user data. */
export function redactCommand(args: readonly unknown[]): string {
  const [name, ...rest] = args.map(String);
  const command = (name ?? '').toUpperCase();
  const keep = CONTAINER_COMMANDS.has(command) && rest.length > 0 ? [rest.shift()!.toUpperCase()] : [];
  // Redis itself abbreviates long argument lists as "... (N more arguments)".
  const more = /^\.\.\. \((\d+) more arguments\)$/.exec(rest[rest.length - 1] ?? '');
  const count = more ? rest.length - 1 + Number(more[1]) : rest.length;
  return [command, ...keep, ...Array.from({ length: Math.min(count, 8) }, () => '?'), ...(count > 8 ? [`(${count} args)`] : [])].join(' ');
}

export function parseSlowlog(reply: unknown): SlowlogEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.filter(Array.isArray).map((e: unknown[]) => ({
    id: Number(e[0]),
    timestamp: Number(e[1]),
    durationUs: Number(e[2]),
    command: redactCommand(Array.isArray(e[3]) ? e[3] : []),
    clientAddr: typeof e[4] === 'string' ? e[4] : '',
    clientName: typeof e[5] === 'string' ? e[5] : '',
  }));
}

export function parseLatencyLatest(reply: unknown): LatencyEvent[] {
  if (!Array.isArray(reply)) return [];
  return reply.filter(Array.isArray).map((e: unknown[]) => ({
    event: String(e[0]), timestamp: Number(e[1]), latestMs: Number(e[2]), maxMs: Number(e[3]),
  }));
}

/** `<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...` */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((line) => {
    const [id = '', addr = '', flags = '', master = '-', , , , link = '', ...slots] = line.trim().split(' ');
    return {
      id,
      address: addr.split('@')[0] ?? addr,
      flags: flags.split(',').filter(Boolean),
      masterId: master === '-' ? null : master,
      linkState: link,
      slots: slots.filter((s) => !s.startsWith('[')).reduce((n, s) => n + slotCount(s), 0),
    };
  });
}

function slotCount(range: string): number {
  const [a, b] = range.split('-').map(Number);
  return b === undefined ? 1 : (b as number) - (a as number) + 1;
}

/** A flat `[k, v, k, v]` array reply (SENTINEL MASTERS entries, ACL GETUSER) -> a record. */
export function pairsToRecord(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

export function sentinelPeers(reply: unknown): SentinelPeer[] {
  if (!Array.isArray(reply)) return [];
  return reply.map(pairsToRecord).map((r) => ({
    address: `${String(r.ip ?? '')}:${String(r.port ?? '')}`,
    flags: String(r.flags ?? '').split(',').filter(Boolean),
  }));
}
