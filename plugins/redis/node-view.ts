// Read helpers the checks share: typed INFO fields, CONFIG access that skips with the reason when
// CONFIG GET is refused, and the reachable data nodes.
import type { CheckContext } from '../../src/sdk/index.js';
import { parseInfoFields } from './parse-replies.js';
import type { NodeSnapshot, RedisSnapshot } from './snapshot.js';

export const MB = 1024 * 1024;

/** A numeric INFO field, or undefined when absent (older versions, other roles). */
export function infoNumber(node: NodeSnapshot, key: string): number | undefined {
  const v = node.info[key];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** `slave0:ip=..,port=..` and `cmdstat_get:calls=..` style INFO values. */
export function infoFields(node: NodeSnapshot, key: string): Record<string, string> {
  return parseInfoFields(node.info[key]);
}

const reported = new WeakMap<CheckContext, Set<string>>();

/** ctx.skip, once per reason per category (several checks may hit the same gap). */
export function skipOnce(ctx: CheckContext, reason: string): void {
  const seen = reported.get(ctx) ?? new Set<string>();
  reported.set(ctx, seen);
  if (seen.has(reason)) return;
  seen.add(reason);
  ctx.skip(reason);
}

/** Reachable data nodes; skips the category when there is none. */
export function dataNodes(data: RedisSnapshot, ctx: CheckContext): NodeSnapshot[] {
  const nodes = data.nodes.filter((n) => n.reachable);
  if (nodes.length === 0) skipOnce(ctx, 'no reachable data node: see the connection category (and the Sentinel one in Sentinel mode)');
  return nodes;
}

/** A CONFIG value; undefined (and a skip naming what is not checked) when CONFIG GET is refused. */
export function configValue(node: NodeSnapshot, key: string, ctx: CheckContext, what: string): string | undefined {
  if (node.config === null) {
    const why = node.refused['CONFIG GET'] ?? 'not collected';
    skipOnce(ctx, `${node.address}: CONFIG GET refused (${why}): ${what} not checked; allow it with ACL +config|get or undo rename-command CONFIG`);
    return undefined;
  }
  return node.config[key];
}
