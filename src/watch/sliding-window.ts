// Recent samples (a latency, a lag) in a fixed-size ring: percentiles and counts over the last
// `windowMs`. Memory is bounded by `capacity` whatever the rate, so 1000 targets cost the same
// as one per window slot.
export interface WindowSummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export class SlidingWindow {
  private readonly at: Float64Array;
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;

  constructor(private readonly windowMs: number, capacity = 1024, private readonly now: () => number = Date.now) {
    this.at = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    this.at[this.next] = this.now();
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.at.length;
    this.size = Math.min(this.size + 1, this.at.length);
  }

  /** The samples still inside the window. */
  recent(): number[] {
    const since = this.now() - this.windowMs;
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.at[i]! >= since) out.push(this.values[i]!);
    return out;
  }

  summary(): WindowSummary {
    const sorted = this.recent().sort((a, b) => a - b);
    const rank = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return { count: sorted.length, p50: rank(0.5), p90: rank(0.9), p95: rank(0.95), p99: rank(0.99), max: sorted.at(-1) ?? 0 };
  }
}
