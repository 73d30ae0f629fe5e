// Splits a logged query text into its statements for the read-only proofs: ksa sends several
// statements in one message (MySQL multi-statements, PostgreSQL simple-query batches) and the
// servers log the message as one entry. Written apart from the SDK's tokenizer on purpose, so the
// proof does not rest on the code it checks: quotes ('' "" ``, backslash escapes), -- # and /* */
// comments, and PostgreSQL $tag$ strings are skipped; a ; outside them ends a statement.
export function splitSqlText(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  const skipQuoted = (q: string) => {
    i++;
    while (i < n) {
      if (text[i] === '\\' && q !== '`') { i += 2; continue; }
      if (text[i] === q) { if (text[i + 1] === q) { i += 2; continue; } i++; return; }
      i++;
    }
  };
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') { skipQuoted(c); continue; }
    if ((c === '-' && text[i + 1] === '-') || c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === '/' && text[i + 1] === '*') { const end = text.indexOf('*/', i + 2); i = end < 0 ? n : end + 2; continue; }
    const dollar = c === '$' ? /^\$[A-Za-z_]*\$/.exec(text.slice(i)) : null;
    if (dollar) { const end = text.indexOf(dollar[0], i + dollar[0].length); i = end < 0 ? n : end + dollar[0].length; continue; }
    if (c === ';') { out.push(text.slice(start, i)); start = i + 1; }
    i++;
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}
