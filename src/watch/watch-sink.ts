// Where the watch loop's cycles and happenings go: the state machine (state-machine.ts) turns a
// cycle into the target's next record and its transitions; the state store persists them (write
// first: an event is published only once it is on disk); the event bus hands them to the
// subscribers (the output, the audit log, later notifiers and recovery). Watcher-wide events
// (started, stopped, config reloads, host failures, self-health) take the same path.
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { resolveStateDir } from './state-dir.js';
import { openStateStore, type StateStore } from './state-store.js';
import { EventBus, type EventHandler } from './event-bus.js';
import { advance } from './state-machine.js';
import { AuditLog, auditLogPath } from './audit-log.js';
import type { RotationPolicy } from './rotating-file.js';
import { resolvePolicy } from './policy.js';
import type { WatchEvent, WatchEventDraft, WatchEventKind } from './events.js';
import type { CycleSink } from './watcher.js';
import type { WatchTarget } from './watch-targets.js';
import type { WatcherHealth } from './self-health.js';
import type { TargetRecord } from './target-record.js';
import type { DiagnosticResult, ErrorInfo, Logger } from '../core/types.js';

/** The self-health `ksa watch status --json` shows, rewritten (atomically) at every health tick. */
export const HEALTH_FILE = 'health.json';

export interface WatchSinkOptions {
  stateDir: string | undefined;
  logger: Logger;
  version: string;
  configFile: string;
  targets: readonly WatchTarget[];
  once: boolean;
  /** Secret values the audit log redacts (the logger's list: one redaction everywhere). */
  secrets?: () => readonly string[];
  /** The audit log's rotation (ksa.yaml watch.audit); defaults in rotating-file.ts. */
  auditRotation?: RotationPolicy;
}

export interface WatchSink extends CycleSink {
  readonly stateDir: string;
  started(targets: number): Promise<void>;
  stopped(reason: string): Promise<void>;
  reload(r: { outcome: 'accepted' | 'refused'; file: string; reason?: string; added?: string[]; removed?: string[]; changed?: string[] }): Promise<void>;
  health(h: WatcherHealth): Promise<void>;
  subscribe(name: string, handler: EventHandler, options?: { durable?: boolean; kinds?: readonly WatchEventKind[]; filter?: (event: WatchEvent) => boolean }): () => void;
  records(): ReadonlyMap<string, TargetRecord>;
  /** Persists and publishes events of the other rooms (ksa serve's api-call), as the loop's own. */
  record(events: readonly WatchEventDraft[]): Promise<void>;
  /** A named section of the state dir (another room's small JSON value; its owner validates it). */
  section(name: string): unknown;
  /** Sets (null: removes) a section, written through the journal like every change. */
  setSection(name: string, value: unknown): Promise<void>;
  /** A durable subscriber that will not come back (its room is no longer configured): its backlog is let go. */
  forget(subscriber: string): Promise<void>;
  /** Sections and events in one journal line (sync: write now even without events), then the events published (recovery). */
  commit(change: { sections?: Record<string, unknown>; events?: readonly WatchEventDraft[]; sync?: boolean }): Promise<void>;
  /** Section names that start with `prefix` (a room keeping one section per item: notify's queue). */
  sectionNames(prefix: string): string[];
}

/** What a room (notify) uses of the sink: its sections and their commits. */
export type RoomState = Pick<WatchSink, 'section' | 'sectionNames' | 'commit'>;

export async function openWatchSink(options: WatchSinkOptions): Promise<WatchSink> {
  const stateDir = resolveStateDir(options.stateDir);
  const store: StateStore = await openStateStore(stateDir, { logger: options.logger });
  const bus = new EventBus({ acks: store, logger: options.logger });
  const iso = (ms = Date.now()) => new Date(ms).toISOString();
  // Persist first, then publish: what the bus delivered is on disk (or the store said it is degraded).
  const emit = async (events: readonly WatchEventDraft[], targets?: Record<string, TargetRecord | null>): Promise<void> => {
    bus.publish(await store.commit({ ...(targets ? { targets } : {}), events }));
  };
  // A durable subscriber from before the first commit: every transition reaches the audit log, also across a kill -9.
  const audit = new AuditLog(auditLogPath(stateDir), {
    ...options.auditRotation,
    logger: options.logger,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    onHealth: (draft) => void emit([draft]).catch(() => undefined),
  });
  audit.subscribe(bus);
  const policies = new Map<string, ReturnType<typeof resolvePolicy>>();
  const policyOf = (t: WatchTarget) => {
    let p = policies.get(t.fingerprint);
    if (!p) policies.set(t.fingerprint, (p = resolvePolicy(t.defaults, t.config)));
    return p;
  };
  return {
    stateDir,
    async cycle(target: WatchTarget, result: DiagnosticResult, now: number) {
      const { next, events } = advance(store.get(target.name), { target: target.name, result }, policyOf(target), now);
      await emit(events, { [target.name]: next });
    },
    async hostFailed(plugin: string, error: ErrorInfo, restarts: number) {
      await emit([{ kind: 'host', at: iso(), plugin, action: 'failed', restarts, error }]);
    },
    async started(targets: number) {
      await emit([{ kind: 'watcher', at: iso(), action: 'started', pid: process.pid, version: options.version, stateDir, targets }]);
    },
    async stopped(reason: string) {
      if (!options.once) await emit([{ kind: 'watcher', at: iso(), action: 'stopped', pid: process.pid, reason }]);
      await bus.drain(1000);
      await audit.close();
      await store.close();
    },
    async reload(r) {
      await emit([{ kind: 'config-reload', at: iso(), outcome: r.outcome, file: r.file, ...(r.reason ? { reason: r.reason } : {}), added: r.added ?? [], removed: r.removed ?? [], changed: r.changed ?? [] }]);
    },
    async health(h: WatcherHealth) {
      try {
        writeFileAtomic(join(stateDir, HEALTH_FILE), `${JSON.stringify({ at: iso(), pid: process.pid, ...h })}\n`);
      } catch (error) {
        options.logger.warn(`cannot write ${HEALTH_FILE} in ${stateDir}: ${(error as Error).message}`);
      }
      await emit(h.plugins.map((p) => ({
        kind: 'health' as const, at: iso(), plugin: p.plugin, windowMs: p.windowMs, cycles: p.cycles,
        latencyMs: { p50: p.latencyMs.p50, p90: p.latencyMs.p90, p99: p.latencyMs.p99 },
        errorRate: p.errorRate, scheduleLagP99Ms: h.scheduler.lagMs.p99, hostRestarts: p.hostRestarts,
      })));
    },
    subscribe(name, handler, opts = {}) {
      const sub = bus.subscribe({ name, handler, ...(opts.durable ? { durable: true } : {}), ...(opts.kinds ? { kinds: opts.kinds } : {}), ...(opts.filter ? { filter: opts.filter } : {}) });
      return () => sub.unsubscribe();
    },
    records: () => store.targets(),
    record: (events) => emit(events),
    section: (name) => store.section(name),
    async forget(subscriber) {
      if (store.stats().cursors[subscriber] !== undefined) await store.forget(subscriber);
    },
    async setSection(name, value) {
      // Written now (a switch the API answered must survive a kill -9); store events are published as usual.
      bus.publish(await store.commit({ sections: { [name]: value }, sync: true }));
    },
    async commit(change) {
      bus.publish(await store.commit(change));
    },
    sectionNames: (prefix) => store.sectionNames(prefix),
  };
}
