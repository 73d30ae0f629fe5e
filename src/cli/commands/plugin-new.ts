// `ksa plugin new <name> [--dir <dir>]`: scaffold an external plugin package.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageDirectory } from '../../core/package-root.js';
import { scaffoldPlugin } from '../../scaffold/index.js';
import type { Runtime } from '../runtime.js';

export function runPluginNew(_rt: Runtime, name: string, flags: { dir?: string }): string {
  const root = packageDirectory('plugin new');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const r = scaffoldPlugin({ name, ...(flags.dir ? { dir: flags.dir } : {}), ksaRoot: root, ksaVersion: version });
  const shown = relative(process.cwd(), r.dir) || '.';
  return [
    `created ${r.id} (middleware ${r.middleware}) in ${r.dir}:`,
    ...r.files.map((f) => `  ${f}`),
    '',
    'next:',
    `  cd ${shown}`,
    '  npm install        # links this ksa as a dev dependency (file:), plus typescript and vitest',
    '  npm run build && npm test',
    `  ksa plugin validate . && ksa --plugin . diagnose ${r.middleware} 127.0.0.1:9000`,
    '',
  ].join('\n');
}
