// Two INI dialects: a plain service file ([name] then key=value, `#` comments) and the option
// files of some database clients ("Using Option Files": `#`/`;` comments, also after a value,
// quoted values with \n \t \\ \s escapes, `-` and `_` alike in names, `!include` / `!includedir`).
// Every value keeps its file and line so --explain-auth can say where it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface IniValue {
  value: string;
  file: string;
  line: number;
  /** Reading order across the file and its includes: the highest wins among sections read together. */
  seq: number;
}

/** section -> key -> value, keys in file order (a later line replaces an earlier one). */
export type IniSections = Map<string, Map<string, IniValue>>;

export interface IniDialect {
  /** Option-file rules (inline comments, quotes, `-`=`_`, !include). */
  optionFile: boolean;
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', r: '\r', s: ' ', '\\': '\\' };

function unquote(raw: string, optionFile: boolean): string {
  if (!optionFile) return raw.trim();
  let text = raw.trim();
  const quote = text[0];
  if ((quote === '"' || quote === "'") && text.lastIndexOf(quote) > 0) {
    text = text.slice(1, text.lastIndexOf(quote));
  } else {
    // `#` starts a comment in the middle of an unquoted value.
    const hash = text.indexOf('#');
    if (hash >= 0) text = text.slice(0, hash).trim();
  }
  return text.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? `\\${c}`);
}

export function parseIni(text: string, file: string, dialect: IniDialect, into: IniSections = new Map(), depth = 0, counter = { n: 0 }): IniSections {
  let section: Map<string, IniValue> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || (dialect.optionFile && line.startsWith(';'))) continue;
    if (dialect.optionFile && line.startsWith('!')) {
      includeFrom(line, file, dialect, into, depth, counter);
      continue;
    }
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      const name = header[1]!;
      section = into.get(name) ?? new Map();
      into.set(name, section);
      continue;
    }
    if (!section) continue;
    const eq = line.indexOf('=');
    const rawKey = (eq < 0 ? line : line.slice(0, eq)).trim();
    const key = dialect.optionFile ? rawKey.replace(/_/g, '-') : rawKey;
    const value = eq < 0 ? '' : unquote(line.slice(eq + 1), dialect.optionFile);
    section.delete(key);
    section.set(key, { value, file, line: i + 1, seq: counter.n++ });
  }
  return into;
}

/** `!include file` and `!includedir dir` (its *.cnf files, sorted), as the option-file readers do. */
function includeFrom(line: string, file: string, dialect: IniDialect, into: IniSections, depth: number, counter: { n: number }): void {
  const m = /^!(include|includedir)\s+(.+)$/.exec(line);
  if (!m || depth > 8) return;
  const target = resolve(dirname(file), m[2]!.trim());
  const files = m[1] === 'include' ? [target] : safeList(target).filter((f) => f.endsWith('.cnf')).sort().map((f) => join(target, f));
  for (const f of files) {
    const text = safeRead(f);
    if (text !== undefined) parseIni(text, f, dialect, into, depth + 1, counter);
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
