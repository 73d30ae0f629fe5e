// Human output. Per target: a header line with the effective verdict (and what was found when the
// gate changed it), the category table, and the findings (src/render/table/findings.ts: a table
// on a wide terminal, a block per finding on a narrow one); then the threshold sources cited as
// [n], and for a fleet the run's verdict with its exit code. On a terminal no line is wider than
// it (process.stdout.columns), and no finding id is ever cut: it is the override and baseline key.
import type { DiagnosticResult, Report, Status } from '../core/types.js';
import type { RenderOptions } from './index.js';
import { renderCategories } from './table/categories.js';
import { renderFindings } from './table/findings.js';
import { Footnotes } from './table/footnotes.js';
import { verdict } from './table/gate-marks.js';
import { palette, type Palette } from './table/style.js';
import { words, wrap, type Atom } from './table/wrap.js';

/** Prose lines (headers, notes, errors) when stdout is not a terminal. */
const NATURAL_WIDTH = 146;

interface Context { report: Report; columns: number | undefined; width: number; paint: Palette; notes: Footnotes }

export function renderTable(report: Report, options: RenderOptions): string {
  const columns = options.columns;
  const ctx: Context = { report, columns, width: columns ?? NATURAL_WIDTH, paint: palette(options.color), notes: new Footnotes() };
  const blocks = report.results.map((r) => renderResult(r, ctx));
  const closing = [...baselineLine(ctx), ...(report.results.length > 1 ? fleetSummary(ctx) : [])];
  for (const block of [ctx.notes.render(ctx.width, ctx.paint), closing]) if (block.length > 0) blocks.push(block);
  return blocks.map((lines) => `${lines.join('\n')}\n`).join('\n');
}

function renderResult(r: DiagnosticResult, ctx: Context): string[] {
  const { paint, width } = ctx;
  const v = verdict(r, ctx.report.failOn);
  const header: Atom[] = [
    { text: r.target.name, style: paint.bold },
    ...words(`(${r.target.type} via ${r.plugin.id} ${r.plugin.version}):`),
    { text: v.word, style: paint.status[r.status] },
    ...(v.why ? words(v.why) : []),
    { text: 'in' },
    { text: `${r.durationMs} ms` },
  ];
  const lines = wrap(header, width, '  ', '');
  for (const e of r.errors) lines.push(...wrap([{ text: e.code, whole: true, style: paint.error }, ...words(e.message)], width, '    ', '  '));
  // When nothing could be evaluated the error line above says why; a table of identical
  // "not evaluated" rows would only bury it.
  const evaluated = r.categories.some((c) => !c.skipped);
  if (r.categories.length > 0 && (evaluated || r.errors.length === 0)) {
    lines.push(...renderCategories(r.categories, r.findings, ctx.report.failOn, ctx.columns, paint));
  }
  if (r.findings.length > 0) lines.push(...renderFindings(r.findings, { report: ctx.report, columns: ctx.columns, paint, notes: ctx.notes }));
  else if (r.status === 'healthy') lines.push(paint.status.healthy('  no findings'));
  return lines;
}

function baselineLine({ report, width }: Context): string[] {
  if (!report.baseline) return [];
  const { file, suppressed } = report.baseline;
  return wrap(words(`baseline ${file}: ${suppressed} baselined, ${report.baseline.new ?? 0} new`), width, '  ', '');
}

/** `3 targets: 1 critical, 1 warning, 1 healthy; overall CRITICAL (exit 2); critical: a; warning: b`. */
function fleetSummary({ report, width, paint }: Context): string[] {
  const order: Status[] = ['critical', 'unknown', 'warning', 'healthy'];
  const named = (s: Status) => report.results.filter((r) => r.status === s).map((r) => r.target.name);
  const counts = order.filter((s) => named(s).length > 0).map((s) => `${named(s).length} ${s}`);
  const v = verdict({ ...report, findings: report.results.flatMap((r) => r.findings) }, report.failOn);
  // Name the targets that are not OK, worst first: a critical and an unreachable one both show.
  const groups = order.slice(0, 3).filter((s) => named(s).length > 0);
  const atoms: Atom[] = [
    ...words(`${report.results.length} targets: ${counts.join(', ')}; overall`),
    { text: v.word, style: paint.status[report.status] },
    ...(v.why ? words(v.why) : []),
    { text: `(exit ${report.exitCode})${groups.length > 0 ? ';' : ''}` },
  ];
  groups.forEach((s, g) => {
    const names = named(s);
    const last = g === groups.length - 1 ? '' : ';';
    atoms.push({ text: `${s}:`, style: paint.status[s] }, ...names.map((n, i) => ({ text: `${n}${i < names.length - 1 ? ',' : last}` })));
  });
  return wrap(atoms, width, '  ', '');
}
