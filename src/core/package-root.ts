// The ksa package root (where manifests/ and dist/ live), from this module's location, both when
// running compiled (dist/src/core) and from sources (src/core, under vitest).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedPackage } from './embedded.js';
import { ksaError } from './errors.js';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  const embedded = embeddedPackage(); // single executable: files are embedded assets
  if (embedded) return (cached = embedded.root);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'manifests')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('ksa package root not found');
    dir = up;
  }
  return (cached = dir);
}

/** The package root as a directory on disk, for commands that hand it to npm (`plugin new`, `plugin install`): the standalone executable has none. */
export function packageDirectory(command: string): string {
  if (embeddedPackage()) {
    throw ksaError('KSA_ERR_BAD_INPUT', `\`ksa ${command}\` needs ksa installed from npm: plugins depend on its SDK on disk, and this standalone executable has none`, {
      fix: 'npm install -g @kubestack/ksa (Node >= 20) and run this command with that ksa; plugins it installs also run under this executable',
    });
  }
  return packageRoot();
}
