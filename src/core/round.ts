// The one rounding rule for reported numbers (observed values, durations, latencies). The sdk
// re-exports it for plugin authors, so a plugin's evidence is rounded like ksa's own numbers.

/** Observed values and durations are reported to two decimals; integers (byte counts) as they are. */
export function roundToHundredths(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
}
