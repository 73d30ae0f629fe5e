// The table at a terminal (issue 12 item 7): at every width from 60 to 220 columns no line is
// wider than the terminal and every finding id (the override and baseline key) is on one line,
// whole; a table when every column fits, a block per finding when not. The header and the fleet
// line say the effective status (issue 12 item 1) and findings carry the gate's marks (item 5);
// n/a and skipped categories show with their reason (item 8).
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/core/schemas.js';
import type { Report } from '../../../src/core/types.js';
import { renderTable } from '../../../src/render/table.js';
import { tableWidths } from '../../../src/render/table/findings.js';
import { displayWidth } from '../../../src/render/table/wrap.js';

const ANSI = /\u001b\[[0-9;]*m/g;
const LONG_ID = 'postgres.replication.slot-retained-wal.inactive-slot'; // 52 characters
const SOURCE = 'PostgreSQL docs, "Replication Slots": an inactive slot retains WAL until the disk fills; the default is ops practice (warning at 1 GiB, critical at 10 GiB) https://www.postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS';

const finding = (id: string, severity: 'info' | 'warning' | 'critical', more: Record<string, unknown> = {}) => ({
  id, category: id.split('.')[1], severity, title: `Title of ${id}`,
  detail: 'A sentence long enough to wrap at narrow widths, with an unbreakable token https://example.org/a/very/long/path/that/has/no/spaces/at/all/and/goes/on/for/more/than/one/hundred/characters/really.',
  suggestion: 'Do the thing that fixes it; then run ksa again to see it gone.',
  observed: { value: 12.5, unit: 'GiB' },
  threshold: { warning: 1, critical: 10, direction: 'above', source: SOURCE },
  ...more,
});

const result = (name: string, status: string, findings: unknown[], more: Record<string, unknown> = {}) => ({
  schemaVersion: 1, plugin: { id: 'postgres-diagnostics', version: '1.0.0' }, target: { type: 'postgres', name, endpoints: ['127.0.0.1:5432'] },
  status, startedAt: '2024-01-01T00:00:00Z', durationMs: 12, metrics: {}, errors: [], findings,
  categories: [
    { name: 'replication', status, durationMs: 1.25 },
    { name: 'vacuum', status: 'healthy', rawStatus: 'warning', durationMs: 0.5 },
    { name: 'security', status: 'unknown', durationMs: 0, skipped: 'pg_hba_file_rules needs pg_read_all_settings: GRANT pg_read_all_settings TO ksa_monitor' },
    { name: 'sentinel', status: 'unknown', durationMs: 0, skipped: 'not a Sentinel deployment: pass --sentinel host:port,...', notApplicable: true },
  ],
  ...more,
});

/** One target: a new critical, a baselined critical, a warning below --fail-on critical, an info. */
const single: Report = ReportSchema.parse({
  schemaVersion: 1, status: 'critical', exitCode: 2, failOn: 'critical', baseline: { file: 'known.json', suppressed: 1, new: 1 },
  results: [result('orders-db', 'critical', [
    finding(LONG_ID, 'critical', { node: 'replica-2.orders.internal:5432' }),
    finding('postgres.replication.lag', 'critical', { baselined: true }),
    finding('postgres.vacuum.dead-tuples', 'warning', { belowFailOn: true, observed: { value: 'a-very-long-observed-value-without-any-spaces-at-all', unit: 'rows' } }),
    finding('postgres.connection.usage', 'info', { threshold: { warning: null, critical: null, direction: 'above', source: 'advice' } }),
  ])],
});

/** A fleet: HEALTHY as gated (a warning below --fail-on), one critical, one that could not be diagnosed. */
const fleet: Report = ReportSchema.parse({
  schemaVersion: 1, status: 'critical', exitCode: 2, failOn: 'critical',
  results: [
    result('cache-with-a-rather-long-target-name-for-the-header', 'healthy', [finding('postgres.vacuum.dead-tuples', 'warning', { belowFailOn: true })], { rawStatus: 'warning' }),
    result('orders-db', 'critical', [finding(LONG_ID, 'critical')]),
    { ...result('unreachable', 'unknown', []), categories: [], errors: [{ code: 'KSA_ERR_CONNECT', message: 'connect ECONNREFUSED 127.0.0.1:1: is the server running and the port right?', retryable: true }] },
  ],
});

const plain = (report: Report, columns?: number) => renderTable(report, { color: true, ...(columns ? { columns } : {}) }).replace(ANSI, '').split('\n');
const ids = (report: Report) => report.results.flatMap((r) => r.findings.map((f) => f.id));
/** The id as a whole word on one line (not a prefix of a longer id, not cut). */
const whole = (id: string) => new RegExp(`(^|[\\s│(])${id.replace(/\./g, '\\.')}($|[\\s│)])`);
const WIDTHS = Array.from({ length: 161 }, (_, i) => 60 + i);

describe('renderTable at a terminal', () => {
  it.each([{ name: 'one target', report: single }, { name: 'fleet', report: fleet }])('$name: no line wider than the terminal, every id whole on one line, at 60..220 columns', ({ report }) => {
    for (const columns of WIDTHS) {
      const lines = plain(report, columns);
      // Only a URL wider than the terminal overflows, alone on its line (never cut: it must stay copyable).
      const wide = lines.filter((l) => displayWidth(l) > columns && !/^https?:\/\/\S+$/.test(l.trim()));
      expect(wide, `${columns} columns`).toEqual([]);
      for (const id of ids(report)) expect(lines.some((l) => whole(id).test(l)), `${id} at ${columns} columns`).toBe(true);
      // The source's URL is in the footnotes whole, on one line, at every width.
      expect(lines.some((l) => l.includes('https://www.postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS')), `source URL at ${columns} columns`).toBe(true);
    }
  });

  it('not a terminal: the table layout at its natural width, ids whole', () => {
    const lines = plain(single);
    expect(lines.join('\n')).toMatch(/│ severity\s+│ finding\s+│ observed\s+│ threshold\s+│ what to do\s+│/);
    for (const id of ids(single)) expect(lines.some((l) => whole(id).test(l)), id).toBe(true);
  });

  it('80 columns: a block per finding, the severity, mark and id on the first line', () => {
    const text = plain(single, 80).join('\n');
    expect(text).not.toContain('│ severity');
    expect(text).toMatch(new RegExp(`^critical \\(new\\) ${LONG_ID}\n {2}@replica-2\\.orders\\.internal:5432$`, 'm'));
    expect(text).toMatch(/^critical \(baselined\) postgres\.replication\.lag$/m);
    expect(text).toMatch(/^warning {2}\(below --fail-on\) postgres\.vacuum\.dead-tuples$/m);
    expect(text).toMatch(/^info {5}postgres\.connection\.usage$/m);
  });

  it('200 columns: a table, the marks in the severity column', () => {
    const text = plain(single, 200).join('\n');
    expect(text).toMatch(/│ severity\s+│ finding\s+│ observed\s+│ threshold\s+│ what to do\s+│/);
    expect(text).toMatch(/│ critical\s+│ postgres\.replication\.slot-retained-wal\.inactive-slot\s+│/);
    for (const mark of ['new', 'baselined', 'below --fail-on']) expect(text).toMatch(new RegExp(`│ ${mark}\\s+│`));
  });

  it.each([60, 80, 120, 200])('%i columns: the threshold source is a numbered note below, not a cell', (columns) => {
    const lines = plain(single, columns);
    const notes = lines.indexOf('threshold sources:');
    expect(notes).toBeGreaterThan(0);
    expect(lines[notes + 1]).toMatch(/^\[1\] PostgreSQL docs, "Replication Slots"/);
    expect(lines.slice(0, notes).join('\n')).not.toContain('Replication Slots');
    expect(lines.slice(0, notes).join('\n')).toMatch(/\[1\]/);
  });

  it.each([60, 80, 200])('%i columns: categories show n/a and skipped with their reason, and what was found under the gate', (columns) => {
    const text = plain(single, columns).join('\n');
    expect(text).toMatch(/│ sentinel\s+│ n\/a\s+│\s+│ not a Sentinel/);
    expect(text).toMatch(/│ security\s+│ skipped\s+│\s+│ pg_hba_file_rules/);
    expect(text).toMatch(/│ vacuum\s+│ healthy\s+│ 0\.5\s+│ found warning: 1 below/);
  });

  it('the header says the effective verdict and what was found; the baseline line counts', () => {
    const gated = ReportSchema.parse({ ...single, status: 'healthy', exitCode: 0, rawStatus: 'warning', baseline: undefined, results: [{ ...fleet.results[0]! }] });
    const lines = plain(gated, 80);
    expect(lines.slice(0, 3).join(' ').replace(/\s+/g, ' ')).toMatch(/^cache-with-a-rather-long-target-name-for-the-header \(postgres via postgres-diagnostics 1\.0\.0\): HEALTHY \(found warning: 1 below --fail-on critical\) in 12 ms$/);
    // The raw status appears only as "found warning", never in capitals as a verdict.
    expect(lines.join('\n')).not.toContain('WARNING');
    expect(plain(single, 80).join('\n')).toMatch(/^baseline known\.json: 1 baselined, 1 new$/m);
  });

  it('the fleet line: overall verdict with its exit code, the targets that are not OK named, worst first', () => {
    const text = plain(fleet, 200).join('\n');
    expect(text).toMatch(/^3 targets: 1 critical, 1 unknown, 1 healthy; overall CRITICAL \(exit 2\); critical: orders-db; unknown: unreachable$/m);
    expect(text).toMatch(/KSA_ERR_CONNECT connect ECONNREFUSED/);
  });
});

describe('tableWidths', () => {
  const id32 = 'redis.replication.no-persistence';
  const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + w.length + 1;
  it.each([116, 146, 220])('%i columns: a table exactly as wide as the terminal', (columns) => {
    expect(total(tableWidths([id32], [], columns)!)).toBe(columns);
  });
  it.each([60, 80, 100, 115])('%i columns: too narrow for a readable "what to do": stacked', (columns) => {
    expect(tableWidths([id32], [], columns)).toBeUndefined();
  });
  it('the finding column fits the longest id and the severity column the longest mark', () => {
    const widths = tableWidths([id32, LONG_ID], ['below --fail-on'], undefined)!;
    expect(widths[1]).toBe(LONG_ID.length + 2);
    expect(widths[0]).toBe('below --fail-on'.length + 2);
  });
});
