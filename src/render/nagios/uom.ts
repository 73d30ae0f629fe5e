// Units of measurement for perfdata: only the guidelines' set (s, ms, us, %, B, KB, MB, TB, c, or
// none). A unit outside it is converted (hours -> s, GB -> B) rather than dropped; a unit with no
// guideline equivalent (ratio, keys, errors, ops/s...) gives a bare number, never a made-up UOM.
export type Uom = '' | 's' | 'ms' | 'us' | '%' | 'B' | 'KB' | 'MB' | 'TB' | 'c';

/** Multiply the value (and its thresholds) by `factor` to express it in `uom`. */
export interface Conversion { uom: Uom; factor: number }

const as = (uom: Uom, factor = 1): Conversion => ({ uom, factor });
const NONE = as('');
// Byte multiples are binary (the sizes servers report are); everything becomes B so no
// reader has to guess whether a KB is 1000 or 1024.
const KIB = 1024;

/** A check's unit, keyed by its first word lowercased (`% of backlog` -> `%`, `s ago` -> `s`). */
const UNIT_WORDS: Readonly<Record<string, Conversion>> = {
  '%': as('%'), percent: as('%'), pct: as('%'),
  us: as('us'), 'µs': as('us'), ms: as('ms'),
  s: as('s'), sec: as('s'), secs: as('s'), second: as('s'), seconds: as('s'),
  min: as('s', 60), minutes: as('s', 60), h: as('s', 3600), hours: as('s', 3600), d: as('s', 86_400), days: as('s', 86_400),
  b: as('B'), byte: as('B'), bytes: as('B'),
  kb: as('B', KIB), kib: as('B', KIB), mb: as('B', KIB ** 2), mib: as('B', KIB ** 2),
  gb: as('B', KIB ** 3), gib: as('B', KIB ** 3), tb: as('B', KIB ** 4), tib: as('B', KIB ** 4),
  c: as('c'), counter: as('c'),
};

/** The guideline UOM of a check's unit (Measurement.unit). */
export function toUom(unit: string): Conversion {
  const word = unit.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return Object.hasOwn(UNIT_WORDS, word) ? UNIT_WORDS[word]! : NONE;
}

/**
 * Metrics carry no unit, so it is read from the name's last word (Prometheus naming): `_total` is
 * a counter (c), `_seconds` s, `_ms` ms, `_us` us, `_pct`/`_percent` %, `_bytes` B. Trailing
 * aggregate words are skipped (`replication_lag_seconds_max` is in s) and a `{label="..."}` part
 * is ignored. Any other name (used_memory, keys, questions_per_second) has no UOM.
 */
const METRIC_WORDS: Readonly<Record<string, Conversion>> = {
  total: as('c'), seconds: as('s'), ms: as('ms'), us: as('us'), pct: as('%'), percent: as('%'), bytes: as('B'),
};
const AGGREGATE_WORDS = new Set(['max', 'min', 'avg', 'mean', 'sum']);

export function uomOfMetricName(name: string): Conversion {
  const words = name.replace(/\{.*\}$/, '').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  while (words.length > 1 && AGGREGATE_WORDS.has(words[words.length - 1]!)) words.pop();
  const last = words[words.length - 1] ?? '';
  return Object.hasOwn(METRIC_WORDS, last) ? METRIC_WORDS[last]! : NONE;
}
