// Built-in plugins come from the manifest index written at build time (validated then, so
// listing plugins needs neither zod nor yaml); `requires:` ranges and dependency order are here.
import { builtinEntryPath } from './builtin-entry.js';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ksaError } from './errors.js';
import { embeddedPackage } from './embedded.js';
import type { Manifest } from './types.js';

export interface ManifestRecord {
  manifest: Manifest;
  source: 'builtin' | 'external';
  location: string;
  entryPath: string;
}

export const MANIFEST_INDEX = 'dist/manifest-index.json';

/** Built-in manifests from the build-time index, or undefined when there is none (not built). */
export function readBuiltinIndex(packageRoot: string): ManifestRecord[] | undefined {
  const file = join(packageRoot, MANIFEST_INDEX);
  const text = embeddedPackage()?.read(MANIFEST_INDEX) ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  if (text === undefined) return undefined;
  const manifests = JSON.parse(text) as Manifest[];
  const dir = join(packageRoot, 'manifests');
  return manifests.map((manifest) => ({ manifest, source: 'builtin', location: dir, entryPath: builtinEntryPath(packageRoot, manifest) }));
}

type Satisfies = (version: string, range: string) => boolean;
type ValidRange = (range: string) => string | null;
let semverFns: { satisfies: Satisfies; validRange: ValidRange } | undefined;
/**
 * manifest-reader.ts, which imports semver anyway, hands it over when it loads: every manifest
 * with `requires:` comes through it (none of the built-ins have any), so the built-in path never
 * loads semver, and in the single executable (no node_modules beside it) the bundled copy is used.
 */
export function provideSemver(fns: { satisfies: Satisfies; validRange: ValidRange }): void {
  semverFns = fns;
}
/** Fallback for a built-in manifest with `requires:` when manifest-reader was never loaded. */
function semver(): { satisfies: Satisfies; validRange: ValidRange } {
  if (!semverFns) {
    const require = createRequire(import.meta.url);
    semverFns = { satisfies: require('semver/functions/satisfies') as Satisfies, validRange: require('semver/ranges/valid') as ValidRange };
  }
  return semverFns;
}

export interface Requirement { id: string; range: string }

export function parseRequirement(text: string, file: string): Requirement {
  const m = /^\s*([a-z][a-z0-9-]*)\s*(.*)$/.exec(text);
  const range = m?.[2]?.trim() || '*';
  if (!m?.[1] || semver().validRange(range) === null) {
    throw ksaError('KSA_ERR_MANIFEST_INVALID', `${file}: requires: ${JSON.stringify(text)} is not "<plugin-id> <semver range>"`);
  }
  return { id: m[1], range };
}

/** Ids in an order where each plugin comes after everything it requires; cycles and gaps are errors. */
export function dependencyOrder(manifests: readonly Manifest[]): string[] {
  const byId = new Map(manifests.map((m) => [m.id, m]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' -> ');
      throw ksaError('KSA_ERR_DEPENDENCY_CYCLE', `plugin dependency cycle: ${cycle}`);
    }
    const manifest = byId.get(id);
    if (!manifest) return;
    state.set(id, 'visiting');
    for (const text of manifest.requires) {
      const req = parseRequirement(text, id);
      const dep = byId.get(req.id);
      if (!dep) throw ksaError('KSA_ERR_DEPENDENCY_MISSING', `plugin ${id} requires ${req.id} ${req.range}, which is not installed`);
      if (!semver().satisfies(dep.version, req.range)) {
        throw ksaError('KSA_ERR_DEPENDENCY_MISSING', `plugin ${id} requires ${req.id} ${req.range}, but ${dep.version} is installed`);
      }
      visit(req.id, [...path, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const m of manifests) visit(m.id, []);
  return order;
}
