// The CLI's logger: level-filtered, secrets redacted, one line per message. Text on stderr for a
// one-shot command (stdout is for the report); JSON lines (`{"time","level","msg",...fields}`) for
// the long-running watcher, to stderr or a rotated file (src/watch/rotating-file.ts).
import { redactSecrets } from '../core/redact.js';
import type { Logger, LogLevel } from '../core/types.js';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface CliLogger extends Logger {
  readonly level: LogLevel;
  addSecret(secret: string): void;
  /** The secrets learnt so far: the audit log redacts with the same list. */
  secrets(): readonly string[];
}

const FORMAT: Record<LogFormat, (lvl: LogLevel, message: string, fields: Record<string, unknown> | undefined, now: Date) => string> = {
  text: (lvl, message, fields) => `ksa ${lvl}: ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`,
  // Fields first so they can never overwrite time, level or msg.
  json: (lvl, message, fields, now) => JSON.stringify({ ...fields, time: now.toISOString(), level: lvl, msg: message }),
};

export function createCliLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l), format: LogFormat = 'text'): CliLogger {
  const secrets: string[] = [];
  const at = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] > RANK[level]) return;
    write(`${redactSecrets(FORMAT[format](lvl, message, fields, new Date()), format === 'json' ? secrets.map((s) => JSON.stringify(s).slice(1, -1)) : secrets)}\n`);
  };
  return {
    level,
    addSecret: (s) => { if (s && !secrets.includes(s)) secrets.push(s); },
    secrets: () => secrets,
    error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'),
  };
}
