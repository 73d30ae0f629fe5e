// ksa-plugins.lock.json: what `ksa plugin install` put into the plugin directory. A plugin package
// found there is loaded only if it is in this file and its files still hash to what is recorded.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ksaError } from '../core/errors.js';
import { firstIssue } from '../core/zod-issues.js';
import { LOCK_FILE } from './plugin-home.js';

export const LockEntrySchema = z.strictObject({
  /** npm package name (the key of `plugins`, repeated for readability). */
  name: z.string(),
  /** Exact installed package version. */
  version: z.string(),
  pluginId: z.string(),
  middleware: z.string().optional(),
  /** What the user passed to `ksa plugin install`. */
  requested: z.string(),
  /** npm's resolved location and tarball integrity, when npm reports them. */
  resolved: z.string().optional(),
  npmIntegrity: z.string().optional(),
  /** ksa's own integrity over the installed files. */
  integrity: z.string().regex(/^sha512-/),
  files: z.record(z.string(), z.string()),
  /** Hoisted dependencies (`node_modules/foo` -> version and ksa's digest of its files). */
  dependencies: z.record(z.string(), z.strictObject({ version: z.string().optional(), integrity: z.string().regex(/^sha512-/) })).default({}),
  installedAt: z.string(),
});

export const LockFileSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  plugins: z.record(z.string(), LockEntrySchema),
});

export type LockEntry = z.infer<typeof LockEntrySchema>;
export type LockFile = z.infer<typeof LockFileSchema>;

export function lockPath(home: string): string {
  return join(home, LOCK_FILE);
}

export function readLock(home: string): LockFile {
  const file = lockPath(home);
  if (!existsSync(file)) return { lockfileVersion: 1, plugins: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw ksaError('KSA_ERR_PLUGIN_LOCKED', `${file} is not valid JSON (${(error as Error).message})`, { fix: 'restore it or reinstall the plugins with `ksa plugin install`' });
  }
  const parsed = LockFileSchema.safeParse(raw);
  if (!parsed.success) throw ksaError('KSA_ERR_PLUGIN_LOCKED', `${file}: ${firstIssue(parsed.error)}`, { fix: 'restore it or reinstall the plugins with `ksa plugin install`' });
  return parsed.data;
}

/** Atomic: a crash mid-write never leaves a half-written lock. */
export function writeLock(home: string, lock: LockFile): void {
  const file = lockPath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(LockFileSchema.parse(lock), null, 2)}\n`);
  renameSync(tmp, file);
}
