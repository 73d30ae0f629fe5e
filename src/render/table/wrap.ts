// Word wrapping to a terminal width. Text is laid out as atoms: a prose word may be cut when it is
// wider than a whole line, a `whole` atom (a finding id: the override and baseline key) never is.
// Colour is applied per atom after layout, so widths are measured on plain text.
import stringWidth from 'string-width';

export interface Atom {
  text: string;
  /** Never cut (finding ids, target markers); rather overflow a line narrower than the atom. */
  whole?: boolean;
  style?: (s: string) => string;
}

/** Columns a plain string takes on a terminal (wide CJK and emoji 2, combining marks 0). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Prose as breakable atoms (tabs and runs of spaces collapse; see `paragraphs` for newlines). */
export function words(text: string, style?: (s: string) => string): Atom[] {
  return text.split(/\s+/).filter(Boolean).map((w) => (style ? { text: w, style } : { text: w }));
}

/** Plugin text may hold newlines (printable.ts keeps them): each line is wrapped on its own. */
export function paragraphs(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Cuts a breakable atom into pieces of at most `width` columns. */
function cut(atom: Atom, width: number): Atom[] {
  const pieces: Atom[] = [];
  let piece = '';
  for (const ch of atom.text) {
    if (piece !== '' && displayWidth(piece + ch) > width) {
      pieces.push({ ...atom, text: piece });
      piece = '';
    }
    piece += ch;
  }
  if (piece !== '') pieces.push({ ...atom, text: piece });
  return pieces;
}

interface Line { atoms: Atom[]; width: number; indent: string }

/**
 * Lines of at most `width` columns; the first starts with `first`, the others with `indent`.
 * A whole atom that does not fit after the indent starts its line at column 0, so an id up to the
 * full width stays on one line; only an atom wider than the terminal itself can overflow.
 */
export function wrap(atoms: readonly Atom[], width: number, indent = '', first = indent): string[] {
  const lines: Line[] = [];
  let line: Line = { atoms: [], width: displayWidth(first), indent: first };
  const newLine = () => {
    lines.push(line);
    line = { atoms: [], width: displayWidth(indent), indent };
  };
  const queue = [...atoms];
  while (queue.length > 0) {
    const atom = queue.shift()!;
    const w = displayWidth(atom.text);
    const gap = line.atoms.length > 0 ? 1 : 0;
    if (line.width + gap + w <= width) {
      line.atoms.push(atom);
      line.width += gap + w;
    } else if (line.atoms.length > 0) {
      newLine();
      queue.unshift(atom);
    } else if (atom.whole) {
      if (w <= width) line.indent = '';
      line.atoms.push(atom);
      line.width = displayWidth(line.indent) + w;
      newLine();
    } else {
      queue.unshift(...cut(atom, Math.max(1, width - line.width)));
      const piece = queue.shift()!;
      line.atoms.push(piece);
      line.width += displayWidth(piece.text);
    }
  }
  if (line.atoms.length > 0) lines.push(line);
  return lines.map((l) => l.indent + l.atoms.map((a) => (a.style ? a.style(a.text) : a.text)).join(' '));
}
