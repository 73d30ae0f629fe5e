// Table of check cases over snapshot data: every check fires in at least one case, and every
// threshold is tried at its boundary (equal = no finding, just past = finding).
import { readFileSync } from 'node:fs';
import type { CheckCase } from '../../../src/testing/index.js';
import type { PgSnapshot } from '../../../plugins/postgres/snapshot.js';

const fixture = (name: string): PgSnapshot => JSON.parse(readFileSync(new URL(`../../fixtures/postgres/${name}.json`, import.meta.url), 'utf8')) as PgSnapshot;

/** A healthy primary read by a pg_monitor role, with the hba rules a superuser would see. */
export function primary(): PgSnapshot {
  const d = fixture('healthy-primary');
  const standby = fixture('healthy-standby');
  d.server.hbaReadable = true;
  d.security = standby.security!;
  d.performance!.statements = { available: true, top: [] };
  return d;
}

export function standby(): PgSnapshot {
  const d = fixture('healthy-standby');
  d.performance!.statements = { available: true, top: [] };
  return d;
}

type Patch = (d: PgSnapshot) => void;
const make = (base: () => PgSnapshot, patch: Patch): Record<string, unknown> => {
  const d = base();
  patch(d);
  return d as unknown as Record<string, unknown>;
};
const on = (patch: Patch) => make(primary, patch);
const onStandby = (patch: Patch) => make(standby, patch);

const session = (over: Partial<import('../../../plugins/postgres/snapshot.js').Session>) => ({
  pid: 4242, database: 'app', user: 'app', client: '10.0.0.5', application: 'api', state: 'active',
  xactSeconds: 1, stateSeconds: 1, querySeconds: 1, waitEvent: null, query: 'SELECT ? FROM t', ...over,
});
const streamingStandby = (over: Record<string, unknown> = {}) => ({
  name: 'replica1', client: '10.0.0.9', state: 'streaming', syncState: 'async', replayLagBytes: 0,
  replayLagSeconds: 0, writeLagSeconds: 0, flushLagSeconds: 0, ...over,
});
const table = (live: number, dead: number, over: Record<string, unknown> = {}) => ({
  name: 'public.orders', live, dead, modSinceAnalyze: 0, lastVacuumSeconds: null, lastAutovacuumSeconds: 60,
  lastAnalyzeSeconds: null, lastAutoanalyzeSeconds: 60, ...over,
});
const slot = (over: Partial<import('../../../plugins/postgres/snapshot.js').Slot>): import('../../../plugins/postgres/snapshot.js').Slot => ({ name: 's1', type: 'logical', database: 'app', active: false, temporary: false, retainedBytes: 1, walStatus: 'reserved', ...over });
const hba = (over: Record<string, unknown>) => ({ line: 99, type: 'host', database: ['all'], users: ['all'], address: '0.0.0.0', netmask: '0.0.0.0', method: 'scram-sha-256', error: null, ...over });
const usage = (total: number): Patch => (d) => { Object.assign(d.connection!, { maxConnections: 103, superuserReserved: 3, reserved: 0, total }); };
const MiB = 1024 * 1024;
const GiB = 1024 ** 3;

export const cases: CheckCase[] = [
  { name: 'healthy primary (pg_monitor role sees no hba rules)', data: fixture('healthy-primary') as unknown as Record<string, unknown>, expect: { findings: [{ id: 'postgres.performance.top-statements', severity: 'info' }], status: 'healthy', skipped: ['security'] } },
  { name: 'healthy primary', data: on(() => undefined), expect: { findings: [], status: 'healthy', skipped: [] } },
  { name: 'healthy standby', data: onStandby(() => undefined), expect: { findings: [], status: 'healthy', skipped: [] } },

  // connection.usage: 100 slots available
  { name: 'connections 80% (equal)', data: on(usage(80)), expect: { findings: [] } },
  { name: 'connections 81%', data: on(usage(81)), expect: { findings: [{ id: 'postgres.connection.usage', severity: 'warning', observed: 81 }] } },
  { name: 'connections 90% (equal critical)', data: on(usage(90)), expect: { findings: [{ id: 'postgres.connection.usage', severity: 'warning', observed: 90 }] } },
  { name: 'connections 91%', data: on(usage(91)), expect: { findings: [{ id: 'postgres.connection.usage', severity: 'critical', observed: 91 }] } },
  { name: 'reserved_connections (16+) shrinks the available slots', data: on((d) => { usage(82)(d); d.connection!.reserved = 10; }), expect: { findings: [{ id: 'postgres.connection.usage', severity: 'critical', observed: 91.11 }] } },
  // idle in transaction: default 300 s
  { name: 'idle in transaction 300 s (equal)', data: on((d) => { d.connection!.idleInTransaction = [session({ state: 'idle in transaction', stateSeconds: 300 })]; }), expect: { findings: [] } },
  { name: 'idle in transaction 301 s', data: on((d) => { d.connection!.idleInTransaction = [session({ state: 'idle in transaction', stateSeconds: 301 })]; }), expect: { findings: [{ id: 'postgres.connection.idle-in-transaction', severity: 'warning', observed: 301 }] } },
  { name: 'idle in transaction with an override', data: on((d) => { d.connection!.idleInTransaction = [session({ state: 'idle in transaction', stateSeconds: 3 })]; }), thresholds: { 'postgres.connection.idle-in-transaction': { warning: 2 } }, expect: { findings: [{ id: 'postgres.connection.idle-in-transaction', severity: 'warning' }] } },
  { name: 'sessions hidden without pg_read_all_stats', data: on((d) => { d.server.readAllStats = false; }), expect: { findings: [], skipped: ['connection', 'locks'] } },
  // long-running: default 300 s
  { name: 'query running 300 s (equal)', data: on((d) => { d.connection!.longRunning = [session({ querySeconds: 300 })]; }), expect: { findings: [] } },
  { name: 'query running 300.5 s', data: on((d) => { d.connection!.longRunning = [session({ querySeconds: 300.5 })]; }), expect: { findings: [{ id: 'postgres.connection.long-running', severity: 'warning' }] } },

  // replication, primary side
  { name: 'standby in catchup', data: on((d) => { d.replication!.standbys = [streamingStandby({ state: 'catchup' })]; }), expect: { findings: [{ id: 'postgres.replication.standby-state', severity: 'warning' }] } },
  { name: 'standby in startup', data: on((d) => { d.replication!.standbys = [streamingStandby({ state: 'startup' })]; }), expect: { findings: [{ id: 'postgres.replication.standby-state', severity: 'critical' }] } },
  { name: 'pg_basebackup session is not a standby', data: on((d) => { d.replication!.standbys = [streamingStandby({ state: 'backup' })]; }), expect: { findings: [] } },
  { name: 'standby stopped: its physical slot is inactive', data: on((d) => { d.replication!.standbys = []; d.replication!.slots = [slot({ name: 'ksa_replica', type: 'physical', database: null, retainedBytes: 5 * MiB })]; }), expect: { findings: [{ id: 'postgres.replication.standby-missing.slot', severity: 'critical', observed: 1 }] } },
  { name: 'synchronous standby missing', data: on((d) => { d.replication!.synchronousStandbyNames = 'FIRST 1 (replica1)'; d.replication!.standbys = []; d.replication!.slots = []; }), expect: { findings: [{ id: 'postgres.replication.standby-missing.sync', severity: 'critical', observed: 0 }] } },
  { name: 'synchronous standby present', data: on((d) => { d.replication!.synchronousStandbyNames = 'ANY 1 (replica1, replica2)'; d.replication!.standbys = [streamingStandby({ syncState: 'quorum' })]; }), expect: { findings: [] } },
  { name: 'fewer standbys than expectedStandbys', data: on((d) => { d.replication!.expectedStandbys = 2; }), expect: { findings: [{ id: 'postgres.replication.standby-missing.expected', severity: 'critical', observed: 1 }] } },
  { name: 'standby lag 300 s (equal critical)', data: on((d) => { d.replication!.standbys = [streamingStandby({ replayLagSeconds: 300 })]; }), expect: { findings: [{ id: 'postgres.replication.lag-time', severity: 'warning', observed: 300 }] } },
  { name: 'standby lag 300.5 s', data: on((d) => { d.replication!.standbys = [streamingStandby({ replayLagSeconds: 300.5 })]; }), expect: { findings: [{ id: 'postgres.replication.lag-time', severity: 'critical' }] } },
  { name: 'standby 64 MiB behind (equal)', data: on((d) => { d.replication!.standbys = [streamingStandby({ replayLagBytes: 64 * MiB })]; }), expect: { findings: [] } },
  { name: 'standby 64 MiB + 1 behind', data: on((d) => { d.replication!.standbys = [streamingStandby({ replayLagBytes: 64 * MiB + 1 })]; }), expect: { findings: [{ id: 'postgres.replication.lag-bytes', severity: 'warning' }] } },
  { name: 'standby 1 GB + 1 behind', data: on((d) => { d.replication!.standbys = [streamingStandby({ replayLagBytes: 1e9 + 1 })]; }), expect: { findings: [{ id: 'postgres.replication.lag-bytes', severity: 'critical' }] } },
  // slots
  { name: 'inactive logical slot retaining nothing', data: on((d) => { d.replication!.slots.push(slot({ retainedBytes: 0 })); }), expect: { findings: [] } },
  { name: 'inactive logical slot retaining WAL', data: on((d) => { d.replication!.slots.push(slot({ retainedBytes: 1 })); }), expect: { findings: [{ id: 'postgres.replication.slot-inactive', severity: 'warning', observed: 1 }] } },
  { name: 'inactive logical slot retaining 1 GiB (equal)', data: on((d) => { d.replication!.slots.push(slot({ retainedBytes: GiB })); }), expect: { findings: [{ id: 'postgres.replication.slot-inactive', severity: 'warning' }] } },
  { name: 'inactive logical slot retaining 1 GiB + 1', data: on((d) => { d.replication!.slots.push(slot({ retainedBytes: GiB + 1 })); }), expect: { findings: [{ id: 'postgres.replication.slot-inactive', severity: 'critical' }] } },
  { name: 'active logical slot', data: on((d) => { d.replication!.slots.push(slot({ active: true, retainedBytes: 2 * GiB })); }), expect: { findings: [] } },
  { name: 'slot lost its WAL', data: on((d) => { d.replication!.slots.push(slot({ active: true, walStatus: 'lost' })); }), expect: { findings: [{ id: 'postgres.replication.slot-inactive.lost', severity: 'critical' }] } },

  // replication, standby side
  { name: 'standby without a WAL receiver', data: onStandby((d) => { d.replication!.receiver = null; }), expect: { findings: [{ id: 'postgres.replication.wal-receiver', severity: 'critical', observed: 'none' }] } },
  { name: 'standby receiver waiting', data: onStandby((d) => { d.replication!.receiver!.status = 'waiting'; }), expect: { findings: [{ id: 'postgres.replication.wal-receiver', severity: 'critical', observed: 'waiting' }] } },
  { name: 'standby replay delay 30 s (equal)', data: onStandby((d) => { d.replication!.replayDelaySeconds = 30; }), expect: { findings: [] } },
  { name: 'standby replay delay 31 s', data: onStandby((d) => { d.replication!.replayDelaySeconds = 31; }), expect: { findings: [{ id: 'postgres.replication.lag-time', severity: 'warning', observed: 31 }] } },
  { name: 'standby replay backlog 2 GB', data: onStandby((d) => { d.replication!.replayBacklogBytes = 2e9; }), expect: { findings: [{ id: 'postgres.replication.lag-bytes', severity: 'critical' }] } },

  // locks
  { name: 'one blocked session', data: on((d) => { d.locks!.blockedCount = 1; d.locks!.blocked = [{ ...session({ pid: 2, waitEvent: 'Lock:transactionid', query: 'UPDATE t SET v = ? WHERE id = ?' }), blockedBy: [1] }]; d.locks!.blockers = [session({ pid: 1, state: 'idle in transaction' })]; }), expect: { findings: [{ id: 'postgres.locks.blocked', severity: 'warning', observed: 1 }] } },
  { name: 'deadlocks 5 per minute (equal): info', data: on((d) => { d.locks!.deadlocks = [{ database: 'app', deadlocks: 300, windowSeconds: 3600 }]; }), expect: { findings: [{ id: 'postgres.locks.deadlocks.seen', severity: 'info', observed: 300 }] } },
  { name: 'deadlocks above 5 per minute', data: on((d) => { d.locks!.deadlocks = [{ database: 'app', deadlocks: 301, windowSeconds: 3600 }]; }), expect: { findings: [{ id: 'postgres.locks.deadlocks', severity: 'warning' }] } },

  // performance
  { name: 'cache hit 99% (equal)', data: on((d) => { d.performance!.databases = [{ name: 'app', blksHit: 99_000, blksRead: 1_000, tempFiles: 0, tempBytes: 0, windowSeconds: 60 }]; }), expect: { findings: [] } },
  { name: 'cache hit just below 99%', data: on((d) => { d.performance!.databases = [{ name: 'app', blksHit: 98_999, blksRead: 1_001, tempFiles: 0, tempBytes: 0, windowSeconds: 60 }]; }), expect: { findings: [{ id: 'postgres.performance.cache-hit-ratio', severity: 'warning', observed: 99 }] } },
  { name: 'cache hit too few blocks to judge', data: on((d) => { d.performance!.databases = [{ name: 'app', blksHit: 500, blksRead: 500, tempFiles: 0, tempBytes: 0, windowSeconds: 60 }]; }), expect: { findings: [] } },
  { name: 'top statements', data: on((d) => { d.performance!.statements = { available: true, top: [{ queryId: '1', user: 'app', database: 'app', calls: 10, totalMs: 1000, meanMs: 100, rows: 10, sharePct: 80, tempBlksWritten: 0, query: 'SELECT * FROM t WHERE id = $1' }] }; }), expect: { findings: [{ id: 'postgres.performance.top-statements', severity: 'info', observed: 1000 }] } },
  { name: 'pg_stat_statements missing: performance partly skipped', data: on((d) => { d.performance!.statements = { available: false, reason: 'pg_stat_statements is not installed' }; }), expect: { findings: [], skipped: ['performance'] } },
  { name: 'temporary files', data: on((d) => { d.performance!.databases[0]!.tempFiles = 3; d.performance!.databases[0]!.tempBytes = 3 * MiB; }), expect: { findings: [{ id: 'postgres.performance.temp-files', severity: 'info', observed: 3 * MiB }] } },
  { name: 'checkpoints 50% requested (equal)', data: on((d) => { d.performance!.checkpoints = { timed: 5, requested: 5 }; }), expect: { findings: [] } },
  { name: 'checkpoints 60% requested', data: on((d) => { d.performance!.checkpoints = { timed: 4, requested: 6 }; }), expect: { findings: [{ id: 'postgres.performance.checkpoints', severity: 'warning', observed: 60 }] } },
  { name: 'checkpoints too few to judge', data: on((d) => { d.performance!.checkpoints = { timed: 0, requested: 9 }; }), expect: { findings: [] } },

  // maintenance
  { name: 'xid age 200 M (equal)', data: on((d) => { d.maintenance!.databases[0]!.xidAge = 200_000_000; }), expect: { findings: [] } },
  { name: 'xid age 200 M + 1', data: on((d) => { d.maintenance!.databases[0]!.xidAge = 200_000_001; }), expect: { findings: [{ id: 'postgres.maintenance.xid-age', severity: 'warning' }] } },
  { name: 'xid age 1,000 M + 1', data: on((d) => { d.maintenance!.databases[0]!.xidAge = 1_000_000_001; }), expect: { findings: [{ id: 'postgres.maintenance.xid-age', severity: 'critical' }] } },
  { name: 'dead tuples 20% (equal)', data: on((d) => { d.maintenance!.tables = [table(8_000, 2_000)]; }), expect: { findings: [] } },
  { name: 'dead tuples just above 20%', data: on((d) => { d.maintenance!.tables = [table(7_999, 2_001)]; }), expect: { findings: [{ id: 'postgres.maintenance.dead-tuples', severity: 'warning' }] } },
  { name: 'dead tuples on a small table are ignored', data: on((d) => { d.maintenance!.tables = [table(4_000, 4_000)]; }), expect: { findings: [] } },
  { name: 'large table never analyzed', data: on((d) => { d.maintenance!.neverAnalyzed = [table(50_000, 0, { lastAutoanalyzeSeconds: null })]; }), expect: { findings: [{ id: 'postgres.maintenance.never-analyzed', severity: 'warning', observed: 1 }] } },

  // security
  { name: 'local trust rule', data: on((d) => { d.security!.hbaRules!.push(hba({ type: 'local', address: null, netmask: null, method: 'trust' })); }), expect: { findings: [{ id: 'postgres.security.hba-trust', severity: 'warning' }] } },
  { name: 'loopback trust rule', data: on((d) => { d.security!.hbaRules!.push(hba({ address: '127.0.0.1', netmask: '255.255.255.255', method: 'trust' })); }), expect: { findings: [{ id: 'postgres.security.hba-trust', severity: 'warning' }] } },
  { name: 'network trust rule', data: on((d) => { d.security!.hbaRules!.push(hba({ method: 'trust' })); }), expect: { findings: [{ id: 'postgres.security.hba-trust', severity: 'critical' }] } },
  { name: 'superuser over plain TCP (host rule, listening on *)', data: on((d) => { d.security!.listenAddresses = '*'; d.security!.ssl = 'on'; d.security!.hbaRules!.push(hba({})); }), expect: { findings: [{ id: 'postgres.security.superuser-no-tls', severity: 'warning', observed: 1 }] } },
  { name: 'hostssl rule for everyone is fine', data: on((d) => { d.security!.listenAddresses = '*'; d.security!.ssl = 'on'; d.security!.hbaRules!.push(hba({ type: 'hostssl' })); }), expect: { findings: [] } },
  { name: 'host rule for a non-superuser is fine', data: on((d) => { d.security!.listenAddresses = '*'; d.security!.ssl = 'on'; d.security!.hbaRules!.push(hba({ users: ['app'] })); }), expect: { findings: [] } },
  { name: 'host rule but listening on loopback only', data: on((d) => { d.security!.listenAddresses = 'localhost'; d.security!.hbaRules!.push(hba({})); }), expect: { findings: [] } },
  { name: 'no hba access, ssl off, listening on *', data: on((d) => { d.security!.hbaRules = null; d.security!.listenAddresses = '*'; }), expect: { findings: [{ id: 'postgres.security.superuser-no-tls', severity: 'warning' }], skipped: ['security'] } },
];
