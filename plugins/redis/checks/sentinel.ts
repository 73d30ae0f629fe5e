// sentinel: each master's state as the Sentinels see it (s_down/o_down, failover), the quorum
// check, how many Sentinels and replicas are known, and Sentinels that could not be asked.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import type { CheckContext, Finding } from '../../../src/sdk/index.js';
import { stateRule } from '../state-rules.js';
import { skipOnce } from '../node-view.js';
import type { RedisSnapshot, SentinelMaster, SentinelView } from '../snapshot.js';

export const SENTINEL_COUNT = defineThreshold({
  id: 'redis.sentinel.sentinels', warning: 3, critical: null, direction: 'below', unit: 'sentinels',
  source: 'redis Sentinel docs: a robust deployment needs at least three Sentinel instances https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/',
});
export const REPLICA_COUNT = defineThreshold({
  id: 'redis.sentinel.replicas', warning: 1, critical: null, direction: 'below', unit: 'replicas',
  source: 'redis Sentinel docs: failover promotes a replica; without one there is nothing to fail over to https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/',
});

const DOWN_FLAGS = ['s_down', 'o_down', 'disconnected'];

/** Sentinels that answered, or a skip when none did. */
function answering(data: RedisSnapshot, ctx: CheckContext): SentinelView[] {
  const views = (data.sentinels ?? []).filter((s) => s.reachable && s.error === undefined);
  if (views.length === 0) skipOnce(ctx, 'no Sentinel answered: check --sentinel host:port,... and that the Sentinels run');
  return views;
}

/** Every master by name with each Sentinel's view of it. */
function mastersByName(views: SentinelView[]): Map<string, Array<{ sentinel: string; master: SentinelMaster }>> {
  const out = new Map<string, Array<{ sentinel: string; master: SentinelMaster }>>();
  for (const v of views) for (const m of v.masters) out.set(m.name, [...(out.get(m.name) ?? []), { sentinel: v.address, master: m }]);
  return out;
}

const reachability = defineCheck<RedisSnapshot>({
  id: 'redis.sentinel.unreachable',
  category: 'sentinel',
  run(data, ctx) {
    const all = data.sentinels ?? [];
    return all.filter((s) => !s.reachable || s.error !== undefined).map((s) => {
      const unknownMaster = s.reachable && /No such master/i.test(s.error ?? '');
      return ctx.finding({
        id: unknownMaster ? 'redis.sentinel.unreachable.unknown-master' : 'redis.sentinel.unreachable',
        threshold: stateRule(unknownMaster ? 'redis.sentinel.unreachable.unknown-master' : 'redis.sentinel.unreachable'),
        severity: unknownMaster ? 'critical' : 'warning', node: s.address,
        observed: { value: unknownMaster ? 'unknown master' : 'unreachable' }, evidence: { error: s.error, masterName: data.masterName },
        title: unknownMaster ? 'Sentinel does not monitor this master' : 'Sentinel unreachable',
        detail: unknownMaster
          ? `${s.address} does not know master ${data.masterName}.`
          : `${s.address} could not be asked: ${s.error ?? 'unknown error'}.`,
        suggestion: unknownMaster
          ? 'Check --master-name (SENTINEL MASTERS lists the names) or add a sentinel monitor line for it.'
          : 'Start the Sentinel or fix the address; with fewer Sentinels up, the quorum and the failover majority may be lost.',
      });
    });
  },
});

const masterState = defineCheck<RedisSnapshot>({
  id: 'redis.sentinel.master',
  category: 'sentinel',
  run(data, ctx) {
    const findings: Array<Finding | null> = [];
    for (const [name, seen] of mastersByName(answering(data, ctx))) {
      const flags = [...new Set(seen.flatMap((s) => s.master.flags))];
      const addresses = [...new Set(seen.map((s) => s.master.address))];
      const evidence = { master: name, views: seen.map((s) => ({ sentinel: s.sentinel, address: s.master.address, flags: s.master.flags.join(',') })) };
      const odown = flags.includes('o_down');
      const sdown = flags.includes('s_down');
      if (odown || sdown) {
        findings.push(ctx.finding({
          id: 'redis.sentinel.master', threshold: stateRule('redis.sentinel.master'), severity: 'critical', node: addresses[0], observed: { value: odown ? 'o_down' : 's_down' }, evidence,
          title: odown ? 'Master objectively down' : 'Master subjectively down',
          detail: `Master ${name} (${addresses.join(', ')}) is ${odown ? 'o_down: a quorum of Sentinels agrees it is down' : 's_down for at least one Sentinel'}.`,
          suggestion: 'Bring the master back or check why the failover does not complete (no promotable replica: replica-priority 0, replicas down, or no majority of Sentinels).',
        }));
      }
      if (flags.some((f) => f.startsWith('failover_'))) {
        findings.push(ctx.finding({
          id: 'redis.sentinel.master.failover', threshold: stateRule('redis.sentinel.master.failover'), severity: 'warning', node: addresses[0], observed: { value: 'failover in progress' }, evidence,
          title: 'Failover in progress', detail: `Sentinels are failing over master ${name}.`,
          suggestion: 'Wait for it to finish; clients must follow the new master (Sentinel-aware client).',
        }));
      }
      if (addresses.length > 1) {
        findings.push(ctx.finding({
          id: 'redis.sentinel.master.split', threshold: stateRule('redis.sentinel.master.split'), severity: 'warning', observed: { value: addresses.length, unit: 'addresses' }, evidence,
          title: 'Sentinels disagree on the master',
          detail: `Sentinels report master ${name} at ${addresses.join(' and ')}.`,
          suggestion: 'A failover is propagating or Sentinels are partitioned: check their logs and connectivity.',
        }));
      }
    }
    return findings;
  },
});

const quorum = defineCheck<RedisSnapshot>({
  id: 'redis.sentinel.quorum',
  category: 'sentinel',
  run(data, ctx) {
    const findings: Array<Finding | null> = [];
    for (const [name, seen] of mastersByName(answering(data, ctx))) {
      const failing = seen.filter((s) => !s.master.ckquorum.ok);
      if (failing.length === 0) continue;
      findings.push(ctx.finding({
        id: 'redis.sentinel.quorum', threshold: stateRule('redis.sentinel.quorum'), severity: 'critical', observed: { value: 'NOQUORUM' },
        evidence: { master: name, quorum: seen[0]?.master.quorum, answers: failing.map((s) => ({ sentinel: s.sentinel, ckquorum: s.master.ckquorum.message })) },
        title: 'Sentinel quorum not reachable',
        detail: `SENTINEL CKQUORUM ${name} fails on ${failing.map((s) => s.sentinel).join(', ')}: ${failing[0]!.master.ckquorum.message}.`,
        suggestion: 'Start the missing Sentinels or lower the quorum: without it no failover can be authorised.',
      }));
    }
    return findings;
  },
});

const sentinelCount = defineCheck<RedisSnapshot>({
  id: 'redis.sentinel.sentinels',
  category: 'sentinel',
  run(data, ctx) {
    return [...mastersByName(answering(data, ctx))].map(([name, seen]) => {
      const known = Math.max(...seen.map((s) => s.master.numOtherSentinels + 1));
      return ctx.judge(SENTINEL_COUNT, known, {
        evidence: { master: name, quorum: seen[0]?.master.quorum, sentinels: seen[0]?.master.sentinels.map((p) => ({ address: p.address, flags: p.flags.join(',') })) },
        title: 'Too few Sentinels',
        detail: `Master ${name} is watched by ${known} Sentinel(s).`,
        suggestion: 'Run at least three Sentinels on separate hosts so a majority survives one failure.',
      });
    });
  },
});

const replicas = defineCheck<RedisSnapshot>({
  id: 'redis.sentinel.replicas',
  category: 'sentinel',
  run(data, ctx) {
    return [...mastersByName(answering(data, ctx))].flatMap(([name, seen]) => {
      const view = seen[0]!.master;
      const down = view.replicas.filter((r) => r.flags.some((f) => DOWN_FLAGS.includes(f)));
      const evidence = { master: name, replicas: view.replicas.map((r) => ({ address: r.address, flags: r.flags.join(',') })) };
      return [
        ctx.judge(REPLICA_COUNT, view.numSlaves, {
          evidence, title: 'No replica to fail over to',
          detail: `Master ${name} has ${view.numSlaves} replicas known to Sentinel.`,
          suggestion: 'Add a replica (replicaof the master): Sentinel can only promote an existing replica.',
        }),
        down.length > 0 ? ctx.finding({
          id: 'redis.sentinel.replicas.down', threshold: stateRule('redis.sentinel.replicas.down'), severity: 'warning', observed: { value: down.length, unit: 'replicas' }, evidence,
          title: 'Replicas down', detail: `Sentinel sees ${down.map((r) => r.address).join(', ')} of master ${name} as down.`,
          suggestion: 'Restart or reconnect those replicas; each one down reduces what a failover can promote.',
        }) : null,
      ];
    });
  },
});

export const sentinelChecks = [reachability, masterState, quorum, sentinelCount, replicas];
