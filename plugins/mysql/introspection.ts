// Which performance_schema digests are server introspection (monitoring tools and replicas, ksa's
// own statements among them) or account administration rather than the application's: they are
// left out of the statement lists, or a quiet server's "top statement to tune" would be ksa's own
// SHOW GLOBAL VARIABLES.
// Digest texts lose comments, so ksa's statements cannot be marked the way the PostgreSQL plugin
// marks them; the rule is on the normalised text (keywords upper case, identifiers back-quoted,
// and so are function names that are not keywords: `VERSION` ( )).

/** SQL condition over DIGEST_TEXT, true for the application's statements. */
export const APPLICATION_DIGEST_SQL = `DIGEST_TEXT NOT REGEXP '^(SHOW|SET|USE|KILL|FLUSH|GRANT|REVOKE|(CREATE|ALTER|DROP|RENAME) (USER|SYSTEM_USER|ROLE)) '
  AND DIGEST_TEXT NOT REGEXP '\`(performance_schema|information_schema|mysql|sys)\` ?[.]'
  AND NOT (DIGEST_TEXT REGEXP '^SELECT (\`?(NOW|VERSION|CURRENT_USER|CONNECTION_ID|DATABASE|USER|UNIX_TIMESTAMP)\`? [(]|@)' AND DIGEST_TEXT NOT REGEXP ' FROM ')`;

/** The same rule in words, for the evidence. */
export const INTROSPECTION_LEFT_OUT = 'left out: SHOW/SET/USE/KILL/FLUSH, account administration (GRANT, REVOKE, CREATE/ALTER/DROP/RENAME USER or ROLE), statements reading performance_schema, information_schema, mysql or sys, and FROM-less SELECTs of NOW(), VERSION(), CURRENT_USER(), CONNECTION_ID(), DATABASE(), USER(), UNIX_TIMESTAMP() or variables (monitoring tools, drivers and replicas, ksa included)';
