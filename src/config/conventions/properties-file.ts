// Java-style properties files, as the Java command-line tools (--command-config) and librdkafka (kcat -F) read them:
// `key=value`, `key: value` or `key value`; `#` and `!` comments; a trailing backslash continues
// the line; \t \n \r \f \\ \uXXXX escapes. Every value keeps its line for --explain-auth.

export interface PropertyValue {
  value: string;
  line: number;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ESCAPES[c] ?? c));
}

/** Splits a logical line at the first unescaped `=`, `:` or whitespace (`key = value` too). */
function splitPair(line: string): [string, string] {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') { i++; continue; }
    if (c !== '=' && c !== ':' && !/\s/.test(c)) continue;
    let rest = line.slice(i + 1).replace(/^\s+/, '');
    if (/\s/.test(c) && /^[=:]/.test(rest)) rest = rest.slice(1).replace(/^\s+/, '');
    return [line.slice(0, i), rest];
  }
  return [line, ''];
}

export function parseProperties(text: string): Map<string, PropertyValue> {
  const out = new Map<string, PropertyValue>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i]!.replace(/^\s+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const [key, value] = splitPair(logical);
    out.set(unescape(key), { value: unescape(value.replace(/\s+$/, '')), line: start + 1 });
  }
  return out;
}
