// `ksa plugin new <name> [--dir <dir>]`: scaffold an external plugin package.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageDirectory } from '../../core/package-root.js';
import { ksaError } from '../../core/errors.js';
import { SCAFFOLD_TYPES, scaffoldPlugin, type ScaffoldType } from '../../scaffold/index.js';
import type { Runtime } from '../runtime.js';

export function runPluginNew(_rt: Runtime, name: string, flags: { dir?: string; type?: string }): string {
  const type = (flags.type ?? 'middleware') as ScaffoldType;
  if (!SCAFFOLD_TYPES.includes(type)) throw ksaError('KSA_ERR_BAD_INPUT', `--type ${JSON.stringify(flags.type)} is not one of ${SCAFFOLD_TYPES.join(', ')}`, { fix: 'use --type middleware (a diagnostics plugin) or --type notifier (a notifier / watch hook)' });
  const root = packageDirectory('plugin new');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const r = scaffoldPlugin({ name, ...(flags.dir ? { dir: flags.dir } : {}), ksaRoot: root, ksaVersion: version, type });
  const shown = relative(process.cwd(), r.dir) || '.';
  const what: Record<ScaffoldType, { kind: string; tryIt: string }> = {
    middleware: { kind: `middleware ${r.middleware}`, tryIt: `ksa plugin validate . && ksa --plugin . diagnose ${r.middleware} 127.0.0.1:9000` },
    notifier: { kind: 'notifier', tryIt: 'ksa plugin validate .   # then route to it in ksa.yaml notify: (README.md) and: ksa notify test <route>' },
  };
  return [
    `created ${r.id} (${what[type].kind}) in ${r.dir}:`,
    ...r.files.map((f) => `  ${f}`),
    '',
    'next:',
    `  cd ${shown}`,
    '  npm install        # links this ksa as a dev dependency (file:), plus typescript and vitest',
    '  npm run build && npm test',
    `  ${what[type].tryIt}`,
    '',
  ].join('\n');
}
