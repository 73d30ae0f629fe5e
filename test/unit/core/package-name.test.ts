// The name plugins import ksa by (`@kubestack/ksa/sdk`) is the name package.json publishes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '../../../src/core/versions.js';
import { repoRoot } from '../../support/services.js';

describe('package name', () => {
  it('PACKAGE_NAME is package.json\'s name, a scoped name we own (the bare `ksa` on npm is another package)', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.name).toBe(PACKAGE_NAME);
    expect(PACKAGE_NAME).toMatch(/^@[a-z0-9-]+\/ksa$/);
    expect(pkg.bin).toEqual({ ksa: 'bin/ksa.js' });
  });
});
