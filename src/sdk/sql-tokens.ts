// A SQL tokenizer for the operation guard: enough of PostgreSQL's and MySQL's lexical rules that
// no code hides from it in a string, a comment or a quoted name (dollar quotes and nested comments
// in PostgreSQL; `#`, `-- ` and executable `/*! ... */` comments in MySQL; U&"..." names). Where a
// server setting changes the rules (backslash escapes in strings), the guard reads the text both
// ways and checks everything either reading finds.
export type SqlDialect = 'postgres' | 'mysql';

export type SqlTokenType = 'word' | 'name' | 'string' | 'number' | 'variable' | 'punct';

/** `word`: a bare identifier or keyword; `name`: a quoted identifier (text unquoted). */
export interface SqlToken { type: SqlTokenType; text: string }

export interface TokenizeOptions {
  dialect: SqlDialect;
  /** Backslash escapes in plain '...' strings (MySQL's default; PostgreSQL with standard_conforming_strings off). */
  backslashEscapes: boolean;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** A U&"..." token keeps its escapes until a following UESCAPE is seen. */
type RawToken = SqlToken & { unicode?: boolean };

export function tokenizeSql(sql: string, o: TokenizeOptions): SqlToken[] {
  const tokens: RawToken[] = [];
  const my = o.dialect === 'mysql';
  let i = 0;
  // MySQL runs the body of /*! ... */ (and MariaDB's /*M! ... */): inside one, `*/` just closes it.
  let inExecutableComment = false;
  const n = sql.length;

  /** Reads a quoted run from i (at the opening quote); doubled quotes escape, backslash if asked. */
  const quoted = (q: string, backslash: boolean): string => {
    let out = '';
    i++;
    while (i < n) {
      const c = sql[i]!;
      if (backslash && c === '\\' && i + 1 < n) { out += sql[i + 1]; i += 2; continue; }
      if (c === q) {
        if (sql[i + 1] === q) { out += q; i += 2; continue; }
        i++;
        return out;
      }
      out += c;
      i++;
    }
    return out; // unterminated: the server refuses the statement; nothing after it runs
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-' && (!my || i + 2 >= n || /[\s\u0000-\u001f]/.test(sql[i + 2]!))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (my && c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '*' && next === '/' && inExecutableComment) { inExecutableComment = false; i += 2; continue; }
    if (c === '/' && next === '*') {
      const executable = my ? /^\/\*(M?!)(\d{5,6})?/.exec(sql.slice(i, i + 11)) : null;
      if (executable && executable[1]) {
        inExecutableComment = true;
        i += executable[0].length;
        continue;
      }
      i += 2;
      let depth = 1;
      while (i < n && depth > 0) {
        if (sql[i] === '*' && sql[i + 1] === '/') { depth--; i += 2; continue; }
        // PostgreSQL nests block comments; MySQL ends at the first */.
        if (!my && sql[i] === '/' && sql[i + 1] === '*') { depth++; i += 2; continue; }
        i++;
      }
      continue;
    }
    if (c === "'") { tokens.push({ type: 'string', text: quoted("'", o.backslashEscapes) }); continue; }
    if (c === '"') {
      // MySQL: a string (or a name under ANSI_QUOTES): kept as a name so a guarded function in it is still seen.
      tokens.push({ type: 'name', text: quoted('"', my && o.backslashEscapes) });
      continue;
    }
    if (my && c === '`') { tokens.push({ type: 'name', text: quoted('`', false) }); continue; }
    if (!my && (c === 'E' || c === 'e') && next === "'") { i++; tokens.push({ type: 'string', text: quoted("'", true) }); continue; }
    if (!my && (c === 'U' || c === 'u') && next === '&' && (sql[i + 2] === '"' || sql[i + 2] === "'")) {
      i += 2;
      const q = sql[i]!;
      const raw = quoted(q, false);
      tokens.push({ type: q === '"' ? 'name' : 'string', text: raw, unicode: true });
      continue;
    }
    if (!my && c === '$') {
      if (next !== undefined && /\d/.test(next)) {
        let j = i + 1;
        while (j < n && /\d/.test(sql[j]!)) j++;
        tokens.push({ type: 'variable', text: sql.slice(i, j) });
        i = j;
        continue;
      }
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 66));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? n : end;
        tokens.push({ type: 'string', text: sql.slice(i + tag[0].length, stop) });
        i = end < 0 ? n : end + tag[0].length;
        continue;
      }
    }
    if (my && c === '@') {
      let j = i;
      while (sql[j] === '@') j++;
      if (sql[j] === '`' || sql[j] === "'" || sql[j] === '"') {
        const prefix = sql.slice(i, j);
        i = j;
        tokens.push({ type: 'variable', text: `${prefix}${quoted(sql[j]!, sql[j] !== '`' && o.backslashEscapes).toLowerCase()}` });
        continue;
      }
      while (j < n && (WORD_CHAR.test(sql[j]!) || sql[j] === '.')) j++;
      tokens.push({ type: 'variable', text: sql.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.$]/.test(sql[j]!)) j++;
      const text = sql.slice(i, j);
      // MySQL names may start with a digit (`1abc`); PostgreSQL reads 1abc as a number then a name.
      tokens.push({ type: my && /[A-Za-z_$]/.test(text) && !/^(0x[0-9a-f]+|0b[01]+|[0-9.]+e[0-9]*)$/i.test(text) ? 'word' : 'number', text });
      i = j;
      continue;
    }
    if (WORD_START.test(c) || (my && c === '$')) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(sql[j]!)) j++;
      tokens.push({ type: 'word', text: sql.slice(i, j) });
      i = j;
      continue;
    }
    tokens.push({ type: 'punct', text: c });
    i++;
  }
  return decodeUnicodeNames(tokens);
}

/** U&"d\0061t\+000061" -> "data"; a following UESCAPE '!' changes the escape character. */
function decodeUnicodeNames(tokens: RawToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!t.unicode) { out.push(t); continue; }
    let escape = '\\';
    if (tokens[k + 1]?.type === 'word' && tokens[k + 1]!.text.toUpperCase() === 'UESCAPE' && tokens[k + 2]?.type === 'string') {
      escape = tokens[k + 2]!.text[0] ?? '\\';
      k += 2;
    }
    out.push({ type: t.type, text: decodeUnicodeEscapes(t.text, escape) });
  }
  return out;
}

function decodeUnicodeEscapes(text: string, escape: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== escape) { out += text[i]; continue; }
    if (text[i + 1] === escape) { out += escape; i++; continue; }
    const long = text[i + 1] === '+';
    const hex = long ? text.slice(i + 2, i + 8) : text.slice(i + 1, i + 5);
    if (/^[0-9A-Fa-f]+$/.test(hex) && hex.length === (long ? 6 : 4)) {
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += long ? 7 : 4;
    } else {
      out += text[i];
    }
  }
  return out;
}
