// Query texts go into snapshots and evidence, so literals (which may hold user data or a password
// in ALTER ROLE ... PASSWORD '...') are replaced with `?` before anything is stored.
const MAX_QUERY_CHARS = 300;

const LITERALS: ReadonlyArray<[RegExp, string]> = [
  [/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, '?'], // dollar-quoted strings
  [/[EeBbXxUu]?&?'(?:[^']|'')*'?/g, '?'], // '...' strings (also E'', B'', X'', U&''; unterminated too)
  [/(?<![\w$])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g, '?'], // numbers (not $1 placeholders)
];

/** Literals -> ?, whitespace collapsed, truncated; null stays null. */
export function redactQuery(query: string | null | undefined): string | null {
  if (query === null || query === undefined) return null;
  let out = query;
  for (const [pattern, replacement] of LITERALS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_QUERY_CHARS ? `${out.slice(0, MAX_QUERY_CHARS)}...` : out;
}
