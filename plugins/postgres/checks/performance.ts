// performance: buffer cache hit ratio per database, top statements (pg_stat_statements), temporary
// files, and checkpoints forced by WAL volume rather than by checkpoint_timeout.
import { defineCheck, defineThreshold, roundToHundredths } from '../../../src/sdk/index.js';
import { formatBytes } from '../format.js';
import type { DatabaseStats, PgSnapshot } from '../snapshot.js';

export const CACHE_HIT_RATIO = defineThreshold({
  id: 'postgres.performance.cache-hit-ratio', warning: 99, critical: null, direction: 'below', unit: '%',
  source: 'check_postgres hitratio / pg alert rules: blks_hit / (blks_hit + blks_read) < 99% warns https://samber.github.io/awesome-prometheus-alerts/rules/databases/postgresql/#rule-2-2-1-6',
});
export const CHECKPOINTS_REQUESTED = defineThreshold({
  id: 'postgres.performance.checkpoints', warning: 50, critical: null, direction: 'above', unit: '%',
  source: 'PostgreSQL docs, WAL Configuration: checkpoints should come from checkpoint_timeout; requested (WAL-volume) checkpoints outnumbering timed ones mean max_wal_size is too small https://www.postgresql.org/docs/current/wal-configuration.html',
});

/** Below this many block reads+hits a ratio says nothing (a fresh server reads its catalogs). */
export const MIN_BLOCK_ACCESSES = 100_000;
/** Below this many checkpoints the requested share is noise (pg_basebackup, CHECKPOINT, restarts). */
export const MIN_CHECKPOINTS = 10;

const hitPct = (db: DatabaseStats) => (100 * db.blksHit) / Math.max(db.blksHit + db.blksRead, 1);

export const performanceChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.performance.cache-hit-ratio',
    category: 'performance',
    run(d, ctx) {
      const p = d.performance;
      if (!p) return null;
      const measured = p.databases.filter((db) => db.blksHit + db.blksRead >= MIN_BLOCK_ACCESSES);
      const worst = measured.reduce<DatabaseStats | undefined>((a, b) => (!a || hitPct(b) < hitPct(a) ? b : a), undefined);
      if (!worst) return null;
      return ctx.judge(CACHE_HIT_RATIO, hitPct(worst), {
        title: `Database ${worst.name} finds ${hitPct(worst).toFixed(2)}% of blocks in shared_buffers`,
        detail: 'Blocks not found in shared_buffers are read from the OS (page cache or disk). Counted since the statistics were reset, so a recent change takes time to show.',
        suggestion: 'Find the statements reading most blocks (pg_stat_statements shared_blks_read); add the missing indexes; if the working set is simply larger, raise shared_buffers (about 25% of RAM is the usual start).',
        evidence: { databases: measured.map((db) => ({ database: db.name, hitPct: roundToHundredths(hitPct(db)), blksHit: db.blksHit, blksRead: db.blksRead })) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.performance.top-statements',
    category: 'performance',
    run(d, ctx) {
      const s = d.performance?.statements;
      if (!s) return null;
      if (!s.available) {
        ctx.skip(s.reason);
        return null;
      }
      const top = s.top[0];
      if (!top) return null;
      return ctx.finding({
        id: 'postgres.performance.top-statements',
        severity: 'info',
        title: `Top statement takes ${top.sharePct.toFixed(1)}% of execution time (${top.calls} calls, mean ${top.meanMs.toFixed(2)} ms)`,
        detail: 'Statements by total execution time from pg_stat_statements (ksa\'s own left out): where tuning pays most.',
        suggestion: 'EXPLAIN (ANALYZE, BUFFERS) the top statements; a high mean points at a plan (index), many calls at the application (batching, caching).',
        observed: { value: Math.round(top.totalMs), unit: 'ms' },
        evidence: { statements: s.top.slice(0, 5).map((x) => ({ ...x, totalMs: Math.round(x.totalMs), meanMs: roundToHundredths(x.meanMs), sharePct: Math.round(x.sharePct * 10) / 10 })) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.performance.temp-files',
    category: 'performance',
    run(d, ctx) {
      const p = d.performance;
      if (!p) return null;
      const spilling = p.databases.filter((db) => db.tempFiles > 0);
      if (spilling.length === 0) return null;
      const bytes = spilling.reduce((sum, db) => sum + db.tempBytes, 0);
      return ctx.finding({
        id: 'postgres.performance.temp-files',
        severity: 'info',
        title: `Queries wrote ${formatBytes(bytes)} of temporary files since the statistics reset`,
        detail: `Sorts and hashes larger than work_mem (${p.workMem ?? '?'}) spill to disk.`,
        suggestion: 'Find them with pg_stat_statements temp_blks_written or log_temp_files = 0; raise work_mem for those roles or sessions rather than globally.',
        observed: { value: bytes, unit: 'bytes' },
        evidence: { workMem: p.workMem, databases: spilling.map((db) => ({ database: db.name, tempFiles: db.tempFiles, tempBytes: db.tempBytes })) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.performance.checkpoints',
    category: 'performance',
    run(d, ctx) {
      const c = d.performance?.checkpoints;
      if (!c || c.timed + c.requested < MIN_CHECKPOINTS) return null;
      const pct = (100 * c.requested) / (c.timed + c.requested);
      return ctx.judge(CHECKPOINTS_REQUESTED, pct, {
        title: `${pct.toFixed(0)}% of checkpoints were requested (${c.requested} requested, ${c.timed} timed)`,
        detail: 'Checkpoints forced by WAL volume come in bursts of writes and full-page images, more I/O than timed ones.',
        suggestion: `Raise max_wal_size (now ${d.performance?.maxWalSize ?? '?'}) so checkpoint_timeout triggers them; check log_checkpoints output.`,
        evidence: { timed: c.timed, requested: c.requested, maxWalSize: d.performance?.maxWalSize ?? null },
      });
    },
  }),
];
