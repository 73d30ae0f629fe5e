// Every Redis check on snapshot fixtures, as tables of cases: each threshold at its boundary
// (equal = no finding, just past = finding) and each state the check recognises.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/core/types.js';
import type { RedisSnapshot } from '../../../plugins/redis/snapshot.js';
import { analyze, clusterSnapshot, healthySnapshot, ids, MB, node0, sentinelSnapshot } from './fixture.js';

type Edit = (s: Snapshot<RedisSnapshot>) => void;
interface Case { name: string; edit: Edit; id: string; severity: 'info' | 'warning' | 'critical' | null; base?: () => Snapshot<RedisSnapshot> }

const info = (values: Record<string, string | number>): Edit => (s) => {
  for (const [k, v] of Object.entries(values)) node0(s).info[k] = String(v);
};
const config = (values: Record<string, string>): Edit => (s) => { Object.assign(node0(s).config!, values); };
const both = (...edits: Edit[]): Edit => (s) => { for (const e of edits) e(s); };
const BIG = 100 * MB; // above MEMORY DOCTOR's 5 MB "empty dataset"

function run(cases: Case[]) {
  it.each(cases)('$name -> $id $severity', ({ edit, id, severity, base }) => {
    const s = (base ?? healthySnapshot)();
    edit(s);
    const r = analyze(s);
    const got = r.findings.filter((f) => f.id === id).map((f) => f.severity);
    expect(got, ids(r).join(', ')).toEqual(severity === null ? [] : [severity]);
    // Every finding names the rule it follows and says what to do.
    for (const f of r.findings) {
      expect(f.threshold?.source, f.id).toMatch(/\w{4,}/);
      expect(f.suggestion, f.id).toMatch(/\w{4,}/);
      expect(f.observed, f.id).toBeDefined();
    }
  });
}

describe('the recorded healthy snapshot', () => {
  // Issue 12 item 8: sentinel and cluster (and replication without replicas) on a standalone node
  // are not applicable, no longer unknown "skipped" categories like a failed look.
  it('has no warning or critical finding, evaluates every standalone category, the rest is not applicable', () => {
    const r = analyze(healthySnapshot());
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.status).toBe('healthy');
    expect(r.categories.filter((c) => c.skipped && !c.notApplicable).map((c) => c.name)).toEqual([]);
    expect(r.categories.filter((c) => c.notApplicable).map((c) => [c.name, c.status])).toEqual([['replication', 'healthy'], ['sentinel', 'healthy'], ['cluster', 'healthy']]);
    expect(r.categories.find((c) => c.name === 'replication')?.skipped).toBe('no replication: 127.0.0.1:6379 is a primary without replicas (connected_slaves:0)');
  });

  it('a primary with a replica: replication applies', () => {
    const s = healthySnapshot();
    info({ connected_slaves: 1, slave0: 'ip=127.0.0.1,port=6380,state=online,offset=0,lag=0' })(s);
    const cat = analyze(s).categories.find((c) => c.name === 'replication')!;
    expect(cat.notApplicable).toBeUndefined();
    expect(cat.skipped).toBeUndefined();
  });
});

describe('memory', () => {
  const usage = (used: number, max = 1_000_000) => info({ used_memory: used, maxmemory: max });
  run([
    { name: 'used = 90% of maxmemory', edit: usage(900_000), id: 'redis.memory.usage', severity: null },
    { name: 'used just above 90%', edit: usage(900_001), id: 'redis.memory.usage', severity: 'warning' },
    { name: 'used = 95%', edit: usage(950_000), id: 'redis.memory.usage', severity: 'warning' },
    { name: 'used just above 95%', edit: usage(950_001), id: 'redis.memory.usage', severity: 'critical' },
    { name: 'no maxmemory, 90% of system memory', edit: info({ maxmemory: 0, used_memory: 900, total_system_memory: 1000 }), id: 'redis.memory.usage.system', severity: null },
    { name: 'no maxmemory, 90.1% of system memory', edit: info({ maxmemory: 0, used_memory: 901, total_system_memory: 1000 }), id: 'redis.memory.usage.system', severity: 'warning' },
    { name: 'no maxmemory, 96% of system memory', edit: info({ maxmemory: 0, used_memory: 960, total_system_memory: 1000 }), id: 'redis.memory.usage.system', severity: 'critical' },
    { name: 'no maxmemory is advice', edit: info({ maxmemory: 0 }), id: 'redis.memory.usage.no-limit', severity: 'info' },
    { name: 'maxmemory set: no advice', edit: info({}), id: 'redis.memory.usage.no-limit', severity: null },
    { name: 'fragmentation 1.4 (equal)', edit: info({ used_memory: BIG, mem_fragmentation_ratio: 1.4, mem_fragmentation_bytes: 40 * MB }), id: 'redis.memory.fragmentation', severity: null },
    { name: 'fragmentation 1.41', edit: info({ used_memory: BIG, mem_fragmentation_ratio: 1.41, mem_fragmentation_bytes: 41 * MB }), id: 'redis.memory.fragmentation', severity: 'warning' },
    { name: 'fragmentation 3 but only 10 MB', edit: info({ used_memory: BIG, mem_fragmentation_ratio: 3, mem_fragmentation_bytes: 10 * MB }), id: 'redis.memory.fragmentation', severity: null },
    { name: 'fragmentation 3 on an empty dataset (< 5 MB)', edit: info({ used_memory: 4 * MB, mem_fragmentation_ratio: 3, mem_fragmentation_bytes: 20 * MB }), id: 'redis.memory.fragmentation', severity: null },
    { name: 'fragmentation ratio 1.0 (equal)', edit: info({ used_memory: BIG, mem_fragmentation_ratio: 1 }), id: 'redis.memory.fragmentation.low', severity: null },
    { name: 'fragmentation ratio 0.99 (swap)', edit: info({ used_memory: BIG, mem_fragmentation_ratio: 0.99 }), id: 'redis.memory.fragmentation.low', severity: 'warning' },
    { name: 'allocator frag 1.1 (equal)', edit: info({ used_memory: BIG, allocator_frag_ratio: 1.1, allocator_frag_bytes: 11 * MB }), id: 'redis.memory.fragmentation.allocator', severity: null },
    { name: 'allocator frag 1.11', edit: info({ used_memory: BIG, allocator_frag_ratio: 1.11, allocator_frag_bytes: 11 * MB }), id: 'redis.memory.fragmentation.allocator', severity: 'warning' },
    { name: 'allocator rss 1.11', edit: info({ used_memory: BIG, allocator_rss_ratio: 1.11, allocator_rss_bytes: 11 * MB }), id: 'redis.memory.fragmentation.allocator-rss', severity: 'warning' },
    { name: 'rss overhead 1.1 (equal)', edit: info({ used_memory: BIG, rss_overhead_ratio: 1.1, rss_overhead_bytes: 11 * MB }), id: 'redis.memory.fragmentation.rss-overhead', severity: null },
    { name: 'rss overhead 1.11', edit: info({ used_memory: BIG, rss_overhead_ratio: 1.11, rss_overhead_bytes: 11 * MB }), id: 'redis.memory.fragmentation.rss-overhead', severity: 'warning' },
    { name: 'peak 1.5x current (equal)', edit: info({ used_memory: BIG, used_memory_peak: 1.5 * BIG }), id: 'redis.memory.peak', severity: null },
    { name: 'peak 1.51x current', edit: info({ used_memory: BIG, used_memory_peak: 1.51 * BIG }), id: 'redis.memory.peak', severity: 'info' },
    { name: 'no evictions', edit: info({ evicted_keys: 0, maxmemory_policy: 'volatile-lru' }), id: 'redis.memory.evictions', severity: null },
    { name: '1 eviction under volatile-lru', edit: info({ evicted_keys: 1, maxmemory_policy: 'volatile-lru' }), id: 'redis.memory.evictions', severity: 'warning' },
    { name: '1 eviction under allkeys-lru (a cache)', edit: info({ evicted_keys: 1, maxmemory_policy: 'allkeys-lru' }), id: 'redis.memory.evictions', severity: 'info' },
    { name: 'no OOM errors', edit: info({ errorstat_OOM: 'count=0' }), id: 'redis.memory.evictions.oom', severity: null },
    { name: 'a write refused with OOM', edit: info({ errorstat_OOM: 'count=1' }), id: 'redis.memory.evictions.oom', severity: 'critical' },
    { name: 'client buffers 200 KB avg (equal)', edit: info({ used_memory: BIG, connected_clients: 10, mem_clients_normal: 10 * 200 * 1024 }), id: 'redis.memory.client-buffers', severity: null },
    { name: 'client buffers just above 200 KB avg', edit: info({ used_memory: BIG, connected_clients: 10, mem_clients_normal: 10 * 200 * 1024 + 10 }), id: 'redis.memory.client-buffers', severity: 'warning' },
  ]);
});

describe('connection', () => {
  const clients = (n: number, c: Partial<RedisSnapshot['nodes'][0]['clients'] extends (infer E)[] | null ? E : never> = {}): Edit => (s) => {
    node0(s).clients = Array.from({ length: n }, (_, i) => ({ host: `10.0.0.${i % 3}`, name: i % 2 ? 'worker' : '', idleSec: 0, ageSec: 10, flags: 'N', omem: 0, totMem: 20000, cmd: 'get', ...c }));
  };
  run([
    { name: 'clients 90% of maxclients', edit: info({ connected_clients: 90, maxclients: 100 }), id: 'redis.connection.usage', severity: null },
    { name: 'clients 91%', edit: info({ connected_clients: 91, maxclients: 100 }), id: 'redis.connection.usage', severity: 'warning' },
    { name: 'clients 95%', edit: info({ connected_clients: 95, maxclients: 100 }), id: 'redis.connection.usage', severity: 'warning' },
    { name: 'clients 96%', edit: info({ connected_clients: 96, maxclients: 100 }), id: 'redis.connection.usage', severity: 'critical' },
    { name: 'maxclients only from CONFIG (Redis < 7)', edit: both(info({ connected_clients: 96 }), (s) => { delete node0(s).info.maxclients; }, config({ maxclients: '100' })), id: 'redis.connection.usage', severity: 'critical' },
    { name: 'no rejected connections', edit: info({ rejected_connections: 0 }), id: 'redis.connection.rejected', severity: null },
    { name: '1 rejected connection', edit: info({ rejected_connections: 1 }), id: 'redis.connection.rejected', severity: 'warning' },
    { name: 'no blocked clients', edit: info({ blocked_clients: 0 }), id: 'redis.connection.blocked', severity: null },
    { name: 'blocked clients', edit: info({ blocked_clients: 2 }), id: 'redis.connection.blocked', severity: 'info' },
    { name: 'clients idle exactly 1 h', edit: clients(3, { idleSec: 3600 }), id: 'redis.connection.idle', severity: null },
    { name: 'clients idle over 1 h', edit: clients(3, { idleSec: 3601 }), id: 'redis.connection.idle', severity: 'info' },
    { name: 'an idle replica link is not a leak', edit: clients(3, { idleSec: 9999, flags: 'S' }), id: 'redis.connection.idle', severity: null },
    { name: '100 clients', edit: clients(100), id: 'redis.connection.distribution', severity: null },
    { name: '101 clients: distribution', edit: clients(101), id: 'redis.connection.distribution', severity: 'info' },
    { name: 'output buffer 8 MB (equal)', edit: clients(2, { omem: 8 * MB }), id: 'redis.connection.output-buffers', severity: null },
    { name: 'output buffer above 8 MB', edit: clients(2, { omem: 8 * MB + 1 }), id: 'redis.connection.output-buffers', severity: 'warning' },
    { name: 'output buffer above 32 MB', edit: clients(2, { omem: 32 * MB + 1 }), id: 'redis.connection.output-buffers', severity: 'critical' },
    { name: 'unreachable node', edit: (s) => { s.data.nodes.push({ ...structuredClone(node0(s)), address: '10.0.0.9:6379', reachable: false, error: 'connect ECONNREFUSED', info: {} }); }, id: 'redis.connection.unreachable', severity: 'critical' },
  ]);

  it('reports who holds the connections (by source and by name)', () => {
    const s = healthySnapshot();
    clients(101)(s);
    const f = analyze(s).findings.find((x) => x.id === 'redis.connection.distribution')!;
    expect(f.evidence).toEqual({
      bySource: [{ value: '10.0.0.0', clients: 34 }, { value: '10.0.0.1', clients: 34 }, { value: '10.0.0.2', clients: 33 }],
      byName: [{ value: '(no name)', clients: 51 }, { value: 'worker', clients: 50 }],
    });
  });
});

describe('replication', () => {
  const replica = (values: Record<string, string | number>) => info({ role: 'slave', master_host: '10.0.0.1', master_port: 6379, master_link_status: 'up', master_last_io_seconds_ago: 1, master_sync_in_progress: 0, ...values });
  const primaryWith = (offset: number, replicaOffset: number, state = 'online') => info({ role: 'master', connected_slaves: 1, master_repl_offset: offset, repl_backlog_size: 1000, slave0: `ip=10.0.0.2,port=6379,state=${state},offset=${replicaOffset},lag=0` });
  run([
    { name: 'replica link up', edit: replica({}), id: 'redis.replication.link', severity: null },
    { name: 'replica link down', edit: replica({ master_link_status: 'down', master_link_down_since_seconds: 12 }), id: 'redis.replication.link', severity: 'critical' },
    { name: 'replica full sync running', edit: replica({ master_sync_in_progress: 1 }), id: 'redis.replication.link.syncing', severity: 'warning' },
    { name: 'last IO 30 s ago (equal)', edit: replica({ master_last_io_seconds_ago: 30 }), id: 'redis.replication.last-io', severity: null },
    { name: 'last IO 31 s ago', edit: replica({ master_last_io_seconds_ago: 31 }), id: 'redis.replication.last-io', severity: 'warning' },
    { name: 'last IO 61 s ago', edit: replica({ master_last_io_seconds_ago: 61 }), id: 'redis.replication.last-io', severity: 'critical' },
    { name: 'replica lag 50% of backlog (equal)', edit: primaryWith(1500, 1000), id: 'redis.replication.lag', severity: null },
    { name: 'replica lag 50.1% of backlog', edit: primaryWith(1501, 1000), id: 'redis.replication.lag', severity: 'warning' },
    { name: 'replica lag 100% of backlog (equal)', edit: primaryWith(2000, 1000), id: 'redis.replication.lag', severity: 'warning' },
    { name: 'replica lag beyond the backlog', edit: primaryWith(2001, 1000), id: 'redis.replication.lag', severity: 'critical' },
    { name: 'replica in full sync as the primary sees it', edit: primaryWith(10, 10, 'wait_bgsave'), id: 'redis.replication.lag.state', severity: 'warning' },
    { name: 'primary with replicas, no persistence', edit: both(primaryWith(10, 10), config({ save: '', appendonly: 'no' }), info({ aof_enabled: 0 })), id: 'redis.replication.no-persistence', severity: 'warning' },
    { name: 'primary with replicas, RDB on', edit: both(primaryWith(10, 10), config({ save: '3600 1' })), id: 'redis.replication.no-persistence', severity: null },
    { name: 'primary with replicas, AOF on', edit: both(primaryWith(10, 10), config({ save: '' }), info({ aof_enabled: 1 })), id: 'redis.replication.no-persistence', severity: null },
    { name: 'no persistence but no replicas', edit: config({ save: '' }), id: 'redis.replication.no-persistence', severity: null },
  ]);
});

describe('persistence', () => {
  const HOUR = 3600;
  const age = (hours: number, changes = 5): Edit => (s) => info({ rdb_last_save_time: s.data.collectedAtMs / 1000 - hours * HOUR, rdb_changes_since_last_save: changes })(s);
  run([
    { name: 'last bgsave ok', edit: info({}), id: 'redis.persistence.rdb-status', severity: null },
    { name: 'last bgsave failed', edit: info({ rdb_last_bgsave_status: 'err' }), id: 'redis.persistence.rdb-status', severity: 'critical' },
    { name: 'saved 48 h ago (equal)', edit: age(48), id: 'redis.persistence.rdb-age', severity: null },
    { name: 'saved 48.01 h ago with changes', edit: age(48.01), id: 'redis.persistence.rdb-age', severity: 'warning' },
    { name: 'saved 100 h ago without changes', edit: age(100, 0), id: 'redis.persistence.rdb-age', severity: null },
    { name: 'saved 100 h ago, no save schedule', edit: both(age(100), config({ save: '' })), id: 'redis.persistence.rdb-age', severity: null },
    { name: 'AOF write failed', edit: info({ aof_enabled: 1, aof_last_write_status: 'err' }), id: 'redis.persistence.aof-status', severity: 'critical' },
    { name: 'AOF rewrite failed', edit: info({ aof_enabled: 1, aof_last_bgrewrite_status: 'err' }), id: 'redis.persistence.aof-status', severity: 'critical' },
    { name: 'AOF fine', edit: info({ aof_enabled: 1 }), id: 'redis.persistence.aof-status', severity: null },
    { name: 'no RDB schedule, no AOF', edit: config({ save: '' }), id: 'redis.persistence.disabled', severity: 'info' },
    { name: 'RDB schedule', edit: info({}), id: 'redis.persistence.disabled', severity: null },
  ]);
});

describe('performance', () => {
  const slow = (...durations: number[]): Edit => (s) => {
    node0(s).slowlog = { length: durations.length, entries: durations.map((d, i) => ({ id: i, timestamp: 1, durationUs: d, command: 'KEYS ?', clientAddr: '10.0.0.1:5000', clientName: '' })) };
  };
  const latency = (maxMs: number): Edit => (s) => { node0(s).latency = [{ event: 'command', timestamp: 1, latestMs: maxMs, maxMs }]; };
  run([
    { name: '999 lookups all missing: sample too small', edit: info({ keyspace_hits: 0, keyspace_misses: 999 }), id: 'redis.performance.hit-rate', severity: null },
    { name: 'hit rate 50% over 1000 lookups (equal)', edit: info({ keyspace_hits: 500, keyspace_misses: 500 }), id: 'redis.performance.hit-rate', severity: null },
    { name: 'hit rate 49.9%', edit: info({ keyspace_hits: 499, keyspace_misses: 501 }), id: 'redis.performance.hit-rate', severity: 'warning' },
    { name: 'slowest 10 ms (equal)', edit: slow(10_000, 20), id: 'redis.performance.slowlog', severity: null },
    { name: 'slowest 10.001 ms', edit: slow(20, 10_001), id: 'redis.performance.slowlog', severity: 'warning' },
    { name: 'slowest above 1 s', edit: slow(1_000_001), id: 'redis.performance.slowlog', severity: 'critical' },
    { name: 'empty slow log', edit: slow(), id: 'redis.performance.slowlog', severity: null },
    { name: 'latency event 100 ms (equal)', edit: latency(100), id: 'redis.performance.latency', severity: null },
    { name: 'latency event 101 ms', edit: latency(101), id: 'redis.performance.latency', severity: 'warning' },
    { name: 'latency event above 1 s', edit: latency(1001), id: 'redis.performance.latency', severity: 'critical' },
    { name: 'latency monitor off', edit: config({ 'latency-monitor-threshold': '0' }), id: 'redis.performance.latency.disabled', severity: 'info' },
    { name: 'latency monitor on', edit: info({}), id: 'redis.performance.latency.disabled', severity: null },
    { name: 'command statistics', edit: info({}), id: 'redis.performance.commandstats', severity: 'info' },
  ]);

  it("leaves out ksa's own entries (client name ksa) and says how many", () => {
    const s = healthySnapshot();
    node0(s).slowlog = { length: 3, entries: [
      { id: 1, timestamp: 1, durationUs: 900_000, command: 'INFO all', clientAddr: '10.0.0.9:4000', clientName: 'ksa' },
      { id: 2, timestamp: 1, durationUs: 20_000, command: 'KEYS ?', clientAddr: '10.0.0.1:5000', clientName: 'app' },
      { id: 3, timestamp: 1, durationUs: 50, command: 'GET ?', clientAddr: '10.0.0.1:5000', clientName: '' },
    ] };
    const f = analyze(s).findings.find((x) => x.id === 'redis.performance.slowlog')!;
    expect(f).toMatchObject({ severity: 'warning', observed: { value: 20_000, unit: 'us' } });
    expect(f.evidence.ksaEntriesLeftOut).toBe(1);
    expect((f.evidence.top as Array<{ command: string }>).map((t) => t.command)).toEqual(['KEYS ?', 'GET ?']);
  });

  it('a slow log holding only ksa entries gives no finding', () => {
    const s = healthySnapshot();
    node0(s).slowlog = { length: 1, entries: [{ id: 1, timestamp: 1, durationUs: 2_000_000, command: 'INFO all', clientAddr: '10.0.0.9:4000', clientName: 'ksa' }] };
    expect(analyze(s).findings.find((x) => x.id === 'redis.performance.slowlog')).toBeUndefined();
  });

  it('lists the slowest entries first, with redacted commands', () => {
    const s = healthySnapshot();
    slow(20_000, 50_000, 30)(s);
    const f = analyze(s).findings.find((x) => x.id === 'redis.performance.slowlog')!;
    expect(f.observed).toEqual({ value: 50_000, unit: 'us' });
    expect((f.evidence.top as Array<{ durationUs: number; command: string }>).map((t) => [t.durationUs, t.command])).toEqual([[50_000, 'KEYS ?'], [20_000, 'KEYS ?'], [30, 'KEYS ?']]);
  });

  it('ranks commands by total time', () => {
    const s = healthySnapshot();
    info({ cmdstat_get: 'calls=10,usec=100,usec_per_call=10.00', cmdstat_keys: 'calls=1,usec=90000,usec_per_call=90000.00' })(s);
    const f = analyze(s).findings.find((x) => x.id === 'redis.performance.commandstats')!;
    expect((f.evidence.topByTotalTime as Array<{ command: string }>)[0]).toEqual({ command: 'keys', calls: 1, usec: 90000, usecPerCall: 90000 });
  });
});

describe('security', () => {
  const noAuth: Edit = (s) => { node0(s).security.authUsed = false; };
  const allowed = (names: string[]): Edit => (s) => {
    node0(s).security.dangerousCommands = Object.fromEntries(['FLUSHALL', 'FLUSHDB', 'KEYS', 'CONFIG', 'DEBUG', 'SHUTDOWN'].map((n) => [n, names.includes(n) ? 'allowed' : 'denied']));
  };
  const version = (v: string) => info({ redis_version: v });
  run([
    { name: 'password required', edit: info({}), id: 'redis.security.no-auth', severity: null },
    { name: 'connected without a password, loopback bind', edit: noAuth, id: 'redis.security.no-auth', severity: 'warning' },
    { name: 'connected without a password, bind 0.0.0.0', edit: both(noAuth, config({ bind: '0.0.0.0' })), id: 'redis.security.no-auth', severity: 'critical' },
    { name: 'we used an ACL user but user default is nopass', edit: (s) => { node0(s).security.defaultUserFlags = ['on', 'nopass']; }, id: 'redis.security.no-auth', severity: 'warning' },
    { name: 'user default off', edit: (s) => { node0(s).security.defaultUserFlags = ['off', 'nopass']; }, id: 'redis.security.no-auth', severity: null },
    { name: 'protected-mode no, bind 0.0.0.0, no password', edit: both(noAuth, config({ 'protected-mode': 'no', bind: '0.0.0.0' })), id: 'redis.security.protected-mode', severity: 'critical' },
    { name: 'protected-mode no, bind * -::*, password', edit: config({ 'protected-mode': 'no', bind: '* -::*' }), id: 'redis.security.protected-mode', severity: 'info' },
    { name: 'protected-mode no on loopback only', edit: both(noAuth, config({ 'protected-mode': 'no', bind: '127.0.0.1 -::1' })), id: 'redis.security.protected-mode', severity: null },
    { name: 'dangerous commands open, password required', edit: allowed(['FLUSHALL']), id: 'redis.security.dangerous-commands', severity: 'info' },
    { name: 'dangerous commands open, no password', edit: both(noAuth, allowed(['FLUSHALL', 'KEYS'])), id: 'redis.security.dangerous-commands', severity: 'warning' },
    { name: 'only DEBUG open but enable-debug-command no', edit: both(noAuth, allowed(['DEBUG']), config({ 'enable-debug-command': 'no' })), id: 'redis.security.dangerous-commands', severity: null },
    { name: 'all restricted', edit: both(noAuth, allowed([])), id: 'redis.security.dangerous-commands', severity: null },
    { name: 'Redis 6.2 (equal)', edit: version('6.2.14'), id: 'redis.security.version', severity: null },
    { name: 'Redis 6.0', edit: version('6.0.20'), id: 'redis.security.version', severity: 'warning' },
    { name: 'Redis 5.0', edit: version('5.0.14'), id: 'redis.security.version', severity: 'critical' },
  ]);
});

describe('sentinel', () => {
  const master = (m: Parameters<typeof sentinelSnapshot>[0], count?: number) => () => sentinelSnapshot(m, count);
  const none: Edit = () => {};
  run([
    { name: 'healthy', base: master({}), edit: none, id: 'redis.sentinel.master', severity: null },
    { name: 'master s_down', base: master({ flags: ['master', 's_down'] }), edit: none, id: 'redis.sentinel.master', severity: 'critical' },
    { name: 'master o_down', base: master({ flags: ['master', 's_down', 'o_down'] }), edit: none, id: 'redis.sentinel.master', severity: 'critical' },
    { name: 'failover running', base: master({ flags: ['master', 'failover_in_progress'] }), edit: none, id: 'redis.sentinel.master.failover', severity: 'warning' },
    { name: 'sentinels disagree', base: master({}), edit: (s) => { s.data.sentinels![1]!.masters[0]!.address = '127.0.0.1:6380'; }, id: 'redis.sentinel.master.split', severity: 'warning' },
    { name: 'CKQUORUM fails', base: master({ ckquorum: { ok: false, message: 'NOQUORUM 1 usable Sentinels' } }), edit: none, id: 'redis.sentinel.quorum', severity: 'critical' },
    { name: '3 sentinels (equal)', base: master({ numOtherSentinels: 2 }), edit: none, id: 'redis.sentinel.sentinels', severity: null },
    { name: '2 sentinels', base: master({ numOtherSentinels: 1 }), edit: none, id: 'redis.sentinel.sentinels', severity: 'warning' },
    { name: '1 replica (equal)', base: master({ numSlaves: 1 }), edit: none, id: 'redis.sentinel.replicas', severity: null },
    { name: 'no replica', base: master({ numSlaves: 0, replicas: [] }), edit: none, id: 'redis.sentinel.replicas', severity: 'warning' },
    { name: 'a replica s_down', base: master({ replicas: [{ address: '127.0.0.1:6380', flags: ['slave', 's_down'] }] }), edit: none, id: 'redis.sentinel.replicas.down', severity: 'warning' },
    { name: 'a sentinel unreachable', base: master({}), edit: (s) => { s.data.sentinels![2] = { address: '127.0.0.1:26381', reachable: false, error: 'ECONNREFUSED', masters: [] }; }, id: 'redis.sentinel.unreachable', severity: 'warning' },
    { name: 'unknown master name', base: master({}), edit: (s) => { s.data.sentinels![0] = { address: '127.0.0.1:26379', reachable: true, error: 'ERR No such master with that name', masters: [] }; }, id: 'redis.sentinel.unreachable.unknown-master', severity: 'critical' },
  ]);

  it('skips the category with the reason when no Sentinel answers', () => {
    const s = sentinelSnapshot();
    s.data.sentinels = s.data.sentinels!.map((v) => ({ ...v, reachable: false, error: 'ECONNREFUSED', masters: [] }));
    const cat = analyze(s).categories.find((c) => c.name === 'sentinel')!;
    expect(cat.skipped).toMatch(/^no Sentinel answered: check --sentinel/);
  });
});

describe('cluster', () => {
  const clusterInfo = (values: Record<string, string>): Edit => (s) => { for (const n of s.data.nodes) Object.assign(n.cluster!.info, values); };
  const flag = (id: string, flags: string[]): Edit => (s) => {
    for (const n of s.data.nodes) for (const e of n.cluster!.nodes) if (e.id === id && !e.flags.includes('myself')) e.flags = flags;
  };
  run([
    { name: 'healthy', base: clusterSnapshot, edit: () => {}, id: 'redis.cluster.state', severity: null },
    { name: 'cluster_state:fail', base: clusterSnapshot, edit: (s) => { s.data.nodes[1]!.cluster!.info.cluster_state = 'fail'; }, id: 'redis.cluster.state', severity: 'critical' },
    { name: '16384 slots assigned (equal)', base: clusterSnapshot, edit: () => {}, id: 'redis.cluster.slots.unassigned', severity: null },
    { name: '16383 slots assigned', base: clusterSnapshot, edit: clusterInfo({ cluster_slots_assigned: '16383' }), id: 'redis.cluster.slots.unassigned', severity: 'critical' },
    { name: 'slots on pfail masters', base: clusterSnapshot, edit: clusterInfo({ cluster_slots_pfail: '5461' }), id: 'redis.cluster.slots.pfail', severity: 'warning' },
    { name: 'slots on failed masters', base: clusterSnapshot, edit: clusterInfo({ cluster_slots_fail: '5461' }), id: 'redis.cluster.slots.fail', severity: 'critical' },
    { name: 'node flagged fail?', base: clusterSnapshot, edit: flag('c3', ['master', 'fail?']), id: 'redis.cluster.nodes', severity: 'warning' },
    { name: 'node flagged fail', base: clusterSnapshot, edit: flag('c3', ['master', 'fail']), id: 'redis.cluster.nodes', severity: 'critical' },
    { name: 'masters without replicas (advice)', base: clusterSnapshot, edit: () => {}, id: 'redis.cluster.replicas', severity: 'info' },
    {
      name: 'every master has a replica', base: clusterSnapshot, id: 'redis.cluster.replicas', severity: null,
      edit: (s) => { for (const n of s.data.nodes) n.cluster!.nodes.push(...['a1', 'b2', 'c3'].map((m, i) => ({ id: `r${i}`, address: `127.0.0.1:${7100 + i}`, flags: ['slave'], masterId: m, linkState: 'connected', slots: 0 }))); },
    },
  ]);

  it('reports a failed node once, with the nodes that see it', () => {
    const s = clusterSnapshot();
    flag('c3', ['master', 'fail'])(s);
    const f = analyze(s).findings.filter((x) => x.id === 'redis.cluster.nodes');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ node: '127.0.0.1:7002', evidence: { reportedBy: ['127.0.0.1:7000', '127.0.0.1:7001'], slots: 5461, role: 'master' } });
  });
});

describe('metrics', () => {
  it('sums the numeric INFO fields over reachable nodes, with the hit rate and key count', () => {
    const s = healthySnapshot();
    info({ keyspace_hits: 75, keyspace_misses: 25, db0: 'keys=10,expires=0,avg_ttl=0', db3: 'keys=5,expires=1,avg_ttl=9' })(s);
    expect(analyze(s).metrics).toMatchObject({ mode: 'standalone', nodes: 1, nodes_reachable: 1, role: 'master', hit_rate_pct: 75, keys: 15, maxmemory: 100 * MB });
    const c = clusterSnapshot();
    expect(analyze(c).metrics).toMatchObject({ mode: 'cluster', nodes: 3, maxmemory: 300 * MB });
    expect(analyze(c).metrics.role).toBeUndefined();
  });
});

describe('findings carry observed value, threshold and source; overrides apply', () => {
  it('a judged finding has observed, threshold with the published source, suggestion and evidence', () => {
    const s = healthySnapshot();
    info({ used_memory: 96, maxmemory: 100 })(s);
    const f = analyze(s).findings.find((x) => x.id === 'redis.memory.usage')!;
    expect(f).toMatchObject({
      severity: 'critical', node: '127.0.0.1:6379', observed: { value: 96, unit: '%' },
      threshold: { warning: 90, critical: 95, direction: 'above', source: expect.stringContaining('awesome-prometheus-alerts') },
      evidence: { used_memory: 96, maxmemory: 100 },
    });
    expect(f.suggestion.length).toBeGreaterThan(20);
  });

  it.each([
    [{ warning: 50 }, 60, 'warning'],
    [{ warning: 50, critical: 55 }, 60, 'critical'],
    [{ warning: null, critical: null }, 99, null],
  ] as const)('override %j at %d%% -> %s', (override, pct, severity) => {
    const s = healthySnapshot();
    info({ used_memory: pct, maxmemory: 100 })(s);
    const f = analyze(s, { 'redis.memory.usage': override }).findings.find((x) => x.id === 'redis.memory.usage');
    expect(f?.severity ?? null).toBe(severity);
    if (f) expect(f.threshold?.source).toMatch(/^override/);
  });

  it('every finding of every scenario has a suggestion and an id under its check', () => {
    const s = clusterSnapshot();
    info({ used_memory: 96, maxmemory: 100, rejected_connections: 3, rdb_last_bgsave_status: 'err' })(s);
    const r = analyze(s);
    expect(r.findings.length).toBeGreaterThan(3);
    for (const f of r.findings) expect(f.suggestion, f.id).not.toBe('');
  });
});

describe('gaps become skips with the reason, never healthy', () => {
  it('CONFIG GET refused: config-based checks skip and name the fix, the rest still judge', () => {
    const s = healthySnapshot();
    node0(s).config = null;
    node0(s).refused['CONFIG GET'] = "ERR unknown command 'CONFIG'";
    info({ used_memory: 96, maxmemory: 100 })(s);
    const r = analyze(s);
    const cat = Object.fromEntries(r.categories.map((c) => [c.name, c]));
    expect(cat.persistence?.skipped).toContain("CONFIG GET refused (ERR unknown command 'CONFIG'): RDB save age not checked; allow it with ACL +config|get or undo rename-command CONFIG");
    expect(cat.persistence?.status).toBe('unknown');
    expect(r.findings.find((f) => f.id === 'redis.memory.usage')?.severity).toBe('critical');
  });

  it('no reachable data node: data categories skip, the unreachable node is critical', () => {
    const s = healthySnapshot();
    Object.assign(node0(s), { reachable: false, error: 'connect ECONNREFUSED', info: {} });
    const r = analyze(s);
    expect(r.categories.find((c) => c.name === 'memory')).toMatchObject({ status: 'unknown', skipped: expect.stringContaining('no reachable data node') });
    expect(r.findings.map((f) => `${f.id}:${f.severity}`)).toEqual(['redis.connection.unreachable:critical']);
    expect(r.status).toBe('critical');
  });

  it('--mode cluster on a non-cluster node: the cluster category says it does not apply', () => {
    const s = healthySnapshot();
    s.data.mode = 'cluster';
    const r = analyze({ ...s, categories: ['cluster'], skipped: {}, notApplicable: {} });
    expect(r.categories[0]).toMatchObject({ status: 'healthy', notApplicable: true, skipped: '127.0.0.1:6379 has cluster_enabled:0: not a Redis Cluster node (leave out --mode cluster)' });
    expect(r.status).toBe('healthy');
  });

  it('no cluster node answered CLUSTER INFO: a failed look, not "not applicable"', () => {
    const s = healthySnapshot();
    s.data.mode = 'cluster';
    node0(s).info.cluster_enabled = '1';
    const cat = analyze({ ...s, categories: ['cluster'], skipped: {}, notApplicable: {} }).categories[0]!;
    expect(cat).toMatchObject({ status: 'unknown', skipped: expect.stringContaining('no reachable cluster node answered') });
    expect(cat.notApplicable).toBeUndefined();
  });

  it('collect-level skips (not a cluster) mark the category unknown with the reason', () => {
    const s = healthySnapshot();
    const r = analyze({ ...s, categories: ['memory', 'cluster'], skipped: { cluster: 'cluster_enabled:0: not a Redis Cluster node' } });
    expect(r.categories.find((c) => c.name === 'cluster')).toMatchObject({ status: 'unknown', skipped: 'cluster_enabled:0: not a Redis Cluster node' });
    expect(r.status).toBe('healthy');
  });
});
