// Manifest vs code: the manifest is what ksa trusts before any code runs (categories offered,
// checks, operations, actions and whether they write), so it must say exactly what the code does.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readExternalPackage, validateManifest } from '../core/manifest-reader.js';
import type { MiddlewarePluginModule } from '../sdk/define-plugin.js';
import type { Manifest } from '../core/types.js';

/**
 * A manifest from a plugin package directory (plugin.yaml or package.json `ksa`), a plugin.yaml /
 * package.json file, or any manifest YAML/JSON file (built-in manifests/*.yaml). Validated exactly
 * as ksa's loader validates it.
 */
export function loadManifest(path: string): Manifest {
  if (existsSync(path) && statSync(path).isDirectory()) return readExternalPackage(path).manifest;
  const name = basename(path);
  if (name === 'plugin.yaml' || name === 'package.json') {
    const dir = dirname(path);
    // readExternalPackage prefers plugin.yaml; honour the file the author named.
    if (name === 'plugin.yaml' || !existsSync(join(dir, 'plugin.yaml'))) return readExternalPackage(dir).manifest;
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { ksa?: unknown };
    return validateManifest(pkg.ksa, path);
  }
  const text = readFileSync(path, 'utf8');
  return validateManifest(path.endsWith('.json') ? JSON.parse(text) : parseYaml(text), path);
}

/** Every mismatch between the manifest and the plugin module; empty when they agree. */
export function manifestProblems(module: MiddlewarePluginModule<unknown, unknown>, manifest: Manifest): string[] {
  const parts = module.parts;
  const problems: string[] = [];
  const same = (what: string, inManifest: unknown, inCode: unknown) => {
    if (inManifest !== inCode) problems.push(`${what}: manifest says ${JSON.stringify(inManifest)}, code says ${JSON.stringify(inCode)}`);
  };
  same('id', manifest.id, parts.info.id);
  same('version', manifest.version, parts.info.version);
  same('middleware', manifest.middleware, parts.info.middleware);
  if (manifest.type !== 'middleware') problems.push(`type: manifest says ${JSON.stringify(manifest.type)}, a defineMiddlewarePlugin module needs "middleware"`);
  if (module.apiVersion !== manifest.apiVersion) problems.push(`apiVersion: manifest says ${manifest.apiVersion}, the module was built for ${module.apiVersion}`);

  problems.push(...setDifference('category', manifest.categories, parts.categories, 'categories:'));

  const codeChecks = parts.checks.map((c) => c.id);
  for (const id of duplicates(codeChecks)) problems.push(`check ${id} is defined more than once in code`);
  for (const id of duplicates(manifest.checks)) problems.push(`check ${id} is listed more than once in the manifest checks:`);
  problems.push(...setDifference('check', manifest.checks, codeChecks, 'checks:'));
  for (const check of parts.checks) {
    if (!check.id.startsWith(`${manifest.middleware ?? manifest.id}.`) && !check.id.startsWith(`${manifest.id}.`)) {
      problems.push(`check ${check.id}: ids start with the middleware type (${manifest.middleware}.<category>.<name>) so findings from different plugins never collide`);
    }
  }

  // Override keys are decided from the manifest before any code runs, so it lists exactly the
  // code's numeric thresholds (state rules, fixed severity, are not overridable).
  const codeThresholds = (parts.thresholds ?? []).map((t) => t.id);
  if (manifest.thresholds === undefined) {
    if (codeThresholds.length > 0) problems.push(`thresholds: missing; list the override keys the code declares: [${codeThresholds.join(', ')}]`);
  } else {
    problems.push(...setDifference('threshold', manifest.thresholds, codeThresholds, 'thresholds:'));
  }

  const codeActions = parts.actions ?? {};
  problems.push(...setDifference('action', manifest.actions.map((a) => a.name), Object.keys(codeActions), 'actions:'));
  for (const spec of manifest.actions) {
    const def = codeActions[spec.name];
    if (def && def.mutating !== spec.mutating) {
      problems.push(`action ${spec.name}: manifest says mutating: ${spec.mutating}, code says mutating: ${def.mutating} (ksa refuses mutating actions without --allow-write based on the manifest)`);
    }
  }
  if (manifest.operations.length === 0) problems.push('operations: is empty; declare every operation the plugin sends (the guard refuses anything else)');
  if (!manifest.capabilities.includes('diagnose')) problems.push('capabilities: should include diagnose for a middleware plugin');
  return problems;
}

function setDifference(what: string, inManifest: readonly string[], inCode: readonly string[], field: string): string[] {
  const m = new Set(inManifest);
  const c = new Set(inCode);
  return [
    ...[...c].filter((x) => !m.has(x)).map((x) => `${what} ${x} is in the code but missing from the manifest ${field}`),
    ...[...m].filter((x) => !c.has(x)).map((x) => `${what} ${x} is in the manifest ${field} but not in the code`),
  ];
}

function duplicates(list: readonly string[]): string[] {
  return [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];
}
