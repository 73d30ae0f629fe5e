// The integrity of an installed plugin package, computed by ksa itself: sha512 of every file
// (path + content; symlinks by their target), so a changed, added or removed file is detected and
// named. npm's own integrity covers the tarball, not what is on disk now.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface PackageDigest {
  /** `sha512-<base64>` over the sorted (path, file hash) list. */
  digest: string;
  /** relative path (with /) -> `sha512-<base64>` of its content. */
  files: Record<string, string>;
}

function sha512(data: Buffer | string): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

function walk(root: string, dir: string, out: Record<string, string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out[rel] = sha512(`symlink:${readlinkSync(full)}`);
    else if (st.isDirectory()) walk(root, full, out);
    else if (st.isFile()) out[rel] = sha512(readFileSync(full));
  }
}

export function digestPackage(dir: string): PackageDigest {
  const files: Record<string, string> = {};
  walk(dir, dir, files);
  const sorted = Object.keys(files).sort();
  const ordered: Record<string, string> = {};
  const outer = createHash('sha512');
  for (const path of sorted) {
    ordered[path] = files[path]!;
    outer.update(`${path}\0${files[path]}\n`);
  }
  return { digest: `sha512-${outer.digest('base64')}`, files: ordered };
}

/** Paths that differ between the recorded and the current file lists. */
export function diffFiles(recorded: Record<string, string>, current: Record<string, string>): { changed: string[]; added: string[]; removed: string[] } {
  return {
    changed: Object.keys(current).filter((p) => recorded[p] !== undefined && recorded[p] !== current[p]),
    added: Object.keys(current).filter((p) => recorded[p] === undefined),
    removed: Object.keys(recorded).filter((p) => current[p] === undefined),
  };
}
