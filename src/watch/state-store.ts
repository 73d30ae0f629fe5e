// The durable state of a watcher (docs/WATCH.md "State dir"): target records, the events not yet
// acknowledged by every durable subscriber, and named sections for the other rooms (recovery,
// notify, serve), in a state dir that one watcher holds at a time.
//
// Write-ahead: commit() gives events their seq and id and returns them only once they are in the
// journal and fsynced; the caller then publishes them on the bus. A durable subscriber's
// acknowledgement is journaled too, before ack() resolves. So after a kill -9 at any moment:
// - an event whose commit() resolved is in the journal; one whose commit() did not resolve was
//   never published (its transition is re-detected by the next cycle from the last durable state);
// - every event a durable subscriber has not acknowledged is delivered again, with the same id
//   (at-least-once); an acknowledged one never is (exactly-once for acknowledged events).
// Commits made in the same tick share one write and one fsync (group commit). Records changed
// without events (a pending streak's count, last-cycle times) are written lazily, with the next
// write: after a crash they are at most one commit old.
//
// Disk errors (full disk, read-only, EIO) do not stop the watcher: the store keeps everything in
// memory, returns a `store degraded` event with the next commit, retries on every commit, and
// returns `store recovered` once a write works again. Events committed meanwhile are delivered
// but survive a crash only if the disk came back before it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import { ksaError, toErrorInfo, type KsaError } from '../core/errors.js';
import type { ErrorInfo, Logger } from '../core/types.js';
import { writeFileAtomic, fsyncDir } from './atomic-file.js';
import type { AckSink } from './event-bus.js';
import { WATCH_EVENT_SCHEMA_VERSION, type WatchEvent, type WatchEventDraft } from './events.js';
import { journalFile, loadStateDir, STATE_FILE, type JournalLine, type LoadedState, type StateFile } from './state-file.js';
import { acquireStateLock, type StateLock } from './state-lock.js';
import type { TargetRecord } from './target-record.js';

/** The file operations that can fail on a full or read-only disk (a seam for the degradation tests). */
export interface StoreIo {
  openJournal(path: string): Promise<FileHandle>;
  /** Writes all of `data` at `position` and fdatasyncs. */
  append(handle: FileHandle, data: Buffer, position: number): Promise<void>;
  writeFileAtomic(path: string, data: string): void;
}

const realIo: StoreIo = {
  openJournal: (path) => open(path, 'a+', 0o600),
  async append(handle, data, position) {
    let off = 0;
    while (off < data.length) off += (await handle.write(data, off, data.length - off, position + off)).bytesWritten;
    await handle.datasync();
  },
  writeFileAtomic,
};

export interface StateStoreOptions {
  /** Compact (rewrite state.json, start a new journal) once the journal is this big. Default 1 MiB. */
  compactBytes?: number;
  /** Undelivered events kept at most; beyond, the oldest are dropped with a `store overflow` event. Default 10,000. */
  maxOutbox?: number;
  now?: () => number;
  logger?: Logger;
  io?: StoreIo;
}

export interface StoreStats {
  dir: string;
  lastSeq: number;
  journalBytes: number;
  outbox: number;
  dropped: number;
  /** Durable subscriber -> highest acknowledged seq. */
  cursors: Record<string, number>;
  degraded: ErrorInfo | null;
}

/** A change for commit(): target records and sections to set (null removes one) and the events of it. */
export interface StoreChange {
  targets?: Readonly<Record<string, TargetRecord | null>>;
  /** Named state of another room (recovery, notify, serve): a small JSON value, replaced whole. */
  sections?: Readonly<Record<string, unknown>>;
  events?: readonly WatchEventDraft[];
  /** Write now even without events (e.g. recovery records an action in flight before running it). */
  sync?: boolean;
}

const SECTION_NAME = /^[a-z][a-z0-9-]*$/;

const DEFAULT_COMPACT_BYTES = 1024 * 1024;
const DEFAULT_MAX_OUTBOX = 10_000;

export class StateStore implements AckSink {
  private handle: FileHandle | null = null;
  private journalBytes = 0;
  private readonly targetsMap: Map<string, TargetRecord>;
  private outbox: WatchEvent[];
  private readonly cursors: Map<string, number>;
  private readonly file: StateFile;
  private lastSeq: number;
  // Not yet on disk:
  private dirtyTargets = new Set<string>();
  private dirtySections = new Set<string>();
  private readonly sectionsMap: Map<string, unknown>;
  private unwritten: WatchEvent[] = [];
  private dirtyCursors = new Map<string, number>();
  private forgotten = new Set<string>();
  private droppedUnwritten: { through: number; count: number } | null = null;
  /** Store events (degraded/recovered/overflow) for the next commit to return. */
  private notices: WatchEventDraft[] = [];
  private degradedBy: ErrorInfo | null = null;
  /** The tail of the write queue, and the write not started yet that new changes can join. */
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private closed = false;

  private constructor(readonly dir: string, loaded: LoadedState, private lock: StateLock | null, private readonly opts: StateStoreOptions, private readonly io: StoreIo) {
    this.file = loaded.file;
    this.targetsMap = loaded.targets;
    this.outbox = loaded.outbox;
    this.cursors = loaded.cursors;
    this.sectionsMap = loaded.sections;
    this.lastSeq = loaded.file.lastSeq;
  }

  /**
   * Opens (creating it if needed) and locks a state dir, replays its journal, and compacts it.
   * Throws KSA_ERR_STATE_LOCKED when another live watcher holds it, KSA_ERR_STATE_DIR when its
   * files are corrupt; a dir that cannot be written opens degraded (in memory, reported).
   */
  static async open(dir: string, opts: StateStoreOptions = {}): Promise<StateStore> {
    const io = opts.io ?? realIo;
    let lock: StateLock | null = null;
    let failure: unknown = null;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      lock = acquireStateLock(dir);
    } catch (error) {
      if ((error as KsaError).code === 'KSA_ERR_STATE_LOCKED') throw error;
      failure = error;
    }
    let loaded: LoadedState;
    try {
      loaded = loadStateDir(dir, () => randomBytes(4).toString('hex'));
    } catch (error) {
      lock?.release();
      throw error;
    }
    if (loaded.tornLines > 0) opts.logger?.warn(`state dir ${dir}: ignored a torn last journal line (a crash in the middle of a write)`);
    loaded.file.epoch++;
    const store = new StateStore(dir, loaded, lock, opts, io);
    if (failure) store.degrade('state', failure);
    else await store.runExclusive(() => store.compact());
    return store;
  }

  get instance(): string {
    return this.file.instance;
  }

  /** The last seq given to an event. */
  get seq(): number {
    return this.lastSeq;
  }

  get degraded(): ErrorInfo | null {
    return this.degradedBy;
  }

  targets(): ReadonlyMap<string, TargetRecord> {
    return this.targetsMap;
  }

  get(target: string): TargetRecord | undefined {
    return this.targetsMap.get(target);
  }

  /** A section's value as last committed (the caller validates its shape: it owns the schema). */
  section(name: string): unknown {
    return this.sectionsMap.get(name);
  }

  /** Names of the sections that start with `prefix` (a room keeping one section per item, e.g. notify's queue). */
  sectionNames(prefix: string): string[] {
    return [...this.sectionsMap.keys()].filter((n) => n.startsWith(prefix));
  }

  /**
   * Records target changes and persists their events; resolves with the events (seq and id set,
   * plus any store notices) once they are on disk, or at once when the disk fails (degraded).
   * Publish what it returns, in order. A change without events is kept in memory and written with
   * the next write (it resolves at once).
   */
  async commit(change: StoreChange): Promise<WatchEvent[]> {
    if (this.closed) {
      // A cycle that outlived the shutdown (abandoned after --grace): nothing is recorded or
      // published, so its transitions are detected again by the next start.
      if ((change.events?.length ?? 0) > 0) this.opts.logger?.debug(`state dir ${this.dir} is closed: ${change.events!.length} event(s) of a late cycle left for the next start`);
      return [];
    }
    for (const [name, rec] of Object.entries(change.targets ?? {})) {
      if (rec) this.targetsMap.set(name, rec);
      else this.targetsMap.delete(name);
      this.dirtyTargets.add(name);
    }
    for (const [name, value] of Object.entries(change.sections ?? {})) {
      if (!SECTION_NAME.test(name)) throw ksaError('KSA_ERR_INTERNAL', `state section name ${JSON.stringify(name)} must be lowercase letters, digits and dashes`);
      if (value === null || value === undefined) this.sectionsMap.delete(name);
      else this.sectionsMap.set(name, value);
      this.dirtySections.add(name);
    }
    const events = this.assign(change.events ?? []);
    this.boundOutbox();
    if (events.length > 0 || this.notices.length > 0 || change.sync === true) await this.write();
    return [...events, ...this.assign(this.notices.splice(0))];
  }

  pending(subscriber: string): readonly WatchEvent[] {
    const cursor = this.cursors.get(subscriber);
    if (cursor === undefined) {
      // A new durable subscriber starts now: it is not sent the history.
      this.moveCursor(subscriber, this.lastSeq);
      return [];
    }
    return this.outbox.filter((e) => e.seq > cursor);
  }

  async ack(subscriber: string, seq: number, options: { lazy?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (seq <= (this.cursors.get(subscriber) ?? -1)) return;
    this.moveCursor(subscriber, seq);
    this.trimOutbox();
    if (!options.lazy) await this.write();
  }

  /** A durable subscriber that will not come back (removed from the config): its backlog is let go. */
  async forget(subscriber: string): Promise<void> {
    this.cursors.delete(subscriber);
    this.dirtyCursors.delete(subscriber);
    this.forgotten.add(subscriber);
    this.trimOutbox();
    await this.write();
  }

  /** Writes whatever is only in memory (lazy records, lazy acks). */
  async flush(): Promise<void> {
    if (this.hasDirty()) await this.write();
  }

  /** Flushes, compacts and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    if (!this.degradedBy) await this.runExclusive(() => this.compact());
    this.closed = true;
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    this.lock?.release();
  }

  stats(): StoreStats {
    return { dir: this.dir, lastSeq: this.lastSeq, journalBytes: this.journalBytes, outbox: this.outbox.length, dropped: this.file.dropped, cursors: Object.fromEntries(this.cursors), degraded: this.degradedBy };
  }

  // --- internals ---------------------------------------------------------------------------------

  private assign(drafts: readonly WatchEventDraft[]): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const draft of drafts) {
      const seq = ++this.lastSeq;
      const event = { schemaVersion: WATCH_EVENT_SCHEMA_VERSION, seq, id: `ev-${this.file.instance}-${this.file.epoch}-${seq}`, ...draft } as WatchEvent;
      out.push(event);
      this.unwritten.push(event);
      if (this.cursors.size > 0) this.outbox.push(event);
    }
    return out;
  }

  private moveCursor(subscriber: string, seq: number): void {
    this.cursors.set(subscriber, seq);
    this.dirtyCursors.set(subscriber, seq);
    this.forgotten.delete(subscriber);
  }

  /** Drops events every durable subscriber acknowledged. */
  private trimOutbox(): void {
    const min = this.cursors.size === 0 ? this.lastSeq : Math.min(...this.cursors.values());
    if (this.outbox.length > 0 && this.outbox[0]!.seq <= min) this.outbox = this.outbox.filter((e) => e.seq > min);
  }

  /**
   * Keeps the outbox within maxOutbox: the oldest undelivered events go, and say so. The store's
   * own events are added after it (so this never feeds itself): the bound is soft by those few.
   */
  private boundOutbox(): void {
    const max = this.opts.maxOutbox ?? DEFAULT_MAX_OUTBOX;
    const excess = this.outbox.length - max;
    if (excess <= 0) return;
    const through = this.outbox[excess - 1]!.seq;
    this.outbox = this.outbox.slice(excess);
    for (const [sub, cursor] of this.cursors) if (cursor < through) this.moveCursor(sub, through);
    this.file.dropped += excess;
    this.droppedUnwritten = { through, count: (this.droppedUnwritten?.count ?? 0) + excess };
    this.opts.logger?.warn(`state dir ${this.dir}: ${excess} undelivered event(s) dropped, the outbox holds at most ${max} (a durable subscriber is not keeping up)`);
    this.notices.push({ kind: 'store', at: new Date(this.now()).toISOString(), action: 'overflow', file: 'journal', dropped: excess });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private hasDirty(): boolean {
    return this.dirtyTargets.size > 0 || this.dirtySections.size > 0 || this.unwritten.length > 0 || this.dirtyCursors.size > 0 || this.forgotten.size > 0 || this.droppedUnwritten !== null;
  }

  /**
   * Group commit: callers before the next write starts share it (one write, one fsync); resolves
   * when what they changed is on disk, or failed (then the store is degraded and keeps it in memory).
   */
  private write(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.chain.then(async () => {
      this.queued = null;
      await this.writeLine();
    });
    this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes and compactions run one at a time, in order. */
  private runExclusive(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private takeLine(): { line: JournalLine; restore: () => void } | null {
    if (!this.hasDirty()) return null;
    const targets = [...this.dirtyTargets];
    const sections = [...this.dirtySections];
    const events = this.unwritten;
    const cursors = this.dirtyCursors;
    const forgotten = this.forgotten;
    const dropped = this.droppedUnwritten;
    this.dirtyTargets = new Set();
    this.dirtySections = new Set();
    this.unwritten = [];
    this.dirtyCursors = new Map();
    this.forgotten = new Set();
    this.droppedUnwritten = null;
    const line: JournalLine = {
      ...(targets.length ? { t: Object.fromEntries(targets.map((n) => [n, this.targetsMap.get(n) ?? null])) } : {}),
      ...(sections.length ? { s: Object.fromEntries(sections.map((n) => [n, this.sectionsMap.get(n) ?? null])) } : {}),
      ...(events.length ? { e: events } : {}),
      ...(cursors.size ? { a: Object.fromEntries(cursors) } : {}),
      ...(forgotten.size ? { f: [...forgotten] } : {}),
      ...(dropped ? { d: dropped } : {}),
    };
    const restore = () => {
      // Put it back in front of whatever changed meanwhile, to be written next time.
      for (const n of targets) this.dirtyTargets.add(n);
      for (const n of sections) this.dirtySections.add(n);
      this.unwritten = [...events, ...this.unwritten];
      for (const [s, q] of cursors) if (!this.dirtyCursors.has(s)) this.dirtyCursors.set(s, q);
      for (const s of forgotten) this.forgotten.add(s);
      if (dropped) this.droppedUnwritten = { through: Math.max(dropped.through, this.droppedUnwritten?.through ?? 0), count: dropped.count + (this.droppedUnwritten?.count ?? 0) };
    };
    return { line, restore };
  }

  private async writeLine(): Promise<void> {
    const taken = this.takeLine();
    if (!taken) return;
    try {
      if (!this.handle) {
        // Degraded since open or since a failed compaction: the whole state is in memory, so a
        // successful compaction persists everything at once. Opened without the lock (the dir was
        // not writable): take it first, or stay in memory if another watcher got there meanwhile.
        taken.restore();
        if (!this.lock) this.lock = acquireStateLock(this.dir);
        await this.compact();
        return;
      }
      const data = Buffer.from(`${JSON.stringify(taken.line)}\n`);
      await this.io.append(this.handle, data, this.journalBytes);
      this.journalBytes += data.length;
      this.recovered();
    } catch (error) {
      taken.restore();
      // A partial line would hide every later one from the replay: cut it off (best effort).
      await this.handle?.truncate(this.journalBytes).catch(() => undefined);
      this.degrade('journal', error);
      return;
    }
    if (this.journalBytes >= (this.opts.compactBytes ?? DEFAULT_COMPACT_BYTES)) await this.compact();
  }

  /** Rewrites state.json with everything (generation + 1) and starts an empty journal. */
  private async compact(): Promise<void> {
    const generation = this.file.generation + 1;
    const snapshot: StateFile = {
      ...this.file,
      generation,
      lastSeq: this.lastSeq,
      targets: Object.fromEntries(this.targetsMap),
      outbox: this.outbox,
      cursors: Object.fromEntries(this.cursors),
      sections: Object.fromEntries(this.sectionsMap),
    };
    const taken = this.takeLine();
    let handle: FileHandle | undefined;
    try {
      handle = await this.io.openJournal(join(this.dir, journalFile(generation)));
      await handle.truncate(0);
      this.io.writeFileAtomic(join(this.dir, STATE_FILE), `${JSON.stringify(snapshot)}\n`);
    } catch (error) {
      taken?.restore();
      await handle?.close().catch(() => undefined);
      this.degrade('state', error);
      return;
    }
    this.file.generation = generation;
    const old = this.handle;
    this.handle = handle!;
    this.journalBytes = 0;
    await old?.close().catch(() => undefined);
    this.removeOldJournals(generation);
    this.recovered();
  }

  private removeOldJournals(generation: number): void {
    try {
      for (const name of readdirSync(this.dir)) {
        const m = /^journal-(\d+)\.jsonl$/.exec(name);
        if (m && Number(m[1]) !== generation) rmSync(join(this.dir, name), { force: true });
      }
      fsyncDir(this.dir);
    } catch {
      // Old journals are ignored on open (only journal-<generation> is read): leftovers are harmless.
    }
  }

  private degrade(file: string, error: unknown): void {
    const info = toErrorInfo(ksaError('KSA_ERR_STATE_DIR', `cannot write ${file} in ${this.dir}: ${(error as Error).message ?? String(error)}`));
    const first = this.degradedBy === null;
    this.degradedBy = info;
    if (first) {
      this.opts.logger?.error(info.message, { code: info.code });
      this.notices.push({ kind: 'store', at: new Date(this.now()).toISOString(), action: 'degraded', file, error: info });
    }
  }

  private recovered(): void {
    if (!this.degradedBy) return;
    this.degradedBy = null;
    this.opts.logger?.info(`state dir ${this.dir} is writable again`);
    this.notices.push({ kind: 'store', at: new Date(this.now()).toISOString(), action: 'recovered', file: 'journal' });
  }
}

/** `StateStore.open`, as a function. */
export function openStateStore(dir: string, opts?: StateStoreOptions): Promise<StateStore> {
  return StateStore.open(dir, opts);
}
