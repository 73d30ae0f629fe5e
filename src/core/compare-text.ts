// Sorting ids, flags and names: code-unit order. String#localeCompare's first call builds ICU's
// collator, about 12 ms of start-up measured in `ksa diagnose` (bench/RESULTS.md); our keys are
// ASCII identifiers, for which both orders are the same and a stable order matters more than locale.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
