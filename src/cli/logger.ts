// The CLI's logger: stderr only (stdout is for the report), level-filtered, secrets redacted.
import { redactSecrets } from '../core/redact.js';
import type { Logger, LogLevel } from '../core/types.js';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface CliLogger extends Logger {
  readonly level: LogLevel;
  addSecret(secret: string): void;
}

export function createCliLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): CliLogger {
  const secrets: string[] = [];
  const at = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] > RANK[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${redactSecrets(`ksa ${lvl}: ${message}${extra}`, secrets)}\n`);
  };
  return {
    level,
    addSecret: (s) => { if (s) secrets.push(s); },
    error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'),
  };
}
