// A plugin's metric key (`used_memory`, `connectAvgMs`, `ops_per_sec`) as a Prometheus name part,
// in base units as Prometheus conventions want them (`promtool check metrics` refuses abbreviated
// and non-base units): snake_case, [a-z0-9_] only, and a unit word the key abbreviates becomes
// the base unit, its value scaled (`connect_avg_ms` 12 -> `connect_avg_seconds` 0.012,
// `ops_per_sec` -> `ops_per_second`, `buffer_kb` 4 -> `buffer_bytes` 4096). Memoized: the keys are
// the plugins' fixed sets (bounded anyway).

export interface PluginMetricName {
  part: string;
  /** Multiply the plugin's value by this to get the named unit. */
  scale: number;
}

/** Abbreviated unit tokens -> the base unit and the factor to it. */
const UNIT_TOKENS: Readonly<Record<string, { unit: string; scale: number }>> = {
  ms: { unit: 'seconds', scale: 1e-3 }, msec: { unit: 'seconds', scale: 1e-3 }, millis: { unit: 'seconds', scale: 1e-3 }, milliseconds: { unit: 'seconds', scale: 1e-3 },
  us: { unit: 'seconds', scale: 1e-6 }, usec: { unit: 'seconds', scale: 1e-6 }, micros: { unit: 'seconds', scale: 1e-6 }, microseconds: { unit: 'seconds', scale: 1e-6 },
  ns: { unit: 'seconds', scale: 1e-9 }, nanoseconds: { unit: 'seconds', scale: 1e-9 },
  s: { unit: 'seconds', scale: 1 }, sec: { unit: 'seconds', scale: 1 }, secs: { unit: 'seconds', scale: 1 },
  kb: { unit: 'bytes', scale: 1024 }, mb: { unit: 'bytes', scale: 1024 ** 2 }, gb: { unit: 'bytes', scale: 1024 ** 3 },
};
/** After `per`, a unit is a rate's denominator: singular, and its value is not scaled (ops per second stays ops per second). */
const PER_SINGULAR: Readonly<Record<string, string>> = { seconds: 'second', bytes: 'byte' };

const MEMO = new Map<string, PluginMetricName>();
const MAX_MEMO = 10_000;

export function pluginMetricName(key: string): PluginMetricName {
  let name = MEMO.get(key);
  if (name === undefined) {
    name = convert(key);
    if (MEMO.size < MAX_MEMO) MEMO.set(key, name);
  }
  return name;
}

function convert(key: string): PluginMetricName {
  const tokens = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  let scale = 1;
  const out = tokens.map((t, i) => {
    const unit = UNIT_TOKENS[t];
    if (!unit) return t;
    if (tokens[i - 1] === 'per') return PER_SINGULAR[unit.unit] ?? unit.unit;
    scale *= unit.scale;
    return unit.unit;
  });
  return { part: out.join('_'), scale };
}
