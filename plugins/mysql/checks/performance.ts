// performance: the top statements from performance_schema digests (latency, rows examined vs
// sent, full scans, no index used), latency percentiles where the server keeps histograms, and the
// server-wide ratios MySQLTuner reports (slow queries, on-disk temporary tables, sort merge passes,
// joins without indexes).
import { defineCheck, defineThreshold, roundToHundredths as round } from '../../../src/sdk/index.js';
import { INTROSPECTION_LEFT_OUT } from '../introspection.js';
import type { CheckDefinition } from '../../../src/sdk/index.js';
import type { DigestRow, HistogramBucket, MysqlSnapshot } from '../snapshot.js';
import { numericSetting, percent, stat } from '../server-values.js';
import { judgeLifetimeRatio } from '../uptime-guard.js';

export const SLOW_STATEMENT = defineThreshold({
  id: 'mysql.performance.slow-statement', warning: 1000, critical: 10_000, direction: 'above', unit: 'ms',
  source: 'MySQL/MariaDB long_query_time default 10 s (critical); 1 s, the value commonly set for the slow query log (warning) https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_long_query_time',
});
export const LATENCY_P99 = defineThreshold({
  id: 'mysql.performance.latency-percentiles', warning: 1000, critical: 10_000, direction: 'above', unit: 'ms',
  source: 'same limits as mysql.performance.slow-statement, applied to the server-wide p99 (events_statements_histogram_global) https://dev.mysql.com/doc/refman/8.0/en/performance-schema-statement-histogram-summary-tables.html',
});
export const SLOW_QUERIES = defineThreshold({
  id: 'mysql.performance.slow-queries', warning: 5, critical: null, direction: 'above', unit: '%',
  source: 'MySQLTuner 1.9: Slow_queries / Questions > 5% https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});
export const TMP_DISK = defineThreshold({
  id: 'mysql.performance.tmp-disk-tables', warning: 25, critical: null, direction: 'above', unit: '%',
  source: 'MySQLTuner 1.9: Created_tmp_disk_tables / Created_tmp_tables > 25% https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});
export const SORT_MERGE = defineThreshold({
  id: 'mysql.performance.sort-merge-passes', warning: 10, critical: null, direction: 'above', unit: '%',
  source: 'MySQLTuner 1.9: Sort_merge_passes / (Sort_scan + Sort_range) > 10% https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});
export const JOINS_NO_INDEX = defineThreshold({
  id: 'mysql.performance.joins-without-index', warning: 250, critical: null, direction: 'above', unit: 'joins/day',
  source: 'MySQLTuner 1.9: (Select_full_join + Select_range_check) per day of uptime > 250 https://github.com/major/MySQLTuner-perl/blob/master/mysqltuner.pl',
});

type Data = MysqlSnapshot;

function digests(data: Data): DigestRow[] | null {
  const probe = data.performance?.digests;
  return probe && 'value' in probe ? probe.value : null;
}

function digestEvidence(d: DigestRow): Record<string, unknown> {
  return {
    statement: d.text, schema: d.schema, digest: d.digest, executions: d.count,
    totalMs: round(d.totalMs), avgMs: round(d.avgMs), maxMs: round(d.maxMs),
    ...(d.p95Ms !== null ? { p95Ms: round(d.p95Ms) } : {}), ...(d.p99Ms !== null ? { p99Ms: round(d.p99Ms) } : {}),
    rowsExamined: d.rowsExamined, rowsSent: d.rowsSent,
    rowsExaminedPerSent: d.rowsSent > 0 ? round(d.rowsExamined / d.rowsSent) : null,
    fullScans: d.fullScans, noIndexUsed: d.noIndexUsed, noGoodIndexUsed: d.noGoodIndexUsed,
    tmpDiskTables: d.tmpDiskTables, sortMergePasses: d.sortMergePasses,
  };
}

const topStatements = defineCheck<Data>({
  id: 'mysql.performance.top-statements',
  category: 'performance',
  run(data, ctx) {
    const probe = data.performance?.digests;
    if (probe && 'unavailable' in probe) {
      ctx.skip(`top statements: ${probe.unavailable}`);
      return null;
    }
    const rows = digests(data);
    if (!rows || rows.length === 0) return null;
    const total = rows.reduce((s, d) => s + d.totalMs, 0);
    return ctx.finding({
      id: 'mysql.performance.top-statements',
      severity: 'info',
      title: `Top ${rows.length} statements by total latency`,
      detail: rows.slice(0, 3).map((d, i) => `${i + 1}. ${d.text.slice(0, 80)} (${d.count}x, avg ${round(d.avgMs)} ms)`).join('; '),
      observed: { value: round(total), unit: 'ms' },
      suggestion: 'Start tuning at the top: EXPLAIN the statement, add the index its filter needs (noIndexUsed > 0, high rowsExaminedPerSent), or cache it.',
      evidence: { source: `performance_schema.events_statements_summary_by_digest (since start or last truncate); ${INTROSPECTION_LEFT_OUT}`, statements: rows.map(digestEvidence) },
    });
  },
});

const slowStatement = defineCheck<Data>({
  id: SLOW_STATEMENT.id,
  category: 'performance',
  run(data, ctx) {
    return (digests(data) ?? []).map((d) => ctx.judge(SLOW_STATEMENT, d.avgMs, {
      title: `Slow statement: avg ${round(d.avgMs)} ms over ${d.count} executions`,
      detail: `${d.text.slice(0, 300)}${d.schema ? ` (schema ${d.schema})` : ''}`,
      suggestion: d.noIndexUsed > 0 || d.noGoodIndexUsed > 0
        ? 'It runs without a usable index: EXPLAIN it and add an index on the filtered/joined columns.'
        : 'EXPLAIN it; check rows examined vs sent, lock waits and whether the work can be reduced or cached.',
      evidence: digestEvidence(d),
    }));
  },
});

/** The latency under which `q` of the statements finished, from cumulative buckets. */
export function quantileMs(buckets: readonly HistogramBucket[], q: number): number | null {
  const total = buckets.reduce((s, b) => s + b.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of buckets) {
    seen += b.count;
    if (seen >= q * total) return b.highMs;
  }
  return buckets[buckets.length - 1]?.highMs ?? null;
}

const latencyPercentiles = defineCheck<Data>({
  id: LATENCY_P99.id,
  category: 'performance',
  run(data, ctx) {
    const probe = data.performance?.histogram;
    if (!probe) return null;
    if ('unavailable' in probe) {
      // MariaDB has no histogram tables (nothing to fix); on MySQL say why, unless top-statements
      // already reported the same reason (performance_schema off).
      const digestsProbe = data.performance?.digests;
      const sameReason = digestsProbe !== undefined && 'unavailable' in digestsProbe && digestsProbe.unavailable === probe.unavailable;
      if (data.server.flavor === 'mysql' && !sameReason) ctx.skip(`latency percentiles: ${probe.unavailable}`);
      return null;
    }
    const p99 = quantileMs(probe.value, 0.99);
    if (p99 === null) return null;
    return ctx.judge(LATENCY_P99, p99, {
      title: `Statement latency p99 is ${round(p99)} ms`,
      detail: `Across all statements since start: p50 ${quantileMs(probe.value, 0.5)} ms, p95 ${quantileMs(probe.value, 0.95)} ms, p99 ${round(p99)} ms.`,
      suggestion: 'The top statements list names the statements that make the tail; tune those first.',
      evidence: { p50Ms: quantileMs(probe.value, 0.5), p95Ms: quantileMs(probe.value, 0.95), p99Ms: p99, statements: probe.value.reduce((s, b) => s + b.count, 0) },
    });
  },
});

const slowQueries = defineCheck<Data>({
  id: SLOW_QUERIES.id,
  category: 'performance',
  run(data, ctx) {
    const slow = stat(data, 'Slow_queries');
    const questions = stat(data, 'Questions');
    if (slow === null || !questions) return null;
    return judgeLifetimeRatio(ctx, data, SLOW_QUERIES, percent(slow, questions), {
      title: 'Many slow queries',
      detail: `${slow} of ${questions} statements since start ran longer than long_query_time (${data.variables.long_query_time ?? '?'} s).`,
      suggestion: 'Enable the slow query log (slow_query_log=ON) and tune the statements it lists; the top statements list shows the heaviest.',
      evidence: { Slow_queries: slow, Questions: questions, long_query_time: data.variables.long_query_time ?? null, slow_query_log: data.variables.slow_query_log ?? null },
    });
  },
});

const tmpDiskTables = defineCheck<Data>({
  id: TMP_DISK.id,
  category: 'performance',
  run(data, ctx) {
    const disk = stat(data, 'Created_tmp_disk_tables');
    const all = stat(data, 'Created_tmp_tables');
    if (disk === null || !all) return null;
    return judgeLifetimeRatio(ctx, data, TMP_DISK, percent(disk, all), {
      title: 'Many temporary tables go to disk',
      detail: `${disk} of ${all} internal temporary tables since start were created on disk.`,
      suggestion: 'Avoid TEXT/BLOB columns in GROUP BY/ORDER BY results; raise tmp_table_size and max_heap_table_size together.',
      evidence: { Created_tmp_disk_tables: disk, Created_tmp_tables: all },
    });
  },
});

const sortMergePasses = defineCheck<Data>({
  id: SORT_MERGE.id,
  category: 'performance',
  run(data, ctx) {
    const passes = stat(data, 'Sort_merge_passes');
    const sorts = (stat(data, 'Sort_scan') ?? 0) + (stat(data, 'Sort_range') ?? 0);
    if (passes === null || sorts === 0) return null;
    return judgeLifetimeRatio(ctx, data, SORT_MERGE, percent(passes, sorts), {
      title: 'Sorts need merge passes',
      detail: `${passes} merge passes for ${sorts} sorts since start: sorts spill to temporary files.`,
      suggestion: 'Raise sort_buffer_size for the sessions that sort large results, or add an index that returns rows in order.',
      evidence: { Sort_merge_passes: passes, Sort_scan: stat(data, 'Sort_scan'), Sort_range: stat(data, 'Sort_range') },
    });
  },
});

const joinsWithoutIndex = defineCheck<Data>({
  id: JOINS_NO_INDEX.id,
  category: 'performance',
  run(data, ctx) {
    const uptime = stat(data, 'Uptime');
    const joins = (stat(data, 'Select_full_join') ?? 0) + (stat(data, 'Select_range_check') ?? 0);
    if (!uptime) return null;
    // MySQLTuner's rate: joins per day of uptime (extrapolated on a young server; the uptime guard
    // then reports it as info).
    const perDay = joins / (uptime / 86400);
    return judgeLifetimeRatio(ctx, data, JOINS_NO_INDEX, perDay, {
      title: 'Joins run without indexes',
      detail: `${joins} joins since start scanned a table for each row of another (about ${Math.round(perDay)} a day).`,
      suggestion: 'Index the join columns; the top statements with noIndexUsed > 0 are the candidates.',
      evidence: { Select_full_join: stat(data, 'Select_full_join'), Select_range_check: stat(data, 'Select_range_check'), uptimeSeconds: uptime, join_buffer_size: numericSetting(data, 'join_buffer_size') },
    });
  },
});

export const performanceChecks: ReadonlyArray<CheckDefinition<Data>> = [
  topStatements, slowStatement, latencyPercentiles, slowQueries, tmpDiskTables, sortMergePasses, joinsWithoutIndex,
];
