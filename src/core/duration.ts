// `500ms`, `10s`, `2m`, `1h` -> milliseconds. Bare numbers are refused: `10` is ambiguous.
import { ksaError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_MS = 24 * 3_600_000;

export function parseDuration(text: string, what = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw ksaError('KSA_ERR_BAD_DURATION', `${what} ${JSON.stringify(text.slice(0, 40))} is not a duration`);
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000));
  if (ms <= 0 || ms > MAX_MS) throw ksaError('KSA_ERR_BAD_DURATION', `${what} ${JSON.stringify(text)} must be more than 0 and at most 24h`);
  return ms;
}
