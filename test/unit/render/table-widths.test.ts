// The findings table fits the terminal: full width when there is room, narrowed columns (never
// below readable minimums) when there is not.
import { describe, expect, it } from 'vitest';
import { findingWidths } from '../../../src/render/table.js';

const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + w.length + 1;

describe('findingWidths', () => {
  it.each([undefined, 146, 200])('%s columns: the full 146-column table', (columns) => {
    expect(findingWidths(columns)).toEqual([10, 34, 14, 22, 60]);
  });
  it.each([145, 120, 104])('%i columns: fits exactly', (columns) => {
    expect(total(findingWidths(columns))).toBe(columns);
  });
  it('80 columns: shrinks to the minimums and no further', () => {
    expect(findingWidths(80)).toEqual([10, 32, 10, 16, 30]);
  });
});
