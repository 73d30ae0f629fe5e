// A snapshot saved by `ksa diagnose --save-snapshot` (test/fixtures/<path>.json) as a contract-kit
// case's input: what collect gave, its data and its skips.
import { readFileSync } from 'node:fs';
import { repoRoot } from './services.js';

export function recordedSnapshot(path: string): { data: Record<string, unknown>; skipped: Record<string, string> } {
  const { data, skipped } = JSON.parse(readFileSync(`${repoRoot}/test/fixtures/${path}.json`, 'utf8')) as { data: Record<string, unknown>; skipped?: Record<string, string> };
  return { data, skipped: skipped ?? {} };
}
