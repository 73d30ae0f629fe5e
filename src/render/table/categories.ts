// The category table of one target: its effective status, or `skipped` / `n/a` with the reason
// (n/a: the category does not apply to this deployment, e.g. cluster checks on a standalone server; not
// a failure), and what was found when the gate changed the status.
import type { CategoryResult, Finding, Report } from '../../core/types.js';
import { ungated } from './gate-marks.js';
import { box } from './box.js';
import type { Palette } from './style.js';
import { displayWidth, words, wrap } from './wrap.js';

const STATUS_COL = 10;
/** The note's width when stdout is not a terminal. */
const NOTE_NATURAL = 80;
const NOTE_MIN = 12;

export function renderCategories(categories: readonly CategoryResult[], findings: readonly Finding[], failOn: Report['failOn'], columns: number | undefined, paint: Palette): string[] {
  const notes = categories.map((c) => note(c, findings, failOn));
  const name = Math.max(10, ...categories.map((c) => displayWidth(c.name) + 2));
  const ms = Math.max(4, ...categories.map((c) => String(c.durationMs).length + 2));
  const natural = Math.min(NOTE_NATURAL, Math.max(NOTE_MIN, ...notes.map(displayWidth))) + 2;
  const widths = [name, STATUS_COL, ms, columns === undefined ? natural : Math.max(NOTE_MIN, columns - name - STATUS_COL - ms - 5)];
  const rows = categories.map((c, i) => {
    const idle = c.notApplicable === true || c.skipped !== undefined;
    return [
      wrap(words(c.name), widths[0]! - 2),
      [c.notApplicable ? paint.dim('n/a') : c.skipped !== undefined ? paint.dim('skipped') : paint.status[c.status](c.status)],
      idle ? [] : [String(c.durationMs)],
      wrap(words(notes[i]!), widths[3]! - 2),
    ];
  });
  return box(rows, { widths, head: ['category', 'status', 'ms', 'note'], rowRules: false });
}

function note(c: CategoryResult, findings: readonly Finding[], failOn: Report['failOn']): string {
  if (c.notApplicable || c.skipped !== undefined) return c.skipped ?? '';
  if (c.rawStatus && c.rawStatus !== c.status) return `found ${c.rawStatus}: ${ungated(findings.filter((f) => f.category === c.name), failOn)}`;
  return '';
}
