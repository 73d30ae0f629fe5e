// replication: on a primary every standby's state and lag, standbys that should be there and are
// not; on a standby whether it streams and how far replay is behind; slots retaining WAL.
//
// "The standby stopped", seen from the primary: its row leaves pg_stat_replication, which alone is
// indistinguishable from "there never was one". What remains is the expectation: (1) a physical
// replication slot with no consumer -- physical slots exist for standbys (pg_basebackup -C,
// Patroni, repmgr), so an inactive one is a standby that is gone, and it retains WAL until the
// primary's disk fills; (2) synchronous_standby_names naming more standbys than are streaming --
// commits wait; (3) the operator's own count (`--option expectedStandbys=N`). Each is critical.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { formatBytes, formatSeconds, roundSeconds } from '../format.js';
import type { PgSnapshot, ReplicationData, Standby } from '../snapshot.js';

export const LAG_TIME = defineThreshold({
  id: 'postgres.replication.lag-time', warning: 30, critical: 300, direction: 'above', unit: 's',
  source: 'awesome-prometheus-alerts PostgresqlReplicationLag: lag > 30 s warns; 5 min critical as in common pg alert rules (ReplicationLagCritical > 300 s) https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-22',
});
export const LAG_BYTES = defineThreshold({
  id: 'postgres.replication.lag-bytes', warning: 64 * 1024 * 1024, critical: 1_000_000_000, direction: 'above', unit: 'bytes',
  source: 'ksa default: 64 MiB (4 WAL segments) warns; > 1 GB critical as the common PostgreSQLReplicationStopped rule (WAL lag > 1e9 bytes) https://www.postgresql.org/docs/current/functions-admin.html',
});
export const SLOT_RETAINED = defineThreshold({
  id: 'postgres.replication.slot-inactive', warning: 0, critical: 1024 ** 3, direction: 'above', unit: 'bytes',
  source: 'pg alert rules: an inactive replication slot retaining WAL warns; ksa default: critical above 1 GiB retained https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-19',
});

/** `FIRST 2 (a, b)`, `ANY 1 (a, b)`, `2 (a, b)`, `a, b`, `*` -> how many sync standbys are required. */
export function requiredSyncStandbys(setting: string): number {
  const s = setting.trim();
  if (s === '') return 0;
  const m = /^(?:(?:FIRST|ANY)\s+)?(\d+)\s*\(/i.exec(s);
  return m ? Number(m[1]) : 1;
}

const streaming = (r: ReplicationData) => r.standbys.filter((s) => s.state === 'streaming');
const standbyEvidence = (s: Standby) => ({
  name: s.name, client: s.client, state: s.state, syncState: s.syncState, replayLagBytes: s.replayLagBytes,
  replayLagSeconds: roundSeconds(s.replayLagSeconds), writeLagSeconds: roundSeconds(s.writeLagSeconds), flushLagSeconds: roundSeconds(s.flushLagSeconds),
});

/** The worst lag over the standbys (primary) or this standby's own (standby). */
function worstLag(r: ReplicationData, pick: (s: Standby) => number | null, own: number | null | undefined): { value: number; who: string } | null {
  if (r.inRecovery) return own === null || own === undefined ? null : { value: own, who: 'this standby' };
  let worst: { value: number; who: string } | null = null;
  for (const s of r.standbys) {
    const v = pick(s) ?? 0; // NULL lag: nothing in flight
    if (!worst || v > worst.value) worst = { value: v, who: `standby ${s.name ?? s.client ?? '?'}` };
  }
  return worst;
}

export const replicationChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.standby-state',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r) return null;
      // `backup` rows are pg_basebackup sessions, not standbys.
      const bad = r.standbys.filter((s) => s.state !== 'streaming' && s.state !== 'backup');
      if (bad.length === 0) return null;
      const onlyCatchup = bad.every((s) => s.state === 'catchup');
      return ctx.finding({
        id: 'postgres.replication.standby-state',
        severity: onlyCatchup ? 'warning' : 'critical',
        title: `${bad.length} standby(s) connected but not streaming: ${bad.map((s) => `${s.name ?? s.client} (${s.state})`).join(', ')}`,
        detail: onlyCatchup
          ? 'A standby in catchup is replaying a backlog after reconnecting; it is not yet a usable failover target.'
          : 'A standby that is not streaming does not receive new WAL: it falls behind and cannot take over without data loss.',
        suggestion: 'Read the standby\'s log for the reason (WAL removed, authentication, network); if WAL it needs was removed, rebuild it with pg_basebackup and use a replication slot.',
        observed: { value: bad.length, unit: 'standbys' },
        evidence: { standbys: bad.map(standbyEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.standby-missing',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r || r.inRecovery) return null;
      const out = [];
      const orphaned = r.slots.filter((s) => s.type === 'physical' && !s.active && !s.temporary);
      if (orphaned.length > 0) {
        const retained = orphaned.reduce((sum, s) => sum + (s.retainedBytes ?? 0), 0);
        out.push(ctx.finding({
          id: 'postgres.replication.standby-missing.slot',
          severity: 'critical',
          title: `No standby is using physical slot(s) ${orphaned.map((s) => s.name).join(', ')}: the standby stopped or is disconnected`,
          detail: `A physical replication slot exists for a standby; with nobody consuming it the standby is not replicating, and the primary keeps all WAL since its restart_lsn (${formatBytes(retained)} so far) until the disk fills.`,
          suggestion: 'Start the standby (or fix its primary_conninfo / network) and check it reaches state streaming; if the standby is gone for good, drop the slot: SELECT pg_drop_replication_slot(\'<name>\').',
          observed: { value: orphaned.length, unit: 'slots' },
          evidence: { slots: orphaned, streamingStandbys: streaming(r).map((s) => s.name) },
        }));
      }
      const required = requiredSyncStandbys(r.synchronousStandbyNames);
      const sync = streaming(r).filter((s) => s.syncState === 'sync' || s.syncState === 'quorum').length;
      if (required > sync) {
        out.push(ctx.finding({
          id: 'postgres.replication.standby-missing.sync',
          severity: 'critical',
          title: `synchronous_standby_names requires ${required} synchronous standby(s), ${sync} streaming: commits wait`,
          detail: `With synchronous_standby_names = '${r.synchronousStandbyNames}' every commit waits for ${required} standby(s) to confirm; with fewer connected, writing transactions hang.`,
          suggestion: 'Bring the synchronous standby back, or (accepting the durability trade-off) clear synchronous_standby_names and reload.',
          observed: { value: sync, unit: 'standbys' },
          evidence: { synchronousStandbyNames: r.synchronousStandbyNames, standbys: r.standbys.map(standbyEvidence) },
        }));
      }
      const expected = r.expectedStandbys ?? 0;
      if (expected > streaming(r).length) {
        out.push(ctx.finding({
          id: 'postgres.replication.standby-missing.expected',
          severity: 'critical',
          title: `${streaming(r).length} of ${expected} expected standby(s) streaming`,
          detail: 'Fewer standbys stream from this primary than the target\'s expectedStandbys option says.',
          suggestion: 'Start the missing standby and check its log; it must reach state streaming in pg_stat_replication.',
          observed: { value: streaming(r).length, unit: 'standbys' },
          evidence: { expectedStandbys: expected, standbys: r.standbys.map(standbyEvidence) },
        }));
      }
      return out;
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.wal-receiver',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r || !r.inRecovery) return null;
      const status = r.receiver?.status ?? null;
      if (status === 'streaming') return null;
      return ctx.finding({
        id: 'postgres.replication.wal-receiver',
        severity: 'critical',
        title: status ? `This standby's WAL receiver is ${status}, not streaming` : 'This standby has no WAL receiver: it is not streaming from a primary',
        detail: 'A standby that does not stream only replays what it has (or restores from an archive); it falls further behind the primary every second.',
        suggestion: 'Check primary_conninfo and primary_slot_name, that the primary is up and allows this standby in pg_hba.conf (replication), and the standby\'s log.',
        observed: { value: status ?? 'none' },
        evidence: { receiver: r.receiver ?? null, replayPaused: r.replayPaused ?? null, replayBacklogBytes: r.replayBacklogBytes ?? null },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.lag-time',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r) return null;
      const worst = worstLag(r, (s) => s.replayLagSeconds, r.replayDelaySeconds);
      if (!worst) return null;
      return ctx.judge(LAG_TIME, worst.value, {
        title: `Replay lag of ${worst.who} is ${formatSeconds(worst.value)}`,
        detail: 'Replay lag is how far behind the primary a standby\'s visible data is; reads there are stale and a failover loses up to this much.',
        suggestion: 'Look for long queries on the standby delaying replay (max_standby_streaming_delay), replay paused, disk or network saturation; compare write/flush/replay lags to see where it builds up.',
        evidence: r.inRecovery ? { replayDelaySeconds: roundSeconds(r.replayDelaySeconds ?? null), replayPaused: r.replayPaused ?? null } : { standbys: r.standbys.map(standbyEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.lag-bytes',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r) return null;
      const worst = worstLag(r, (s) => s.replayLagBytes, r.replayBacklogBytes);
      if (!worst) return null;
      return ctx.judge(LAG_BYTES, worst.value, {
        title: `${worst.who} is ${formatBytes(worst.value)} of WAL behind`,
        detail: 'WAL generated on the primary but not yet replayed on the standby.',
        suggestion: 'Check the standby\'s disk and CPU (replay is single-threaded), the network between the hosts, and whether replay is paused (pg_is_wal_replay_paused()).',
        evidence: r.inRecovery ? { replayBacklogBytes: r.replayBacklogBytes ?? null, replayPaused: r.replayPaused ?? null } : { standbys: r.standbys.map(standbyEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.replication.slot-inactive',
    category: 'replication',
    run(d, ctx) {
      const r = d.replication;
      if (!r) return null;
      const out = [];
      const lost = r.slots.filter((s) => s.walStatus === 'lost');
      if (lost.length > 0) {
        out.push(ctx.finding({
          id: 'postgres.replication.slot-inactive.lost',
          severity: 'critical',
          title: `Replication slot(s) ${lost.map((s) => s.name).join(', ')} lost the WAL their consumer needs`,
          detail: 'wal_status = lost: max_slot_wal_keep_size removed WAL the slot still needed; its consumer can never catch up from it.',
          suggestion: 'Rebuild the standby (pg_basebackup) or resynchronise the logical consumer, then drop and recreate the slot.',
          observed: { value: lost.length, unit: 'slots' },
          evidence: { slots: lost },
        }));
      }
      // Physical slots without a consumer are reported as a missing standby (critical).
      const idle = r.slots.filter((s) => s.type === 'logical' && !s.active && s.walStatus !== 'lost');
      let worst: (typeof idle)[number] | undefined;
      for (const s of idle) if (!worst || (s.retainedBytes ?? 0) > (worst.retainedBytes ?? 0)) worst = s;
      if (worst) {
        out.push(ctx.judge(SLOT_RETAINED, worst.retainedBytes ?? 0, {
          title: `Inactive logical slot(s) ${idle.map((s) => s.name).join(', ')} retain WAL (${worst.name}: ${formatBytes(worst.retainedBytes ?? 0)})`,
          detail: 'A logical replication slot nobody reads from holds WAL (and the catalog xmin) from its restart_lsn on; the primary\'s pg_wal grows until the disk fills.',
          suggestion: 'Restart the consumer (subscription, Debezium, ...) or drop the slot if it is abandoned: SELECT pg_drop_replication_slot(\'<name>\'); set max_slot_wal_keep_size to cap the damage.',
          evidence: { slots: idle },
        }));
      }
      return out;
    },
  }),
];
