// Statement text from the process list, INNODB_TRX or SHOW ENGINE INNODB STATUS carries the
// literal values a client sent (user data): findings show it with literals replaced by `?`, the
// way performance_schema digests do. Identifiers (`quoted` or bare, e.g. t1) are kept.

const LITERALS: ReadonlyArray<[RegExp, string]> = [
  [/\b[xX]'[0-9a-fA-F]*'/g, '?'],
  [/'(?:[^'\\]|\\.|'')*'/g, '?'],
  [/"(?:[^"\\]|\\.|"")*"/g, '?'],
  [/\b0x[0-9a-fA-F]+\b/g, '?'],
  [/(?<![\w.`])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b/g, '?'],
];

const MAX_LENGTH = 500;

export function redactStatement(sql: string | null | undefined): string | null {
  if (sql === null || sql === undefined) return null;
  let out = sql;
  for (const [pattern, replacement] of LITERALS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}...` : out;
}

/**
 * Server error text (Last_SQL_Error, ...) quotes the failing statement and the offending values:
 * `Duplicate entry '42-x' for key 'PRIMARY'`, `Query: 'CREATE USER ... IDENTIFIED BY 'pw''`. Keep
 * the error, drop the values: passwords become ***, the quoted statement and entries are redacted.
 */
export function redactErrorText(text: string): string {
  let out = text.replace(/(IDENTIFIED\s+(?:VIA|WITH)?\s*\w*\s*(?:BY|AS|USING)\s+(?:PASSWORD\s*\(\s*)?)'(?:[^'\\]|\\.|'')*'/gi, "$1'***'");
  out = out.replace(/Duplicate entry '.*?' for key/g, "Duplicate entry '?' for key");
  const query = /Query: '([\s\S]*)'\s*$/.exec(out);
  if (query?.[1] !== undefined) out = `${out.slice(0, query.index)}Query: '${redactStatement(query[1])}'`;
  return out;
}
