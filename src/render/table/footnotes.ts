// Threshold sources are sentences ("<vendor> docs: ... (advice)"): inline they made the threshold
// column the tallest cell of every row. Findings cite them as [n]; the text is listed once per
// report below the findings (the same source cited by many targets of a fleet is one note).
import type { Palette } from './style.js';
import { displayWidth, words, wrap, type Atom } from './wrap.js';

export class Footnotes {
  private readonly numbers = new Map<string, number>();

  /** `[n]` for this source, numbered in order of first use. */
  ref(source: string): string {
    let n = this.numbers.get(source);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(source, n);
    }
    return `[${n}]`;
  }

  render(width: number, paint: Palette): string[] {
    if (this.numbers.size === 0) return [];
    const lines = [paint.bold('threshold sources:')];
    const hang = ' '.repeat(displayWidth(`[${this.numbers.size}] `));
    // A URL is never cut: broken with an indent inside it no longer opens when copied from the
    // terminal; wider than the terminal, it stands alone on its line and the terminal soft-wraps it.
    const atom = (a: Atom): Atom => (/^https?:\/\/\S+$/.test(a.text) ? { ...a, whole: true } : a);
    for (const [source, n] of this.numbers) lines.push(...wrap([{ text: `[${n}]`, whole: true }, ...words(source).map(atom)], width, hang, ''));
    return lines;
  }
}
