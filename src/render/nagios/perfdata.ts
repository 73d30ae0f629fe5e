// Nagios performance data per the monitoring-plugins development guidelines ("Performance data"):
//   'label'=value[UOM];[warn];[crit];[min];[max]
// The label set is the same on every run of a target whatever it finds (graphs get no gaps): the
// run's duration, every value a check judged (result.measurements, fired or not) and the plugin's
// numeric metrics. Findings are not a source: they exist only while something is wrong.
import { toUom, uomOfMetricName, type Conversion } from './uom.js';
import type { DiagnosticResult, Measurement } from '../../core/types.js';

export interface PerfItem {
  label: string;
  value: number;
  uom: Conversion['uom'];
  warn: string;
  crit: string;
  min: string;
}

/** The perfdata items of one result; `prefix` is `<target name>:` in fleets, '' for one target. */
export function perfItems(r: DiagnosticResult, prefix: string): PerfItem[] {
  const items: PerfItem[] = [{ label: 'duration', value: r.durationMs, uom: 'ms', warn: '', crit: '', min: '0' }];
  for (const m of worstPerId(r.measurements ?? [])) {
    const c = toUom(m.unit);
    items.push({ label: m.id, value: m.value * c.factor, uom: c.uom, warn: range(m.warning, m.direction, c.factor), crit: range(m.critical, m.direction, c.factor), min: '' });
  }
  for (const [name, value] of Object.entries(r.metrics)) {
    if (typeof value !== 'number') continue; // strings (version, role) are not performance data
    const c = uomOfMetricName(name);
    items.push({ label: name, value: value * c.factor, uom: c.uom, warn: '', crit: '', min: '' });
  }
  // First source wins on a clash (a metric named like a check id); a label appears once.
  const seen = new Set<string>();
  return items
    .map((i) => ({ ...i, label: `${prefix}${i.label}`.replace(/['=|]/g, '') }))
    .filter((i) => Number.isFinite(i.value) && !seen.has(i.label) && seen.add(i.label));
}

export function formatPerfItem(i: PerfItem): string {
  // Trailing unfilled fields may be dropped (guidelines); a value keeps its UOM.
  return `'${i.label}'=${[`${formatNumber(i.value)}${i.uom}`, i.warn, i.crit, i.min].join(';').replace(/;+$/, '')}`;
}

/**
 * One value per check id, so labels carry no node or endpoint: across nodes the worst one for the
 * threshold's direction (largest for `above`, smallest for `below`) with its thresholds.
 */
export function worstPerId(measurements: readonly Measurement[]): Measurement[] {
  const byId = new Map<string, Measurement>();
  for (const m of measurements) {
    const seen = byId.get(m.id);
    if (!seen || (seen.direction === 'above' ? m.value > seen.value : m.value < seen.value)) byId.set(m.id, m);
  }
  return [...byId.values()];
}

/**
 * ksa's rule as a guideline range. `below N` alerts when value < N: `N:`. `above N` alerts when
 * value > N: `N` (the guidelines' "outside 0..N"), which is the same rule for the non-negative
 * quantities ksa judges (counts, sizes, percentages, ages, durations) and the form every perfdata
 * reader parses; a negative limit (possible through an override) cannot be written as `N`, so it
 * becomes `~:N` ("above N, no lower bound").
 */
export function range(limit: number | null, direction: Measurement['direction'], factor = 1): string {
  if (limit === null) return '';
  const n = formatNumber(limit * factor);
  if (direction === 'below') return `${n}:`;
  return limit >= 0 ? n : `~:${n}`;
}

/** Plain decimal (the grammar is [-0-9.]: no exponent), at most 6 decimals, no trailing zeros. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const fixed = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}
