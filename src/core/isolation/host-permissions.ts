// What a sandboxed external plugin host may read: the plugin's own package and the node_modules
// its imports resolve through, ksa's host runtime (the compiled host, the SDK and their
// dependencies), and what the manifest declares in `permissions.fsRead` with its references
// (`${config.caFile}`, `${tls.caFile}`, ...) resolved against the configured values. Nothing is
// ever writable. The same list feeds both layers: Node's --allow-fs-read and bubblewrap's mounts.
import { existsSync, readdirSync, readFileSync, realpathSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { FS_READ_REFERENCE } from '../schemas.js';
import { PACKAGE_NAME as ksaPackageName } from '../versions.js';
import type { Manifest, MiddlewareTarget, PluginType } from '../types.js';

/** Needs every host of a plugin type has, before its manifest's declarations (docs/PLUGINS.md "Permissions"). */
export interface TypeNeeds {
  /** Sockets to anywhere (a middleware plugin must reach its servers; Node cannot restrict hosts). */
  network: boolean;
}

/**
 * One table for every plugin type, so a new type states its needs here and reuses the whole
 * mechanism (issues 17/18: a notifier gets `network: true` and no files; a recovery plugin gets
 * no extra reads and asks ksa's engine to run the program it declares).
 */
export const TYPE_NEEDS: Record<PluginType, TypeNeeds> = {
  middleware: { network: true },
  exporter: { network: true },
  analyzer: { network: true },
  recovery: { network: false },
  // Notifiers (and user hooks) reach their receivers: network, no reads beyond their package.
  notifier: { network: true },
};

export interface HostPolicy {
  /** Absolute paths (files or directories) the host may read; everything else is refused. */
  readPaths: string[];
  network: boolean;
  /** Declared entries whose reference has no value configured (nothing is granted for them). */
  unset: string[];
}

export interface PolicyInput {
  manifest: Manifest;
  /** The plugin package's directory (RegistryEntry.location). */
  pluginDir: string;
  /** ksa's package root (dist/, package.json, node_modules). */
  ksaRoot: string;
  /** plugins.<id>.config as checked. */
  config: Record<string, unknown>;
  /** The target of the call the host serves, when there is one (a host per call). */
  target?: MiddlewareTarget;
  home?: string;
}

export function hostPolicy(input: PolicyInput): HostPolicy {
  const declared = resolveDeclared(input.manifest.permissions?.fsRead ?? [], input);
  const paths = [
    ...packagePaths(input.pluginDir),
    ...ksaRuntimePaths(input.ksaRoot),
    ...declared.paths,
  ];
  return { readPaths: dedupe(paths), network: TYPE_NEEDS[input.manifest.type].network, unset: declared.unset };
}

/** The declared reads with references replaced by configured values; an unset reference grants nothing. */
export function resolveDeclared(entries: readonly string[], input: Pick<PolicyInput, 'config' | 'target' | 'home'>): { paths: string[]; unset: string[] } {
  const paths: string[] = [];
  const unset: string[] = [];
  const home = input.home ?? homedir();
  for (const entry of entries) {
    const value = FS_READ_REFERENCE.test(entry) ? referenceValue(entry.slice(2, -1), input) : entry;
    if (typeof value !== 'string' || value === '') {
      unset.push(entry);
      continue;
    }
    const expanded = value.startsWith('~/') ? join(home, value.slice(2)) : value;
    paths.push(...withRealPath(resolve(expanded)));
  }
  return { paths, unset };
}

const REFERENCES: Record<'config' | 'option' | 'tls', (key: string, input: Pick<PolicyInput, 'config' | 'target'>) => unknown> = {
  config: (key, input) => input.config[key],
  option: (key, input) => input.target?.options[key],
  tls: (key, input) => (input.target?.tls as Record<string, unknown> | undefined)?.[key],
};

function referenceValue(reference: string, input: Pick<PolicyInput, 'config' | 'target'>): unknown {
  const [kind, key] = reference.split('.') as ['config' | 'option' | 'tls', string];
  return REFERENCES[kind](key, input);
}

/**
 * The plugin's directory, and every node_modules its imports can resolve through (each ancestor's,
 * as Node's resolver walks up), with the real paths of packages linked into them (ksa's plugin
 * directory links @kubestack/ksa to ksa itself; npm links local dependencies).
 */
export function packagePaths(pluginDir: string): string[] {
  const out = [...withRealPath(pluginDir), ...enclosingPackage(pluginDir)];
  for (const dir of new Set([pluginDir, realOr(pluginDir)])) {
    for (let at = dir; ; at = dirname(at)) {
      const modules = at.endsWith(`${sep}node_modules`) ? at : join(at, 'node_modules');
      if (existsSync(modules)) out.push(modules, ...linkedPackages(modules));
      if (dirname(at) === at) break;
    }
  }
  return out;
}

/**
 * A plugin directory without its own package.json belongs to the package above it (Node reads
 * that one's `type`, and resolves its self-reference): its package.json, and when that package is
 * ksa itself (a plugin kept inside a ksa checkout), ksa's runtime there.
 */
function enclosingPackage(pluginDir: string): string[] {
  if (existsSync(join(pluginDir, 'package.json'))) return [];
  for (let at = dirname(pluginDir); dirname(at) !== at; at = dirname(at)) {
    const file = join(at, 'package.json');
    if (!existsSync(file)) continue;
    let name: unknown;
    try {
      name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
    } catch {
      return [file];
    }
    return name === ksaPackageName ? ksaRuntimePaths(at) : [file];
  }
  return [];
}

/** ksa's own files a host runs: the compiled host and SDK (dist/), package.json (exports) and the dependencies they import. */
export function ksaRuntimePaths(ksaRoot: string): string[] {
  return [join(ksaRoot, 'dist'), join(ksaRoot, 'package.json'), join(ksaRoot, 'node_modules')].filter((p) => existsSync(p)).flatMap(withRealPath);
}

function linkedPackages(modules: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, entries: Dirent[]) => {
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isSymbolicLink()) out.push(realOr(path));
      else if (e.isDirectory() && e.name.startsWith('@') && dir === modules) visit(path, readEntries(path));
    }
  };
  visit(modules, readEntries(modules));
  return out;
}

function readEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The path and, when it differs, its real path (a symlink must be allowed where it leads). */
function withRealPath(path: string): string[] {
  const real = realOr(path);
  return real === path ? [path] : [path, real];
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Unique paths, with any path inside another listed directory dropped (fewer flags, fewer mounts). */
function dedupe(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => p === k || p.startsWith(k.endsWith(sep) ? k : k + sep))) kept.push(p);
  return kept.sort();
}
