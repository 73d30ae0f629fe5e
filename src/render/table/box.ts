// A box-drawn table of cells that are already wrapped to their column (wrap.ts): each cell is its
// lines, possibly coloured. Drawn here rather than by cli-table3 (dropped as a dependency), which
// re-measured and truncated every pre-wrapped line and took ~75 ms per target at 200 columns.
import { displayWidth } from './wrap.js';

const ANSI = /\u001b\[[0-9;]*m/g;

export interface BoxOptions {
  /** Column widths including one space of padding on each side. */
  widths: readonly number[];
  head: readonly string[];
  /** A rule between body rows (findings, whose rows are tall) or none (categories, one line each). */
  rowRules: boolean;
}

export function box(rows: readonly (readonly string[])[][], { widths, head, rowRules }: BoxOptions): string[] {
  const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
  const lines = [rule('┌', '┬', '┐'), ...row(head.map((h) => [h]), widths), rule('├', '┼', '┤')];
  rows.forEach((cells, i) => {
    if (rowRules && i > 0) lines.push(rule('├', '┼', '┤'));
    lines.push(...row(cells, widths));
  });
  lines.push(rule('└', '┴', '┘'));
  return lines;
}

function row(cells: readonly (readonly string[])[], widths: readonly number[]): string[] {
  const height = Math.max(1, ...cells.map((c) => c.length));
  return Array.from({ length: height }, (_, i) => `│${widths.map((w, col) => pad(cells[col]?.[i] ?? '', w - 2)).join('│')}│`);
}

function pad(text: string, width: number): string {
  return ` ${text}${' '.repeat(Math.max(0, width - displayWidth(text.replace(ANSI, ''))))} `;
}
