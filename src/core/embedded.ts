// When ksa runs as a single executable (src/sea/main.ts), its package files are assets embedded
// in the binary, not files on disk. This is the one seam the rest of the code consults: the
// package root is then the executable's own path (nothing can exist below it on disk, so no
// file there is ever read by mistake) and paths below it name embedded assets.
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedPackage {
  /** The executable's path, standing in for the package root. */
  root: string;
  /** An embedded file's text by its path relative to the package root ('dist/manifest-index.json'). */
  read(relPath: string): string | undefined;
  /** Evaluates an embedded CommonJS module (a built-in plugin bundle) and returns its exports. */
  load(relPath: string): unknown;
}

/** Env marker that makes the executable run a child-process plugin host instead of the CLI. */
export const SEA_CHILD_HOST_ENV = 'KSA_SEA_CHILD_HOST';
/** The worker-thread host's code inside the executable (started with `new Worker(code, { eval: true })`). */
export const SEA_WORKER_HOST = 'sea/worker-host.cjs';

let current: EmbeddedPackage | undefined;

export function setEmbeddedPackage(pkg: EmbeddedPackage): void {
  current = pkg;
}

/** The embedded package, or undefined when ksa runs from files (npm install, a clone). */
export function embeddedPackage(): EmbeddedPackage | undefined {
  return current;
}

/** The exports of the embedded module a plugin entry URL points at, or undefined if it is a file. */
export function embeddedModule(entryUrl: string): { default?: unknown } | undefined {
  if (!current || !entryUrl.startsWith('file:')) return undefined;
  const rel = relative(current.root, fileURLToPath(entryUrl));
  if (rel.startsWith('..') || rel === '') return undefined;
  return current.load(rel.split(sep).join('/')) as { default?: unknown };
}
