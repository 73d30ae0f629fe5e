// Plugin-supplied text inside GitHub-flavoured Markdown (CommonMark + tables), where it must stay
// text: it may not end a table cell (`|`), open emphasis, code, links or images, start a line-level
// construct (a newline becomes <br>, so every line keeps the prefix we wrote), or reach the page
// as HTML (`<`, `>`, `&` become entities, which CommonMark and GitHub turn back into the text).

/** ASCII punctuation that opens an inline construct, ends a table cell or closes an ATX heading. */
const INLINE_SPECIAL = /[\\`*_[\]~|#!]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for a paragraph, heading or table cell. */
export function text(s: string): string {
  return s
    .replace(/[&<>]/g, (c) => ENTITIES[c]!)
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    .replace(/\t/g, ' ')
    .replace(/\r?\n/g, '<br>');
}

/** An id, node or code as a code span when that is safe in a table cell, else escaped text. */
export function code(s: string): string {
  return s.length > 0 && !/[`|\r\n]/.test(s) && s.trim() === s ? `\`${s}\`` : text(s);
}

/** Text inside raw HTML (a <summary> line): entities, and one line so the HTML block does not end. */
export function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/\s+/g, ' ');
}

/** A fenced code block whose fence is longer than any backtick run inside it, so nothing closes it early. */
export function fenced(body: string, info: string): string[] {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...body.split(/\r?\n/), fence];
}

/** A table row: cells are already escaped. */
export function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c || ' ').join(' | ')} |`;
}
