// The findings of one target, as a table when the terminal is wide enough for every column, else
// as a block per finding (severity and id on one line, then indented lines wrapped to the width).
// A finding id is the override and baseline key: it is never cut, in either layout.
import { countsTowardGate } from '../../cli/report.js';
import type { Finding, Report, Severity } from '../../core/types.js';
import type { Footnotes } from './footnotes.js';
import { findingMark, type Mark } from './gate-marks.js';
import { box } from './box.js';
import type { Palette } from './style.js';
import { paragraphs, words, wrap, type Atom } from './wrap.js';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Column widths (one space of padding each side included); "severity" and "finding" grow to fit marks and ids. */
const SEVERITY_COL = 10;
const OBSERVED_COL = 14;
const THRESHOLD_COL = 14;
const FINDING_MIN = 30;
/** "what to do" when stdout is not a terminal (no width to fit). */
const TODO_NATURAL = 62;
/** Narrower than this, "what to do" is a column of fragments: use the stacked layout. */
const TODO_MIN = 38;

export interface FindingsContext {
  report: Pick<Report, 'baseline'>;
  /** Terminal width; undefined when stdout is not a terminal. */
  columns: number | undefined;
  paint: Palette;
  notes: Footnotes;
}

/** The findings that decide the exit code first, then by severity. */
export function ordered(findings: readonly Finding[]): Finding[] {
  const gating = (f: Finding) => (countsTowardGate(f) ? 0 : 1);
  return [...findings].sort((a, b) => gating(a) - gating(b) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

/** Column widths of the table layout, or undefined when only the stacked one fits. */
export function tableWidths(ids: readonly string[], marks: readonly string[], columns: number | undefined): number[] | undefined {
  const severity = Math.max(SEVERITY_COL, ...marks.map((m) => m.length + 2));
  const finding = Math.max(FINDING_MIN, ...ids.map((id) => id.length + 2));
  const fixed = [severity, finding, OBSERVED_COL, THRESHOLD_COL];
  const borders = fixed.length + 2;
  const todo = columns === undefined ? TODO_NATURAL : columns - borders - fixed.reduce((a, b) => a + b, 0);
  return todo >= TODO_MIN ? [...fixed, todo] : undefined;
}

export function renderFindings(findings: readonly Finding[], ctx: FindingsContext): string[] {
  const sorted = ordered(findings);
  const marks = sorted.flatMap((f) => findingMark(f, ctx.report) ?? []);
  const widths = tableWidths(sorted.map((f) => f.id), marks, ctx.columns);
  return widths ? asTable(sorted, widths, ctx) : sorted.flatMap((f, i) => [...(i > 0 ? [''] : []), ...asBlock(f, ctx.columns!, ctx)]);
}

function asTable(findings: readonly Finding[], widths: number[], ctx: FindingsContext): string[] {
  const { paint } = ctx;
  const inner = widths.map((w) => w - 2);
  const cell = (atoms: Atom[], col: number) => wrap(atoms, inner[col]!);
  const rows: string[][][] = [];
  for (const f of findings) {
    const mark = findingMark(f, ctx.report);
    const severity = [...cell([{ text: f.severity, style: paint.severity[f.severity] }], 0), ...(mark ? [markPaint(mark, paint)(mark)] : [])];
    const finding = [...cell([{ text: f.id, whole: true }], 1), ...(f.node ? cell([{ text: `@${f.node}` }], 1) : []), ...cell(words(f.title, paint.bold), 1)];
    const threshold = [...thresholdLines(f).flatMap((t) => cell(words(t), 3)), ...(f.threshold ? [ctx.notes.ref(f.threshold.source)] : [])];
    const todo = [...paragraphs(f.detail).flatMap((p) => cell(words(p), 4)), ...wrap(words(`→ ${f.suggestion}`), inner[4]!, '  ', '')];
    rows.push([severity, finding, cell(words(observedText(f)), 2), threshold, todo]);
  }
  return box(rows, { widths, head: ['severity', 'finding', 'observed', 'threshold', 'what to do'], rowRules: true });
}

const BODY = '  ';

function asBlock(f: Finding, width: number, ctx: FindingsContext): string[] {
  const { paint } = ctx;
  const mark = findingMark(f, ctx.report);
  const head: Atom[] = [
    { text: f.severity.padEnd(8), style: paint.severity[f.severity] },
    ...(mark ? [{ text: `(${mark})`, whole: true, style: markPaint(mark, paint) }] : []),
    { text: f.id, whole: true },
    ...(f.node ? [{ text: `@${f.node}` }] : []),
  ];
  const labelled = (label: string, text: string) => wrap([{ text: `${label}:`, style: paint.dim }, ...words(text)], width, BODY + '  ', BODY);
  const threshold = [thresholdLines(f).join(', '), f.threshold ? ctx.notes.ref(f.threshold.source) : ''].filter(Boolean).join(' ');
  return [
    ...wrap(head, width, BODY, ''),
    ...wrap(words(f.title, paint.bold), width, BODY),
    ...(f.observed ? labelled('observed', observedText(f)) : []),
    ...(threshold ? labelled('threshold', threshold) : []),
    ...paragraphs(f.detail).flatMap((p) => wrap(words(p), width, BODY)),
    ...wrap(words(`→ ${f.suggestion}`), width, BODY + '  ', BODY),
  ];
}

function markPaint(mark: Mark, paint: Palette) {
  return mark === 'new' ? paint.fresh : paint.quiet;
}

function observedText(f: Finding): string {
  if (!f.observed) return '';
  return `${String(f.observed.value)}${f.observed.unit ? ` ${f.observed.unit}` : ''}`;
}

function thresholdLines(f: Finding): string[] {
  if (!f.threshold) return [];
  const op = f.threshold.direction === 'above' ? '>' : '<';
  return [f.threshold.warning !== null ? `warn ${op} ${f.threshold.warning}` : '', f.threshold.critical !== null ? `crit ${op} ${f.threshold.critical}` : ''].filter(Boolean);
}
