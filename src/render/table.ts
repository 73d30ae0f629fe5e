// Human output: per target a status line, a category table and the findings sorted by severity,
// each with observed value, threshold (and its source) and the suggestion.
import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { DiagnosticResult, Finding, Report, Severity, Status } from '../core/types.js';
import type { RenderOptions } from './index.js';

const STATUS_STYLE: Record<Status, (c: ChalkInstance) => ChalkInstance> = {
  healthy: (c) => c.green,
  warning: (c) => c.yellow,
  critical: (c) => c.red.bold,
  unknown: (c) => c.magenta,
};

const SEVERITY_STYLE: Record<Severity, (c: ChalkInstance) => ChalkInstance> = {
  info: (c) => c.cyan,
  warning: (c) => c.yellow,
  critical: (c) => c.red.bold,
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** No separator lines between rows: one line per category. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/**
 * The CLI decided whether to colour (flags, NO_COLOR, FORCE_COLOR, TTY); chalk's own detection
 * only picks the depth. It must not veto: it answers 0 under any unknown CI=… even on a terminal.
 */
function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? Math.max(1, supportsColor ? supportsColor.level : 0) as 1 | 2 | 3 : 0 });
}

export function renderTable(report: Report, options: RenderOptions): string {
  const chalk = palette(options.color);
  const parts = report.results.map((r) => renderResult(chalk, r, findingWidths(options.columns), options.columns));
  if (report.results.length > 1) {
    const counts = report.results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    parts.push(`${report.results.length} targets: ${Object.entries(counts).map(([s, n]) => `${n} ${STATUS_STYLE[s as Status](chalk)(s)}`).join(', ')}; overall ${STATUS_STYLE[report.status](chalk)(report.status.toUpperCase())} (exit ${report.exitCode})\n`);
  }
  return parts.join('\n');
}

/** Column widths of the findings table: 146 columns wide, narrowed to fit a smaller terminal. */
const WIDE = [10, 34, 14, 22, 60];
export function findingWidths(columns: number | undefined): number[] {
  const borders = WIDE.length + 1;
  const total = WIDE.reduce((a, b) => a + b, 0) + borders;
  if (!columns || columns >= total) return WIDE;
  // Shrink "what to do", "threshold", "observed", and last "finding" (ids are override keys and
  // must not be cut), never below readable minimums.
  const widths = [...WIDE];
  let excess = total - columns;
  for (const [i, min] of [[4, 30], [3, 16], [2, 10], [1, 32]] as const) {
    const cut = Math.min(excess, widths[i]! - min);
    widths[i] = widths[i]! - cut;
    excess -= cut;
  }
  return widths;
}

/** The category table's note column wraps to the terminal; undefined = natural widths. */
function categoryWidths(columns: number | undefined): number[] | undefined {
  return columns ? [15, 9, 8, Math.max(30, columns - 15 - 9 - 8 - 5)] : undefined;
}

function renderResult(chalk: ChalkInstance, r: DiagnosticResult, colWidths: number[], columns: number | undefined): string {
  const lines: string[] = [];
  lines.push(`${chalk.bold(r.target.name)} (${r.target.type} via ${r.plugin.id} ${r.plugin.version}): ${STATUS_STYLE[r.status](chalk)(r.status.toUpperCase())} in ${r.durationMs} ms`);
  for (const e of r.errors) lines.push(`  ${chalk.magenta(e.code)} ${e.message}`);
  // When nothing could be evaluated the error line above says why; a table of identical
  // "not evaluated" rows would only bury it.
  const evaluated = r.categories.some((c) => !c.skipped);
  if (r.categories.length > 0 && (evaluated || r.errors.length === 0)) {
    const fit = categoryWidths(columns);
    const cats = new Table({ head: ['category', 'status', 'ms', 'note'], style: { head: [], border: [] }, chars: COMPACT, ...(fit ? { colWidths: fit, wordWrap: true } : {}) });
    for (const c of r.categories) {
      cats.push([c.name, c.skipped ? chalk.dim('skipped') : STATUS_STYLE[c.status](chalk)(c.status), c.skipped ? '' : String(c.durationMs), c.skipped ?? '']);
    }
    lines.push(cats.toString());
  }
  if (r.findings.length > 0) {
    const table = new Table({ head: ['severity', 'finding', 'observed', 'threshold', 'what to do'], style: { head: [], border: [] }, wordWrap: true, colWidths });
    const bySeverity = [...r.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    for (const f of bySeverity) table.push([SEVERITY_STYLE[f.severity](chalk)(f.severity), `${f.id}${f.node ? ` @${f.node}` : ''}\n${f.title}`, observedText(f), thresholdText(f), `${f.detail}\n→ ${f.suggestion}`]);
    lines.push(table.toString());
  } else if (r.status === 'healthy') {
    lines.push(chalk.green('  no findings'));
  }
  return `${lines.join('\n')}\n`;
}

function observedText(f: Finding): string {
  if (!f.observed) return '';
  return `${String(f.observed.value)}${f.observed.unit ? ` ${f.observed.unit}` : ''}`;
}

function thresholdText(f: Finding): string {
  if (!f.threshold) return '';
  const op = f.threshold.direction === 'above' ? '>' : '<';
  const parts = [f.threshold.warning !== null ? `warn ${op} ${f.threshold.warning}` : '', f.threshold.critical !== null ? `crit ${op} ${f.threshold.critical}` : ''].filter(Boolean);
  return `${parts.join(', ')}\n(${f.threshold.source})`;
}
