// A libpq connection URI (scheme://user:pw@host:port/dbname?key=value) -> libpq keywords
// (user, password, host, port, dbname and every query parameter, which win over the authority
// part as in libpq). The authority is read by pg-connection-string (percent-encoded socket
// directories, an empty host); the query is read here, so that parser neither opens the files
// the ssl* parameters name nor prints its sslmode warnings: the plugin reads those files itself.
import parseConnectionString from 'pg-connection-string';
import { ksaError } from '../../core/errors.js';

export function libpqUriKeywords(uri: string): Record<string, string> {
  const q = uri.indexOf('?');
  const base = q < 0 ? uri : uri.slice(0, q);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseConnectionString.parse(base) as Record<string, unknown>;
  } catch {
    // Never echo the URI: it may hold a password.
    throw ksaError('KSA_ERR_BAD_ENDPOINT', 'the connection URI cannot be parsed', { fix: 'write scheme://[user[:password]@]host[:port][/dbname][?key=value]' });
  }
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => { if (typeof v === 'string' && v !== '') out[k] = v; };
  put('user', parsed.user);
  put('password', parsed.password);
  put('host', parsed.host);
  put('port', parsed.port);
  put('dbname', parsed.database);
  if (q >= 0) new URLSearchParams(uri.slice(q + 1)).forEach((v, k) => put(k, v));
  return out;
}
