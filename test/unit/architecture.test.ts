// Layering rules read from the source: core never loads the sdk (the sdk builds on core and
// re-exports what both need), and plugin checks (pure, run offline by `ksa analyze`) reach no
// driver package through any chain of value imports.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const DRIVERS = ['kafkajs', 'ioredis', 'mysql2', 'pg'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Specifiers a module loads at run time: imports and re-exports that are not `type`-only, import(), require(). */
export function valueSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/\b(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g)) if (!m[2]) out.push(m[4]!);
  for (const m of code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

const isDriver = (spec: string) => DRIVERS.some((d) => spec === d || spec.startsWith(`${d}/`));

/** Every driver specifier reachable from `file` through relative value imports, with the chain that reaches it. */
function driversReachedFrom(file: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, chain: string[]) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const spec of valueSpecifiers(readFileSync(path, 'utf8'))) {
      if (isDriver(spec)) found.push(`${[...chain, relative(repo, path)].join(' -> ')} -> ${spec}`);
      else if (spec.startsWith('.')) visit(resolve(dirname(path), spec.replace(/\.js$/, '.ts')), [...chain, relative(repo, path)]);
    }
  };
  visit(file, []);
  return found;
}

describe('layers', () => {
  it('nothing in src/core imports the sdk or the testing kit (types included)', () => {
    const offenders = filesUnder(join(repo, 'src/core')).filter((f) => /from\s*['"](\.\.\/)+(sdk|testing)\//.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(repo, f))).toEqual([]);
  });

  it('the CLI, config, fleet, install and render layers do not load the sdk at run time either', () => {
    const dirs = ['src/cli', 'src/config', 'src/fleet', 'src/install', 'src/render'];
    const offenders = dirs.flatMap((d) => filesUnder(join(repo, d))).filter((f) => valueSpecifiers(readFileSync(f, 'utf8')).some((s) => /(^|\/)sdk\//.test(s)));
    expect(offenders.map((f) => relative(repo, f))).toEqual([]);
  });

  const checkFiles = readdirSync(join(repo, 'plugins')).flatMap((p) => {
    const dir = join(repo, 'plugins', p, 'checks');
    try {
      return filesUnder(dir);
    } catch {
      return [];
    }
  });

  it('there are check files for every built-in (the next test has something to look at)', () => {
    expect(new Set(checkFiles.map((f) => relative(join(repo, 'plugins'), f).split('/')[0]))).toEqual(new Set(['http', 'kafka', 'mysql', 'postgres', 'prometheus', 'redis']));
  });

  it.each(checkFiles.map((f) => relative(repo, f)))('%s reaches no driver package (kafkajs, ioredis, mysql2, pg) through its imports', (file) => {
    expect(driversReachedFrom(join(repo, file))).toEqual([]);
  });

  it('the import scanner sees what it must: value imports, require of a driver subpath, and skips type-only imports', () => {
    expect(valueSpecifiers(`import type { A } from 'kafkajs';\nimport { b } from './b.js';\nexport { c } from "./c.js";\nconst x = require('kafkajs/src/protocol/error.js');\nimport('pg');`))
      .toEqual(['./b.js', './c.js', 'kafkajs/src/protocol/error.js', 'pg']);
    expect(isDriver('mysql2/promise')).toBe(true);
    expect(isDriver('pg-protocol')).toBe(false);
  });
});
