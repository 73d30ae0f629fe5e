// memory: used vs maxmemory (or vs system memory without a limit), fragmentation in both
// directions, evictions with the policy, client buffers and peak, after MEMORY DOCTOR's rules.
import { defineCheck, defineThreshold, judgeValue, roundToHundredths } from '../../../src/sdk/index.js';
import type { CheckContext, Finding } from '../../../src/sdk/index.js';
import { dataNodes, infoFields, infoNumber, MB } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import type { NodeSnapshot, RedisSnapshot } from '../snapshot.js';

const DOCTOR = 'MEMORY DOCTOR (redis src/object.c)';
/** MEMORY DOCTOR treats a dataset below 5 MB as empty and gives no memory advice. */
export const EMPTY_DATASET_BYTES = 5 * MB;
/** MEMORY DOCTOR flags a fragmentation ratio only when the excess is also above 10 MB. */
export const FRAGMENTATION_MIN_BYTES = 10 * MB;

export const MEMORY_USAGE = defineThreshold({
  id: 'redis.memory.usage', warning: 90, critical: 95, direction: 'above', unit: '%',
  source: 'awesome-prometheus-alerts redis RedisOutOfConfiguredMaxmemory: used_memory/maxmemory > 90% (critical 95%: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-10',
});
export const SYSTEM_MEMORY_USAGE = defineThreshold({
  id: 'redis.memory.usage.system', warning: 90, critical: 95, direction: 'above', unit: '%',
  source: 'awesome-prometheus-alerts redis RedisOutOfSystemMemory: used_memory/total_system_memory > 90% (critical 95%: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-9',
});
export const FRAGMENTATION = defineThreshold({
  id: 'redis.memory.fragmentation', warning: 1.4, critical: null, direction: 'above', unit: 'ratio',
  source: `${DOCTOR}: mem_fragmentation_ratio > 1.4 and > 10 MB https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const FRAGMENTATION_LOW = defineThreshold({
  id: 'redis.memory.fragmentation.low', warning: 1, critical: null, direction: 'below', unit: 'ratio',
  source: 'redis INFO docs: mem_fragmentation_ratio < 1 means part of Redis memory was swapped out https://redis.io/docs/latest/commands/info/',
});
export const ALLOCATOR_FRAGMENTATION = defineThreshold({
  id: 'redis.memory.fragmentation.allocator', warning: 1.1, critical: null, direction: 'above', unit: 'ratio',
  source: `${DOCTOR}: allocator_frag_ratio > 1.1 and > 10 MB https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const ALLOCATOR_RSS = defineThreshold({
  id: 'redis.memory.fragmentation.allocator-rss', warning: 1.1, critical: null, direction: 'above', unit: 'ratio',
  source: `${DOCTOR}: allocator_rss_ratio > 1.1 and > 10 MB https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const RSS_OVERHEAD = defineThreshold({
  id: 'redis.memory.fragmentation.rss-overhead', warning: 1.1, critical: null, direction: 'above', unit: 'ratio',
  source: `${DOCTOR}: rss_overhead_ratio > 1.1 and > 10 MB https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const PEAK_RATIO = defineThreshold({
  id: 'redis.memory.peak', warning: 1.5, critical: null, direction: 'above', unit: 'ratio',
  source: `${DOCTOR}: used_memory_peak / used_memory > 1.5 (advice) https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const CLIENT_BUFFERS = defineThreshold({
  id: 'redis.memory.client-buffers', warning: 200 * 1024, critical: null, direction: 'above', unit: 'bytes',
  source: `${DOCTOR}: normal clients averaging > 200 KB of buffers https://redis.io/docs/latest/commands/memory-doctor/`,
});
export const EVICTIONS = defineThreshold({
  id: 'redis.memory.evictions', warning: 0, critical: null, direction: 'above', unit: 'keys',
  source: 'ksa: any key evicted since restart under a volatile-* policy (allkeys-* is a cache by design: advice only) https://redis.io/docs/latest/develop/reference/eviction/',
});
export const OOM_REJECTIONS = defineThreshold({
  id: 'redis.memory.evictions.oom', warning: null, critical: 0, direction: 'above', unit: 'errors',
  source: 'ksa: any write refused with OOM (errorstat_OOM) since restart https://redis.io/docs/latest/develop/reference/eviction/',
});

const human = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

const usage = defineCheck<RedisSnapshot>({
  id: 'redis.memory.usage',
  category: 'memory',
  run(data, ctx) {
    return dataNodes(data, ctx).flatMap((node): Array<Finding | null> => {
      const used = infoNumber(node, 'used_memory') ?? 0;
      const max = infoNumber(node, 'maxmemory') ?? 0;
      const policy = node.info.maxmemory_policy ?? 'unknown';
      const evidence = { used_memory: used, maxmemory: max, maxmemory_policy: policy };
      if (max > 0) {
        return [ctx.judge(MEMORY_USAGE, (used / max) * 100, {
          node: node.address, evidence,
          title: 'Memory close to maxmemory',
          detail: `${node.address} uses ${human(used)} of maxmemory ${human(max)} (policy ${policy}).`,
          suggestion: policy === 'noeviction'
            ? 'Raise maxmemory, delete or expire keys, or choose an eviction policy: with noeviction, writes fail with OOM at the limit.'
            : 'Raise maxmemory or shrink the dataset: at the limit every write evicts keys.',
        })];
      }
      const system = infoNumber(node, 'total_system_memory') ?? 0;
      return [
        system > 0 ? ctx.judge(SYSTEM_MEMORY_USAGE, (used / system) * 100, {
          node: node.address, evidence: { ...evidence, total_system_memory: system },
          title: 'Memory close to system memory (no maxmemory)',
          detail: `${node.address} has no maxmemory and uses ${human(used)} of ${human(system)} system memory.`,
          suggestion: 'Set maxmemory below the machine memory (leave room for fork copy-on-write) before the kernel OOM-kills Redis.',
        }) : null,
        ctx.finding({
          id: 'redis.memory.usage.no-limit', threshold: stateRule('redis.memory.usage.no-limit'), severity: 'info', node: node.address, evidence,
          observed: { value: 0, unit: 'bytes' },
          title: 'No maxmemory limit',
          detail: `${node.address} has maxmemory 0: Redis grows until the machine runs out of memory.`,
          suggestion: 'Set maxmemory (and a maxmemory-policy) so Redis refuses or evicts instead of being OOM-killed.',
        }),
      ];
    });
  },
});

const fragmentation = defineCheck<RedisSnapshot>({
  id: 'redis.memory.fragmentation',
  category: 'memory',
  run(data, ctx) {
    return dataNodes(data, ctx).flatMap((node) => {
      const used = infoNumber(node, 'used_memory') ?? 0;
      if (used < EMPTY_DATASET_BYTES) return [];
      const ratio = (spec: typeof FRAGMENTATION, ratioKey: string, bytesKey: string, title: string, suggestion: string) => {
        const value = infoNumber(node, ratioKey);
        const bytes = infoNumber(node, bytesKey) ?? 0;
        if (value === undefined || Math.abs(bytes) <= FRAGMENTATION_MIN_BYTES) return null;
        return ctx.judge(spec, value, {
          node: node.address, evidence: { [ratioKey]: value, [bytesKey]: bytes, used_memory: used, used_memory_rss: infoNumber(node, 'used_memory_rss') },
          title, detail: `${node.address}: ${ratioKey} ${value} (${human(bytes)} beyond the allocated memory).`, suggestion,
        });
      };
      const defrag = 'Enable activedefrag yes (jemalloc builds), or restart the node after a failover to compact memory.';
      const rss = infoNumber(node, 'used_memory_rss') ?? 0;
      const low = infoNumber(node, 'mem_fragmentation_ratio');
      return [
        ratio(FRAGMENTATION, 'mem_fragmentation_ratio', 'mem_fragmentation_bytes', 'High memory fragmentation', defrag),
        ratio(ALLOCATOR_FRAGMENTATION, 'allocator_frag_ratio', 'allocator_frag_bytes', 'High allocator fragmentation', defrag),
        ratio(ALLOCATOR_RSS, 'allocator_rss_ratio', 'allocator_rss_bytes', 'High allocator RSS overhead', 'Memory was freed but not returned to the OS; MEMORY PURGE or a restart returns it.'),
        ratio(RSS_OVERHEAD, 'rss_overhead_ratio', 'rss_overhead_bytes', 'High non-allocator RSS', 'Memory outside the allocator (Lua, modules, fork buffers) is large; check scripts and modules.'),
        low === undefined ? null : ctx.judge(FRAGMENTATION_LOW, low, {
          node: node.address, evidence: { mem_fragmentation_ratio: low, used_memory: used, used_memory_rss: rss },
          title: 'Memory swapped out (fragmentation ratio below 1)',
          detail: `${node.address}: RSS ${human(rss)} is below the ${human(used)} Redis allocated: part of it is in swap.`,
          suggestion: 'Disable swap for Redis hosts or give the host more memory; swapped Redis pages make every command slow.',
        }),
      ];
    });
  },
});

const peak = defineCheck<RedisSnapshot>({
  id: 'redis.memory.peak',
  category: 'memory',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const used = infoNumber(node, 'used_memory') ?? 0;
      const peakBytes = infoNumber(node, 'used_memory_peak') ?? 0;
      if (used < EMPTY_DATASET_BYTES) return null;
      const value = peakBytes / used;
      if (judgeValue(ctx.threshold(PEAK_RATIO), value) === null) return null;
      return ctx.finding({
        id: PEAK_RATIO.id, severity: 'info', node: node.address, threshold: PEAK_RATIO,
        observed: { value: roundToHundredths(value), unit: 'ratio' }, evidence: { used_memory: used, used_memory_peak: peakBytes },
        title: 'Peak memory well above current use',
        detail: `${node.address} once used ${human(peakBytes)}, now ${human(used)}; fragmentation ratios are unreliable after such a drop.`,
        suggestion: 'Size maxmemory and the host for the peak, or find what filled memory at that time (big keys, buffers, a backlog).',
      });
    });
  },
});

const evictions = defineCheck<RedisSnapshot>({
  id: 'redis.memory.evictions',
  category: 'memory',
  run(data, ctx) {
    return dataNodes(data, ctx).flatMap((node) => {
      const policy = node.info.maxmemory_policy ?? 'unknown';
      const evicted = infoNumber(node, 'evicted_keys') ?? 0;
      const oom = Number(infoFields(node, 'errorstat_OOM').count ?? 0);
      const cache = policy.startsWith('allkeys-');
      const evidence = { evicted_keys: evicted, maxmemory_policy: policy, errorstat_OOM: oom };
      const draft = {
        node: node.address, evidence,
        title: 'Keys evicted',
        detail: `${node.address} evicted ${evicted} keys since restart under ${policy}.`,
        suggestion: cache
          ? 'Expected for a cache; if the hit rate drops, raise maxmemory.'
          : 'Keys with a TTL are being dropped to make room: raise maxmemory or reduce the dataset.',
      };
      const judged = ctx.judge(EVICTIONS, evicted, draft);
      return [
        judged && cache ? { ...judged, severity: 'info' as const } : judged,
        ctx.judge(OOM_REJECTIONS, oom, {
          node: node.address, evidence,
          title: 'Writes refused: out of memory',
          detail: `${node.address} answered ${oom} commands with OOM since restart (policy ${policy}).`,
          suggestion: 'Raise maxmemory, delete or expire keys, or use an allkeys-* policy if the data is a cache.',
        }),
      ];
    });
  },
});

const clientBuffers = defineCheck<RedisSnapshot>({
  id: 'redis.memory.client-buffers',
  category: 'memory',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => avgClientBuffers(node, ctx));
  },
});

function avgClientBuffers(node: NodeSnapshot, ctx: CheckContext): Finding | null {
  const clients = infoNumber(node, 'connected_clients') ?? 0;
  const normal = infoNumber(node, 'mem_clients_normal') ?? 0;
  if (clients === 0 || (infoNumber(node, 'used_memory') ?? 0) < EMPTY_DATASET_BYTES) return null;
  return ctx.judge(CLIENT_BUFFERS, normal / clients, {
    node: node.address, evidence: { mem_clients_normal: normal, connected_clients: clients },
    title: 'Large client buffers',
    detail: `${node.address}: ${clients} clients hold ${human(normal)} of buffers.`,
    suggestion: 'Find clients with large omem/qbuf in CLIENT LIST (slow pub/sub consumers, huge MULTI or pipelines) and cap client-output-buffer-limit.',
  });
}

export const memoryChecks = [usage, fragmentation, peak, evictions, clientBuffers];
