// Exponential backoff with equal jitter: each wait is in [step/2, step], the step doubles up to the cap.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/core/backoff.js';

const policy = { baseMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it.each([
    [0, 0, 0], [0, 1, 0],
    [1, 0, 50], [1, 1, 100],
    [2, 0, 100], [2, 1, 200],
    [4, 0, 400], [4, 1, 800],
    [5, 0, 500], [5, 1, 1000], // capped at maxMs
    [60, 1, 1000],
  ])('%i failures, random %f -> %i ms', (failures, random, expected) => {
    expect(backoffDelay(failures, policy, () => random)).toBe(expected);
  });
});
