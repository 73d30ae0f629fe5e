// `ksa plugin new`: writes a complete plugin package. Refuses to overwrite an existing file.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ksaError } from '../core/errors.js';
import { namesOf } from './names.js';
import { gitignore, packageJson, pluginYaml, readme, tsconfig, type ScaffoldContext } from './package-files.js';
import { collectTs, connectionCheckTs, connectTs, contractTestTs, indexTs, snapshotTs, thresholdsTs } from './source-files.js';
import { notifierContractTestTs, notifierIndexTs, notifierPackageJson, notifierPluginYaml, notifierReadme } from './notifier-files.js';

export interface ScaffoldRequest {
  name: string;
  /** Target directory (default ./<name>-diagnostics). */
  dir?: string;
  cwd?: string;
  ksaRoot: string;
  ksaVersion: string;
  /** middleware (default) or notifier (a notifier / user hook of ksa watch). */
  type?: ScaffoldType;
}

export const SCAFFOLD_TYPES = ['middleware', 'notifier'] as const;
export type ScaffoldType = (typeof SCAFFOLD_TYPES)[number];

type Files = (c: ScaffoldContext) => Record<string, string>;

/** The package files of each scaffold type. */
const FILES: Record<ScaffoldType, Files> = {
  middleware: (c) => ({
    'package.json': packageJson(c),
    'plugin.yaml': pluginYaml(c),
    'tsconfig.json': tsconfig(),
    '.gitignore': gitignore(),
    'README.md': readme(c),
    'src/index.ts': indexTs(c),
    'src/connect.ts': connectTs(c),
    'src/collect.ts': collectTs(),
    'src/snapshot.ts': snapshotTs(),
    'src/thresholds.ts': thresholdsTs(c),
    'src/checks/connection.ts': connectionCheckTs(c),
    'test/contract.test.ts': contractTestTs(c),
  }),
  notifier: (c) => ({
    'package.json': notifierPackageJson(c),
    'plugin.yaml': notifierPluginYaml(c),
    'tsconfig.json': tsconfig(),
    '.gitignore': gitignore(),
    'README.md': notifierReadme(c),
    'src/index.ts': notifierIndexTs(c),
    'test/contract.test.ts': notifierContractTestTs(),
  }),
};

export interface ScaffoldResult {
  dir: string;
  id: string;
  middleware: string;
  files: string[];
}

export function scaffoldPlugin(req: ScaffoldRequest): ScaffoldResult {
  const type = req.type ?? 'middleware';
  const names = namesOf(req.name, type);
  const dir = resolve(req.cwd ?? process.cwd(), req.dir ?? names.id);
  // Relative, so the package works in any checkout or clone of both trees side by side.
  const c: ScaffoldContext = { ...names, ksaPath: relative(dir, req.ksaRoot).split('\\').join('/') || '.', ksaVersion: req.ksaVersion };
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw ksaError('KSA_ERR_BAD_INPUT', `${dir} exists and is not empty`, { fix: 'pass --dir <new directory> or remove it' });
  }
  const files = FILES[type](c);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
  }
  return { dir, id: names.id, middleware: names.middleware, files: Object.keys(files) };
}
