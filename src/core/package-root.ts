// The ksa package root (where manifests/ and dist/ live), from this module's location, both when
// running compiled (dist/src/core) and from sources (src/core, under vitest).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'manifests')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('ksa package root not found');
    dir = up;
  }
  return (cached = dir);
}
