// Issue 12: did-you-mean everywhere (flags, commands, types, config keys, plugin options, actions,
// thresholds) comes from the one helper, src/core/closest-name.ts, not from copies. Any source file
// that words a "did you mean" suggestion must take the candidate from closestName, and no other
// file may carry its own edit-distance code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/services.js';

const HELPER = 'src/core/closest-name.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [relative(repoRoot, path)] : [];
  });
}
const files = ['src', 'plugins'].flatMap((d) => sourceFiles(join(repoRoot, d)));
const text = (f: string) => readFileSync(join(repoRoot, f), 'utf8');

describe('one did-you-mean helper', () => {
  it('the helper exists and computes the distance', () => {
    expect(files).toContain(HELPER);
    expect(text(HELPER)).toMatch(/export function closestName/);
  });

  it('every file that suggests "did you mean" uses closestName', () => {
    const suggesting = files.filter((f) => f !== HELPER && /did you mean/i.test(text(f)));
    expect(suggesting.length).toBeGreaterThan(5);
    expect(suggesting.filter((f) => !/\bclosestName\b/.test(text(f)))).toEqual([]);
  });

  it('no other file carries edit-distance code', () => {
    const copies = files.filter((f) => f !== HELPER && /levenshtein|damerau|edit[ -]?distance|editDistance/i.test(text(f)));
    expect(copies).toEqual([]);
  });
});
