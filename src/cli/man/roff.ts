// Just enough roff (man(7) macros) for ksa.1: escaping and the few macros the page uses.

/** Text in a roff line: backslashes escaped, hyphens kept as hyphens, no line starting a request. */
export function text(s: string): string {
  const escaped = s.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

export const bold = (s: string): string => `\\fB${text(s)}\\fR`;
export const italic = (s: string): string => `\\fI${text(s)}\\fR`;

/** A flag or usage line: names bold, <placeholders> and [optional] parts italic. */
export function usage(s: string): string {
  return s.split(/(<[^>]+>|\[[^\]]+\])/)
    .map((part) => (/^[<[]/.test(part) ? italic(part) : part.replace(/\S+(?:\s+\S+)*/, (words) => bold(words))))
    .join('');
}

export const section = (title: string): string => `.SH ${title}`;
export const subsection = (title: string): string => `.SS ${title.includes(' ') ? `"${title.replace(/"/g, '\\(dq')}"` : title}`;

/** A tagged paragraph: `term` on its own line, `body` indented below it. */
export const tagged = (term: string, body: string): string => `.TP\n${term}\n${text(body)}`;

export const paragraph = (body: string): string => `.PP\n${text(body)}`;

/** An example: what it does, then the command line as it is (indented, not filled). */
export const example = (what: string, command: string): string => `.PP\n${text(what)}\n.RS 4\n.nf\n${text(command)}\n.fi\n.RE`;
