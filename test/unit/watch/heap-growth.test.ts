import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from '../../../src/watch/heap-growth.js';

describe('boundHeapGrowth', () => {
  it('leaves the flag to the user who gave it to node', () => {
    expect(boundHeapGrowth(['--heap-growing-percent=50'])).toBe(false);
    expect(boundHeapGrowth(['--max-old-space-size=512', '--heap_growing_percent=0'])).toBe(false);
  });

  it('sets it otherwise (its effect is measured by bench/watch-fleet.sh, not here)', () => {
    expect(boundHeapGrowth(['--max-old-space-size=512'])).toBe(true);
  });
});
