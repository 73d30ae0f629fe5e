// What a SQL text does, as operations the guard checks against the manifest: one statement kind
// per statement (`SELECT`, `SHOW GLOBAL STATUS`, `SET SESSION MAX_STATEMENT_TIME`, `KILL`), plus
// `FUNCTION <name>` for every guarded function it names (pg_terminate_backend, GET_LOCK, ...),
// however it is spelled (any case, schema-qualified, quoted, in a MySQL executable comment).
import { guardedFunction } from '../core/sql-function-policy.js';
import { tokenizeSql, type SqlDialect, type SqlToken } from './sql-tokens.js';

/** Every operation `sql` performs, read both with and without backslash escapes in strings. */
export function sqlOperationsOf(sql: string, dialect: SqlDialect): string[] {
  const ops = new Set<string>();
  for (const backslashEscapes of [false, true]) {
    for (const statement of splitStatements(tokenizeSql(sql, { dialect, backslashEscapes }))) {
      for (const op of statementOperations(statement, dialect)) ops.add(op);
    }
  }
  return [...ops];
}

/**
 * How many statements `sql` holds (every ; counts, an empty statement too), read without and with
 * backslash escapes. The two differ when a quote is escaped with a backslash: the guard then
 * cannot know where the server splits, and a multi-statement batch is refused (guard.batchSql).
 */
export function sqlStatementCounts(sql: string, dialect: SqlDialect): [number, number] {
  const count = (backslashEscapes: boolean) => {
    const tokens = tokenizeSql(sql, { dialect, backslashEscapes });
    return tokens.length === 0 ? 0 : 1 + tokens.filter((t) => t.type === 'punct' && t.text === ';').length;
  };
  return [count(false), count(true)];
}

function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const out: SqlToken[][] = [[]];
  for (const t of tokens) {
    if (t.type === 'punct' && t.text === ';') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

const word = (t: SqlToken | undefined): string | undefined => (t?.type === 'word' ? t.text.toUpperCase() : undefined);

/** The bare words a statement starts with, up to the first other token or a stop word. */
function leadingWords(tokens: SqlToken[], from: number, stop: ReadonlySet<string> = new Set()): string[] {
  const words: string[] = [];
  for (let k = from; k < tokens.length; k++) {
    const w = word(tokens[k]);
    if (w === undefined || stop.has(w)) break;
    words.push(w);
  }
  return words;
}

const SHOW_STOP = new Set(['LIKE', 'WHERE', 'FROM', 'IN', 'FOR', 'LIMIT']);
const SELECT_KINDS = new Set(['SELECT', 'WITH']);
/** Writes that can hide inside another statement (PostgreSQL's writable CTEs, EXPLAIN ANALYZE). */
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function statementOperations(t: SqlToken[], dialect: SqlDialect): string[] {
  let k = 0;
  while (t[k]?.type === 'punct' && t[k]!.text === '(') k++;
  const first = word(t[k]);
  const ops: string[] = [];
  let kind: string;
  if (first === undefined) kind = `STATEMENT ${t[k]?.text ?? ''}`.trim();
  else if (SELECT_KINDS.has(first)) kind = 'SELECT';
  else if (first === 'SHOW') kind = leadingWords(t, k, SHOW_STOP).join(' ');
  else if (first === 'EXPLAIN' || first === 'DESCRIBE' || first === 'DESC') kind = t.some((x) => word(x) === 'ANALYZE') ? 'EXPLAIN ANALYZE' : 'EXPLAIN';
  else if (first === 'SET') kind = '';
  else kind = leadingWords(t, k).join(' ');
  if (first === 'SET') ops.push(...setOperations(t, k + 1, dialect));
  else ops.push(kind);

  for (let i = 0; i < t.length; i++) {
    const w = word(t[i]);
    const before = word(t[i - 1]);
    if (kind === 'SELECT' && w === 'INTO') ops.push('SELECT INTO');
    if (kind === 'SELECT' && before === 'FOR' && (w === 'UPDATE' || w === 'NO')) ops.push('SELECT FOR UPDATE');
    if (kind === 'SELECT' && ((before === 'FOR' && (w === 'SHARE' || w === 'KEY')) || (before === 'LOCK' && w === 'IN'))) ops.push('SELECT FOR SHARE');
    if (w !== undefined && DML.has(w) && i !== k && before !== 'FOR' && before !== 'ON' && before !== 'KEY') ops.push(w);
    // MariaDB's sequence syntax: NEXT VALUE FOR s is nextval(s).
    if (w === 'NEXT' && word(t[i + 1]) === 'VALUE' && word(t[i + 2]) === 'FOR') ops.push('FUNCTION nextval');
    const token = t[i]!;
    if (token.type === 'word' || token.type === 'name') {
      const rule = guardedFunction(token.text);
      if (rule) ops.push(`FUNCTION ${rule.name}`);
    }
  }
  return ops;
}

const SCOPES = new Set(['GLOBAL', 'SESSION', 'LOCAL', 'PERSIST', 'PERSIST_ONLY']);
/** SET forms that are not variable assignments: the kind is their words (`SET NAMES`, `SET PASSWORD`). */
const SET_FORMS = new Set(['TRANSACTION', 'NAMES', 'CHARACTER', 'CHARSET', 'PASSWORD', 'ROLE', 'DEFAULT', 'RESOURCE', 'CONSTRAINTS', 'TIME', 'SCHEMA', 'AUTHORIZATION', 'CHARACTERISTICS']);

/**
 * One operation per assignment: `SET GLOBAL a = 1, SESSION b = 2` -> SET GLOBAL A, SET SESSION B;
 * `SET @@global.a = 1` -> SET GLOBAL A; an unscoped assignment takes the scope before it (SESSION
 * at first), so a scope is never lost to a comma.
 */
function setOperations(t: SqlToken[], from: number, dialect: SqlDialect): string[] {
  const scopeOf = (w: string) => (dialect === 'mysql' && w === 'LOCAL' ? 'SESSION' : w);
  const firstWord = word(t[from]);
  const afterScope = firstWord !== undefined && SCOPES.has(firstWord) ? word(t[from + 1]) : firstWord;
  if (afterScope !== undefined && SET_FORMS.has(afterScope)) {
    // Transaction characteristics are all words (`SET SESSION TRANSACTION READ ONLY`); the others stop at their argument.
    const whole = afterScope === 'TRANSACTION' || afterScope === 'CHARACTERISTICS';
    const words = whole ? t.slice(from).filter((x) => x.type === 'word').map((x) => x.text.toUpperCase()) : leadingWords(t, from);
    return [['SET', ...words].join(' ')];
  }
  const ops: string[] = [];
  let scope = 'SESSION';
  let depth = 0;
  let expectName = true;
  for (let i = from; i < t.length; i++) {
    const x = t[i]!;
    if (x.type === 'punct' && (x.text === '(' || x.text === ')')) depth += x.text === '(' ? 1 : -1;
    if (x.type === 'punct' && x.text === ',' && depth === 0) { expectName = true; continue; }
    if (!expectName) continue;
    const w = word(x);
    if (w !== undefined && SCOPES.has(w)) { scope = scopeOf(w); continue; }
    expectName = false;
    if (x.type === 'variable' && x.text.startsWith('@@')) {
      const [head, ...rest] = x.text.slice(2).split('.');
      const scoped = rest.length > 0 && SCOPES.has(head!.toUpperCase());
      ops.push(`SET ${scoped ? scopeOf(head!.toUpperCase()) : 'SESSION'} ${(scoped ? rest.join('.') : x.text.slice(2)).toUpperCase()}`);
    } else if (x.type === 'variable') {
      ops.push(`SET ${x.text.toUpperCase()}`);
    } else {
      let name = x.text;
      while (t[i + 1]?.text === '.' && t[i + 2] !== undefined) { name += `.${t[i + 2]!.text}`; i += 2; }
      ops.push(`SET ${scope} ${name.toUpperCase()}`);
    }
  }
  return ops.length > 0 ? ops : ['SET'];
}
