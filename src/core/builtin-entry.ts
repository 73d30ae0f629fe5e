// Where a built-in plugin's code is: its single-file bundle (dist/bundle/plugins/<id>.js, written
// by scripts/bundle.mjs: the plugin, the SDK and its driver in one module, which loads about twice
// as fast as the module graph) or, without a bundle (tests, a bare `tsc`), the compiled entry.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function builtinEntryPath(packageRoot: string, manifest: { id: string; entry?: string | undefined }): string {
  // A recovery plugin is data only: no code to import (its manifest is where it lives).
  if (manifest.entry === undefined) return join(packageRoot, 'manifests', `${manifest.id}.yaml`);
  const bundled = join(packageRoot, 'dist', 'bundle', 'plugins', `${manifest.id}.js`);
  return existsSync(bundled) ? bundled : resolve(packageRoot, 'dist', manifest.entry);
}
