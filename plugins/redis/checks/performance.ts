// performance: keyspace hit rate (with a minimum sample), the slow log's worst entries (commands
// redacted), the latency monitor (or a note that it is off), top commands by total time.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { configValue, dataNodes, infoNumber, skipOnce } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import { parseInfoFields } from '../parse-replies.js';
import { KSA_CLIENT_NAME, type NodeSnapshot, type RedisSnapshot } from '../snapshot.js';

export const HIT_RATE = defineThreshold({
  id: 'redis.performance.hit-rate', warning: 50, critical: null, direction: 'below', unit: '%',
  source: 'ksa default (no published rule): most reads miss below 50%; judged only after 1000 lookups https://redis.io/docs/latest/commands/info/',
});
/** Fewer lookups than this since restart say nothing about the hit rate. */
export const HIT_RATE_MIN_LOOKUPS = 1000;
export const SLOWLOG = defineThreshold({
  id: 'redis.performance.slowlog', warning: 10_000, critical: 1_000_000, direction: 'above', unit: 'us',
  source: 'redis.conf slowlog-log-slower-than default 10000 us (warning); a command blocking the server 1 s (critical: ksa) https://redis.io/docs/latest/commands/slowlog/',
});
export const LATENCY_EVENT = defineThreshold({
  id: 'redis.performance.latency', warning: 100, critical: 1000, direction: 'above', unit: 'ms',
  source: 'redis latency monitor docs (latency-monitor-threshold 100 ms example); 1 s stall (critical: ksa) https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/latency-monitor/',
});

const hitRate = defineCheck<RedisSnapshot>({
  id: 'redis.performance.hit-rate',
  category: 'performance',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const hits = infoNumber(node, 'keyspace_hits') ?? 0;
      const misses = infoNumber(node, 'keyspace_misses') ?? 0;
      if (hits + misses < HIT_RATE_MIN_LOOKUPS) return null;
      return ctx.judge(HIT_RATE, (hits / (hits + misses)) * 100, {
        node: node.address, evidence: { keyspace_hits: hits, keyspace_misses: misses, minLookups: HIT_RATE_MIN_LOOKUPS },
        title: 'Low keyspace hit rate',
        detail: `${node.address}: ${hits} hits and ${misses} misses since restart.`,
        suggestion: 'For a cache: keys expire or are evicted before reuse (check evicted_keys, TTLs, maxmemory); otherwise clients look up keys that do not exist.',
      });
    });
  },
});

const slowlog = defineCheck<RedisSnapshot>({
  id: 'redis.performance.slowlog',
  category: 'performance',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      if (node.slowlog === null) {
        skipOnce(ctx, `${node.address}: SLOWLOG GET refused (${node.refused['SLOWLOG GET'] ?? 'not collected'}): slow log not checked; allow +slowlog`);
        return null;
      }
      // ksa's own commands (earlier or concurrent runs) say nothing about the application.
      const ours = node.slowlog.entries.filter((e) => e.clientName === KSA_CLIENT_NAME).length;
      const top = node.slowlog.entries.filter((e) => e.clientName !== KSA_CLIENT_NAME).sort((a, b) => b.durationUs - a.durationUs);
      const worst = top[0];
      if (!worst) return null;
      return ctx.judge(SLOWLOG, worst.durationUs, {
        node: node.address,
        evidence: {
          slowlogLength: node.slowlog.length,
          ksaEntriesLeftOut: ours,
          slowlogLogSlowerThanUs: node.config?.['slowlog-log-slower-than'],
          top: top.slice(0, 5).map((e) => ({ command: e.command, durationUs: e.durationUs, ageSeconds: Math.max(0, Math.round(data.collectedAtMs / 1000 - e.timestamp)), client: e.clientAddr, clientName: e.clientName })),
        },
        title: 'Slow commands in the slow log',
        detail: `${node.address}: the slowest recent command (${worst.command}) took ${(worst.durationUs / 1000).toFixed(1)} ms; Redis serves no one else meanwhile.`,
        suggestion: 'Replace O(N) commands on big keys (KEYS, SMEMBERS, HGETALL, LRANGE 0 -1, big DEL) with SCAN/UNLINK/paging; SLOWLOG RESET after fixing (ksa action slowlog-reset).',
      });
    });
  },
});

const latency = defineCheck<RedisSnapshot>({
  id: 'redis.performance.latency',
  category: 'performance',
  run(data, ctx) {
    return dataNodes(data, ctx).flatMap((node) => {
      const events = node.latency;
      if (events === null) {
        skipOnce(ctx, `${node.address}: LATENCY LATEST refused (${node.refused['LATENCY LATEST'] ?? 'not collected'}): latency monitor not read; allow +latency`);
        return [];
      }
      const threshold = configValue(node, 'latency-monitor-threshold', ctx, 'latency monitor setting');
      if (events.length === 0 && threshold === '0') {
        return [ctx.finding({
          id: 'redis.performance.latency.disabled', threshold: stateRule('redis.performance.latency.disabled'), severity: 'info', node: node.address, observed: { value: 0, unit: 'ms' },
          evidence: { 'latency-monitor-threshold': 0 },
          title: 'Latency monitor is off',
          detail: `${node.address} has latency-monitor-threshold 0, so LATENCY LATEST and LATENCY DOCTOR have no data.`,
          suggestion: 'CONFIG SET latency-monitor-threshold 100 (ms) to record latency spikes; it costs almost nothing.',
        })];
      }
      return events.map((e) => ctx.judge(LATENCY_EVENT, e.maxMs, {
        node: node.address,
        evidence: { event: e.event, latestMs: e.latestMs, maxMs: e.maxMs, ageSeconds: Math.max(0, Math.round(data.collectedAtMs / 1000 - e.timestamp)), 'latency-monitor-threshold': threshold },
        title: `Latency spikes: ${e.event}`,
        detail: `${node.address}: the latency monitor recorded ${e.event} up to ${e.maxMs} ms (latest ${e.latestMs} ms).`,
        suggestion: 'Run LATENCY DOCTOR on the node; typical causes: fork for BGSAVE/AOF rewrite on a big dataset, slow commands, swap, expire cycles.',
      }));
    });
  },
});

interface CommandStat { command: string; calls: number; usec: number; usecPerCall: number }

function commandStats(node: NodeSnapshot): CommandStat[] {
  return Object.entries(node.info).filter(([k]) => k.startsWith('cmdstat_')).map(([k, v]) => {
    const f = parseInfoFields(v);
    return { command: k.slice('cmdstat_'.length), calls: Number(f.calls ?? 0), usec: Number(f.usec ?? 0), usecPerCall: Number(f.usec_per_call ?? 0) };
  });
}

const commandstats = defineCheck<RedisSnapshot>({
  id: 'redis.performance.commandstats',
  category: 'performance',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const top = commandStats(node).sort((a, b) => b.usec - a.usec).slice(0, 5);
      if (top.length === 0) return null;
      const ops = infoNumber(node, 'instantaneous_ops_per_sec') ?? 0;
      return ctx.finding({
        id: 'redis.performance.commandstats', threshold: stateRule('redis.performance.commandstats'), severity: 'info', node: node.address,
        observed: { value: ops, unit: 'ops/s' },
        evidence: { instantaneous_ops_per_sec: ops, total_commands_processed: infoNumber(node, 'total_commands_processed'), topByTotalTime: top },
        title: 'Top commands by total time',
        detail: `${node.address}: ${ops} ops/s now; most server time went to ${top.map((t) => t.command).join(', ')}.`,
        suggestion: 'Commands with a high usec_per_call are the ones to optimise first; CONFIG RESETSTAT starts a fresh window.',
      });
    });
  },
});

export const performanceChecks = [hitRate, slowlog, latency, commandstats];
