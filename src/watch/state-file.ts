// The on-disk format of the watch state dir (docs/WATCH.md "State dir"): a snapshot, state.json,
// written atomically at each compaction, plus the write-ahead journal journal-<generation>.jsonl
// of what happened since, one JSON line per group commit. Zod schemas, since they cross the disk.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

import { ksaError } from '../core/errors.js';
import { firstIssue } from '../core/zod-issues.js';
import { WatchEventSchema, type WatchEvent } from './events.js';
import { TargetRecordSchema, type TargetRecord } from './target-record.js';

export const STATE_FILE = 'state.json';
export const journalFile = (generation: number) => `journal-${generation}.jsonl`;

export const StateFileSchema = z.strictObject({
  format: z.literal('ksa-watch-state'),
  version: z.literal(1),
  /** Random, made when the dir is first used: event ids are `ev-<instance>-<epoch>-<seq>`. */
  instance: z.string().regex(/^[0-9a-f]{8}$/),
  /** Bumped at every open, so an id given to an event that never reached the disk is never reused. */
  epoch: z.number().int().nonnegative(),
  /** The journal that continues this snapshot is journal-<generation>.jsonl. */
  generation: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  targets: z.record(z.string(), TargetRecordSchema),
  /** Persisted events some durable subscriber has not acknowledged yet, in seq order. */
  outbox: z.array(WatchEventSchema),
  /** Durable subscriber -> highest acknowledged seq. */
  cursors: z.record(z.string(), z.number().int().nonnegative()),
  /** Undelivered events dropped so far to keep the outbox bounded. */
  dropped: z.number().int().nonnegative(),
  /**
   * State of the watcher's other rooms, by name (recovery: cooldowns, rate limits, the action in
   * flight; notify: its queue; serve: enabled plugins): small JSON values, each replaced whole.
   */
  sections: z.record(z.string(), z.unknown()).default({}),
});

/** One group commit: all of it applies, or (a torn last line after a crash) none of it. */
export const JournalLineSchema = z.strictObject({
  /** Target records set (null: removed). */
  t: z.record(z.string(), TargetRecordSchema.nullable()).optional(),
  /** New events, in seq order. */
  e: z.array(WatchEventSchema).optional(),
  /** Cursor moves (acknowledgements, registrations). */
  a: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Durable subscribers forgotten. */
  f: z.array(z.string()).optional(),
  /** Sections set (null: removed). */
  s: z.record(z.string(), z.unknown()).optional(),
  /** The outbox was trimmed to stay bounded: events up to this seq were dropped. */
  d: z.strictObject({ through: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
});

export type StateFile = z.infer<typeof StateFileSchema>;
export type JournalLine = z.infer<typeof JournalLineSchema>;

/** The state after applying journal lines, in memory. */
export interface LoadedState {
  file: StateFile;
  targets: Map<string, TargetRecord>;
  outbox: WatchEvent[];
  cursors: Map<string, number>;
  sections: Map<string, unknown>;
  /** Bytes of the journal that hold complete, valid lines (a torn tail is cut off here). */
  journalGoodBytes: number;
  /** Lines after the good prefix that were ignored (a torn write). */
  tornLines: number;
}

export function emptyStateFile(instance: string): StateFile {
  return { format: 'ksa-watch-state', version: 1, instance, epoch: 0, generation: 0, lastSeq: 0, targets: {}, outbox: [], cursors: {}, dropped: 0, sections: {} };
}

function readStateFile(dir: string): StateFile | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw ksaError('KSA_ERR_STATE_DIR', `${path} is not readable JSON (${(error as Error).message})`, { fix: 'move the file away to start with an empty state (alerts will fire again)' });
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) throw ksaError('KSA_ERR_STATE_DIR', `${path} is not a ksa watch state file (${firstIssue(parsed.error)})`, { fix: 'move the file away to start with an empty state (alerts will fire again)' });
  return parsed.data;
}

/** Applies one journal line to the loaded state (idempotent: events at or below lastSeq are skipped). */
export function applyLine(state: LoadedState, line: JournalLine): void {
  for (const [name, rec] of Object.entries(line.t ?? {})) {
    if (rec) state.targets.set(name, rec);
    else state.targets.delete(name);
  }
  for (const e of line.e ?? []) {
    if (e.seq <= state.file.lastSeq) continue;
    state.outbox.push(e);
    state.file.lastSeq = e.seq;
  }
  for (const [sub, seq] of Object.entries(line.a ?? {})) state.cursors.set(sub, Math.max(seq, state.cursors.get(sub) ?? 0));
  for (const sub of line.f ?? []) state.cursors.delete(sub);
  for (const [name, value] of Object.entries(line.s ?? {})) {
    if (value === null) state.sections.delete(name);
    else state.sections.set(name, value);
  }
  if (line.d) {
    state.outbox = state.outbox.filter((e) => e.seq > line.d!.through);
    state.file.dropped += line.d.count;
  }
}

/**
 * Reads a state dir without locking it (for `ksa watch status` of a running or stopped watcher,
 * and for the store's own open). A missing dir or snapshot is an empty state.
 */
export function loadStateDir(dir: string, instance: () => string): LoadedState {
  const file = readStateFile(dir) ?? emptyStateFile(instance());
  const state: LoadedState = {
    file,
    targets: new Map(Object.entries(file.targets)),
    outbox: [...file.outbox],
    cursors: new Map(Object.entries(file.cursors)),
    sections: new Map(Object.entries(file.sections)),
    journalGoodBytes: 0,
    tornLines: 0,
  };
  const path = join(dir, journalFile(file.generation));
  if (!existsSync(path)) return state;
  const buf = readFileSync(path);
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) { state.tornLines++; break; } // a line cut short by a crash
    const parsed = parseLine(buf.subarray(start, nl).toString('utf8'));
    if (!parsed) { state.tornLines++; break; }
    applyLine(state, parsed);
    start = nl + 1;
    state.journalGoodBytes = start;
  }
  return state;
}

function parseLine(text: string): JournalLine | null {
  try {
    const parsed = JournalLineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
