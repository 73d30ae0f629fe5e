// The password file format of libpq ("The Password File"): host:port:database:user:password per
// line, `*` matches anything in the first four fields, `\` escapes `:` and `\`, lines starting with
// `#` are comments, and the first matching line wins. A `localhost` line also matches a Unix-socket
// connection (to one of the client's default socket directories).

export interface PasswordLookup {
  /** A host name, or the socket directory when `socket` is true. */
  host: string;
  port: number;
  database: string;
  user: string;
  socket: boolean;
}

export interface PasswordLine {
  password: string;
  /** 1-based line number of the match, for --explain-auth. */
  line: number;
}

/** Splits one line on unescaped colons, removing the escapes (libpq's pwdfMatchesString rules). */
export function splitPasswordLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i]!;
    } else if (c === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}

export function findPassword(text: string, want: PasswordLookup, localSockets: readonly string[] = []): PasswordLine | undefined {
  const lines = text.split(/\r?\n/);
  const hostMatches = (entry: string): boolean => entry === '*' || entry === want.host
    || (entry === 'localhost' && want.socket && (localSockets.length === 0 || localSockets.includes(want.host.replace(/\/+$/, ''))));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitPasswordLine(line);
    if (fields.length !== 5) continue;
    const [host, port, database, user, password] = fields as [string, string, string, string, string];
    const matches = hostMatches(host)
      && (port === '*' || port === String(want.port))
      && (database === '*' || database === want.database)
      && (user === '*' || user === want.user);
    if (matches) return { password, line: i + 1 };
  }
  return undefined;
}
