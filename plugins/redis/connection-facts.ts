// What a server cannot change while one connection to it lives, learnt on that connection and
// not asked again on it (a kept session in `ksa watch` reads the same node every cycle). Each fact
// says why it holds; anything that CAN change at run time (CONFIG SET, ACL SETUSER) is asked every
// cycle. The client never reconnects by itself (retryStrategy: null): a restarted server means a
// new connection, with no facts.
import { pairsToRecord } from './parse-replies.js';
import type { NodeClient, Reply } from './connect.js';

export interface ConnectionFacts {
  /** CLIENT SETNAME succeeded: a connection's name is set by that connection alone and kept until it closes. */
  named: boolean;
  /** redis_version (a server's version changes only with a restart): CONFIG GET takes several keys from 7.0. */
  version?: string;
  /** cluster_enabled:0 is read at start-up only: such a node never answers CLUSTER INFO/NODES. */
  clusterDisabled: boolean;
  /**
   * COMMAND INFO of the dangerous commands, kept as what the check reads (null: renamed away by
   * rename-command, which only the config file sets; else the name): the whole reply is a tree of
   * nested arrays (flags, ACL categories, key specs, subcommands) a kept connection would hold for nothing.
   */
  commandInfo?: Reply;
  /**
   * ACL DRYRUN answers for user default, valid while its rules are the same: they are a function
   * of the user's rules (ACL GETUSER, asked every cycle) and the built-in command table. A change of
   * the rules (ACL SETUSER, ACL LOAD) is seen in the same cycle and the answers are asked again.
   */
  dryrun?: { rules: string; replies: Record<string, Reply> };
}

const facts = new WeakMap<NodeClient, ConnectionFacts>();

export function factsOf(client: NodeClient): ConnectionFacts {
  let f = facts.get(client);
  if (!f) facts.set(client, (f = { named: false, clusterDisabled: false }));
  return f;
}

/** Several keys in one CONFIG GET: Redis 7.0 and later. */
export function multiKeyConfigGet(f: ConnectionFacts): boolean {
  const major = Number(/^(\d+)\./.exec(f.version ?? '')?.[1] ?? 0);
  return major >= 7;
}

/** User default's rules from its ACL GETUSER reply (without the password hashes: DRYRUN does not read them). */
export function aclRules(reply: Reply | undefined): string | undefined {
  if (!reply?.ok || !Array.isArray(reply.value)) return undefined;
  const { passwords: _hashes, ...rules } = pairsToRecord(reply.value);
  return JSON.stringify(rules);
}

/** A COMMAND INFO reply reduced to what the dangerous-commands check reads: null or the command's name. */
export function presenceOf(reply: Reply & { ok: true }, names: readonly string[]): Reply {
  const value = reply.value as unknown[];
  return { ok: true, value: names.map((name, i) => (value[i] === null ? null : name)) };
}
