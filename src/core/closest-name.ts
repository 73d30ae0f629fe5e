// "Did you mean": the allowed name nearest to a misspelt one (a prefix either way, or at most two
// edits away), for unknown config keys and threshold ids.
export function closestName(name: string, allowed: Iterable<string>): string | undefined {
  const k = name.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const a of allowed) {
    const x = a.toLowerCase();
    const d = x.startsWith(k) || k.startsWith(x) ? 1 : editDistance(k, x);
    if (d <= 2 && (!best || d < best.d)) best = { name: a, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
