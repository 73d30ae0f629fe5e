// maintenance: transaction ID wraparound per database; dead tuples and (auto)vacuum/analyze times of
// large tables; large tables never analyzed. Tables are those of the connected database only.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { roundSeconds } from '../format.js';
import type { PgSnapshot, TableStats } from '../snapshot.js';

export const XID_AGE = defineThreshold({
  id: 'postgres.maintenance.xid-age', warning: 200_000_000, critical: 1_000_000_000, direction: 'above', unit: 'transactions',
  source: 'check_postgres txn_wraparound: age(datfrozenxid) > 200 M (autovacuum_freeze_max_age default) warns, > 1,000 M critical (hard stop at ~2,100 M) https://bucardo.org/check_postgres/check_postgres.pl.html',
});
export const DEAD_TUPLES = defineThreshold({
  id: 'postgres.maintenance.dead-tuples', warning: 20, critical: null, direction: 'above', unit: '%',
  source: 'autovacuum_vacuum_scale_factor default 0.2: autovacuum should vacuum a table before 20% of its rows are dead https://www.postgresql.org/docs/current/runtime-config-autovacuum.html',
});
export const NEVER_ANALYZED = defineThreshold({
  id: 'postgres.maintenance.never-analyzed', warning: 0, critical: null, direction: 'above', unit: 'tables',
  source: 'PostgreSQL docs, Routine Vacuuming: Updating Planner Statistics (a table never analyzed has no planner statistics) https://www.postgresql.org/docs/current/routine-vacuuming.html',
});

/** Dead-tuple ratios of small tables swing wildly and cost nothing: judge large tables only. */
export const LARGE_TABLE_ROWS = 10_000;

const deadPct = (t: TableStats) => (100 * t.dead) / Math.max(t.live + t.dead, 1);
const tableEvidence = (t: TableStats) => ({
  table: t.name, live: t.live, dead: t.dead, deadPct: Math.round(deadPct(t) * 10) / 10, modifiedSinceAnalyze: t.modSinceAnalyze,
  lastVacuumSecondsAgo: roundSeconds(t.lastVacuumSeconds), lastAutovacuumSecondsAgo: roundSeconds(t.lastAutovacuumSeconds),
  lastAnalyzeSecondsAgo: roundSeconds(t.lastAnalyzeSeconds), lastAutoanalyzeSecondsAgo: roundSeconds(t.lastAutoanalyzeSeconds),
});

export const maintenanceChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.maintenance.xid-age',
    category: 'maintenance',
    run(d, ctx) {
      const m = d.maintenance;
      const worst = m?.databases.reduce<(typeof m.databases)[number] | undefined>((a, b) => (!a || b.xidAge > a.xidAge ? b : a), undefined);
      if (!m || !worst) return null;
      return ctx.judge(XID_AGE, worst.xidAge, {
        title: `Database ${worst.name} is ${worst.xidAge.toLocaleString('en-US')} transactions past its oldest unfrozen XID`,
        detail: `At ~2,100 M PostgreSQL stops accepting writes to prevent transaction ID wraparound. Autovacuum forces anti-wraparound vacuums from autovacuum_freeze_max_age (${m.freezeMaxAge}); an age above it means they are not completing.`,
        suggestion: 'Find what holds back freezing: long transactions, prepared transactions (pg_prepared_xacts), inactive replication slots, or autovacuum cancelled on big tables; run VACUUM (FREEZE, VERBOSE) on the oldest tables (ORDER BY age(relfrozenxid)).',
        evidence: { databases: m.databases.slice(0, 10), freezeMaxAge: m.freezeMaxAge, autovacuum: m.autovacuum },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.maintenance.dead-tuples',
    category: 'maintenance',
    run(d, ctx) {
      const m = d.maintenance;
      if (!m) return null;
      const large = m.tables.filter((t) => t.live + t.dead >= LARGE_TABLE_ROWS);
      const worst = large.reduce<TableStats | undefined>((a, b) => (!a || deadPct(b) > deadPct(a) ? b : a), undefined);
      if (!worst) return null;
      const limit = ctx.threshold(DEAD_TUPLES).warning ?? 0;
      return ctx.judge(DEAD_TUPLES, deadPct(worst), {
        title: `Table ${worst.name} is ${deadPct(worst).toFixed(0)}% dead tuples (${worst.dead} dead, ${worst.live} live)`,
        detail: `Autovacuum ${m.autovacuum ? 'is on' : 'is OFF'} with autovacuum_vacuum_scale_factor ${m.vacuumScaleFactor}; dead tuples above that share mean vacuum is not keeping up (or cannot remove them because an old transaction or slot still sees them). Database ${m.database} only.`,
        suggestion: 'VACUUM (VERBOSE) the table and read how many dead rows "cannot be removed yet"; lower autovacuum_vacuum_scale_factor for this table (ALTER TABLE ... SET (autovacuum_vacuum_scale_factor = 0.05)); end long transactions.',
        evidence: { database: m.database, tables: large.filter((t) => deadPct(t) > limit).slice(0, 10).map(tableEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.maintenance.never-analyzed',
    category: 'maintenance',
    run(d, ctx) {
      const m = d.maintenance;
      if (!m || m.neverAnalyzed.length === 0) return null;
      return ctx.judge(NEVER_ANALYZED, m.neverAnalyzed.length, {
        title: `${m.neverAnalyzed.length} table(s) with rows were never analyzed: ${m.neverAnalyzed.slice(0, 3).map((t) => t.name).join(', ')}`,
        detail: `Without ANALYZE the planner guesses row counts and value distributions, which leads to bad plans. Autovacuum ${m.autovacuum ? 'is on, so these may be freshly loaded or autovacuum is falling behind' : 'is OFF'}. Database ${m.database} only.`,
        suggestion: 'Run ANALYZE on them (ANALYZE VERBOSE <table>); after bulk loads, ANALYZE before querying; keep autovacuum on.',
        evidence: { database: m.database, tables: m.neverAnalyzed.slice(0, 10).map(tableEvidence) },
      });
    },
  }),
];
