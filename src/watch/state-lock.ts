// One watcher per state dir: a lock file naming its holder (pid, host, process start time),
// created atomically with link(2). A lock left by a dead process (kill -9) is taken over; the
// takeover itself is guarded by a second exclusive file so two starters cannot both take it.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { ksaError } from '../core/errors.js';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** Linux /proc/<pid>/stat start time: tells a reused pid from the holder. */
  procStart?: string;
}

export interface StateLock {
  readonly file: string;
  release(): void;
}

/** A takeover file older than this was left by a crash in the middle of a takeover. */
const STALE_TAKEOVER_MS = 10_000;

function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' ? (info as LockInfo) : null;
  } catch {
    return null; // unreadable or half-written by a crash: nobody can hold it
  }
}

/** Is the lock's holder still running? A lock from another host cannot be checked: held. */
function held(info: LockInfo | null): info is LockInfo {
  if (!info) return false;
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = procStartOf(info.pid);
  return !(info.procStart && start && start !== info.procStart);
}

function lockedError(dir: string, info: LockInfo): Error {
  const where = info.host === hostname() ? `pid ${info.pid}` : `pid ${info.pid} on ${info.host}`;
  return ksaError('KSA_ERR_STATE_LOCKED', `state dir ${dir} is in use by another ksa watcher (${where}, since ${info.startedAt})`);
}

/** Takes the lock of `dir` or throws KSA_ERR_STATE_LOCKED naming the holder. Filesystem errors are thrown as they are. */
export function acquireStateLock(dir: string): StateLock {
  const file = join(dir, 'lock');
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(procStartOf(process.pid) ? { procStart: procStartOf(process.pid)! } : {}) };
  const tmp = join(dir, `.lock.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(mine)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, file);
        return { file, release: () => { if (readLock(file)?.pid === process.pid) rmSync(file, { force: true }); } };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLock(file);
      if (held(holder)) throw lockedError(dir, holder);
      takeOver(dir, file, holder);
    }
    const holder = readLock(file);
    throw lockedError(dir, holder ?? { pid: 0, host: hostname(), startedAt: 'unknown' });
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Removes a dead holder's lock, unless another starter is doing the same right now. */
function takeOver(dir: string, file: string, stale: LockInfo | null): void {
  const guard = join(dir, 'lock.takeover');
  try {
    writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - statSync(guard).mtimeMs;
    if (age > STALE_TAKEOVER_MS) rmSync(guard, { force: true });
    return; // the caller tries the link again
  }
  try {
    // Still the same dead holder? (Another starter may have taken over and linked its own.)
    const now = readLock(file);
    if (now?.pid === stale?.pid && now?.startedAt === stale?.startedAt) rmSync(file, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}
