// A declared action run by hand, through the engine's path: gated and recorded like an automatic
// one. Refused while another action is in flight on the target (KSA_ERR_ACTION_IN_FLIGHT), and
// past the global rate limit when one is in force (KSA_ERR_RATE_LIMITED); counted in the rate
// window; the target's snapshot saved first (mutating actions); recovery-started and
// recovery-succeeded/failed events in the journal and the audit log; an entry in `ksa recovery
// history` (rule `manual`). Two front doors, one logic over a ManualPort: `ksa action` opens the
// state dir itself (runManualAction; a running watcher holds its lock: KSA_ERR_STATE_LOCKED), and
// `ksa serve`'s API goes through the running loop: the recovery engine's own section when it has
// one (RecoveryEngine.runManual: it commits its whole section, a second writer would be
// overwritten), else the loop's sink (sinkManualPort).
import { checkParams, redactParams } from '../core/action-params.js';
import { ksaError, toErrorInfo } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import { AuditLog, auditLogPath } from '../watch/audit-log.js';
import { EventBus } from '../watch/event-bus.js';
import { openStateStore } from '../watch/state-store.js';
import { HISTORY_LIMIT, rateLimitedUntil, readSection, RECOVERY_SECTION, type HistoryEntry, type Outcome, type RecoverySection } from './recovery-state.js';
import { saveTargetSnapshot } from './target-snapshot.js';
import type { PluginManager } from '../core/manager.js';
import type { ActionSpec, DiagnoseOptions, Logger, MiddlewareTarget } from '../core/types.js';
import type { WatchEventDraft } from '../watch/events.js';

export const MANUAL_RULE = 'manual';

/** What the manual path needs of whoever keeps the recovery section. */
export interface ManualPort {
  stateDir: string;
  /** The section to gate on and change: the same object for every call of one process (its gate). */
  section(): RecoverySection;
  /** The recovery config's global rate limit; none: counted, not gated (no recovery: section). */
  rateLimit(): { actions: number; per: string } | undefined;
  /** Persists the section with the events (synced), then publishes them. */
  commit(section: RecoverySection, events: readonly WatchEventDraft[]): Promise<void>;
}

export interface ManualRequest {
  manager: PluginManager;
  pluginId: string;
  /** Admitted already (admitAction: declared, allowWrite for a mutating one). */
  spec: ActionSpec;
  target: MiddlewareTarget;
  params: Record<string, unknown>;
  timeoutMs: number;
  secrets: () => readonly string[];
  /** Who ran it, for the event's reason: `ksa action` or `the API`. */
  via: string;
}

export interface ManualResult {
  outcome: Outcome;
  /** The entry added to `ksa recovery history`. */
  entry: HistoryEntry;
}

/**
 * Gates, takes the target (in memory, synchronously after the gate: an engine step cannot slip in
 * between), saves the snapshot, records the start, runs, records the end.
 */
export async function recordManualAction(port: ManualPort, a: ManualRequest): Promise<ManualResult> {
  const params = checkParams(a.spec.params ?? {}, a.params, 'params');
  const section = port.section();
  const name = a.target.name;
  const holder = section.inFlight[name];
  if (holder) throw ksaError('KSA_ERR_ACTION_IN_FLIGHT', `an action is in flight on ${name} (${holder.key.split('|')[0]}, since ${new Date(holder.startedAt).toISOString()})`);
  const now = Date.now();
  const limit = port.rateLimit();
  const allowedAt = limit ? rateLimitedUntil(section, limit, now) : undefined;
  if (limit && allowedAt !== undefined) {
    throw ksaError('KSA_ERR_RATE_LIMITED', `rate limit: ${limit.actions} actions per ${limit.per} reached over all targets; the next one is allowed at ${new Date(allowedAt).toISOString()}`);
  }
  const episode = `${name}/${MANUAL_RULE}/${now}`;
  section.inFlight[name] = { key: `${MANUAL_RULE}|${episode}`, startedAt: now };
  section.rate.push(now);
  const shown = { params: redactParams(a.spec.params, params) };
  const base = { at: new Date(now).toISOString(), target: name, rule: MANUAL_RULE, episode, action: `${a.pluginId}/${a.spec.name}`, mutating: a.spec.mutating, attempt: 1, maxAttempts: 1, dryRun: false };
  let snapshot: string | undefined;
  try {
    if (a.spec.mutating) {
      const opts: DiagnoseOptions = { categories: [], thresholds: {}, timeoutMs: a.timeoutMs, allowWrite: false };
      snapshot = saveTargetSnapshot(port.stateDir, { target: name, rule: MANUAL_RULE, attempt: 1, at: now }, await a.manager.diagnose({ pluginId: a.pluginId, target: a.target, opts, withSnapshot: true })).file;
    }
    await port.commit(section, [{ kind: 'recovery-started', ...base, ...shown, ...(snapshot ? { snapshot } : {}) }]);
  } catch (error) {
    // Nothing ran: the target and the rate window are given back (the first error is the one to tell).
    delete section.inFlight[name];
    section.rate.splice(section.rate.lastIndexOf(now), 1);
    await port.commit(section, []).catch(() => undefined);
    throw error;
  }
  const started = Date.now();
  const out = await a.manager.execute(a.pluginId, a.target, a.spec.name, params, true, a.timeoutMs).catch((e: unknown) => ({ ok: false, detail: toErrorInfo(e).message }));
  const outcome: Outcome = redactValue({ ok: out.ok, detail: out.detail.slice(0, 2000), durationMs: Date.now() - started }, a.secrets());
  delete section.inFlight[name];
  const entry: HistoryEntry = { at: new Date().toISOString(), target: name, rule: MANUAL_RULE, episode, action: base.action, attempt: 1, dryRun: false, outcome: outcome.ok ? 'succeeded' : 'failed', detail: outcome.detail, ...shown, durationMs: outcome.durationMs, ...(snapshot ? { snapshot } : {}) };
  section.history = [...section.history, entry].slice(-HISTORY_LIMIT);
  await port.commit(section, [outcome.ok ? { kind: 'recovery-succeeded', ...base, at: new Date().toISOString(), outcome, reason: `ran by hand (${a.via}); not verified` } : { kind: 'recovery-failed', ...base, at: new Date().toISOString(), outcome, reason: outcome.detail.slice(0, 1000) }]);
  return { outcome, entry };
}

/** The loop's sink as the port (ksa serve without a recovery engine): one section kept in memory, read once. */
export function sinkManualPort(sink: { stateDir: string; section(name: string): unknown; commit(change: { sections?: Record<string, unknown>; events?: readonly WatchEventDraft[]; sync?: boolean }): Promise<void> }): ManualPort {
  let section: RecoverySection | undefined;
  return {
    stateDir: sink.stateDir,
    section() {
      if (section) return section;
      const read = readSection(sink.section(RECOVERY_SECTION));
      if (read.problem) throw ksaError('KSA_ERR_STATE_DIR', `the recovery state in ${sink.stateDir} cannot be read (${read.problem})`, { fix: 'move the state dir aside, or give ksa serve another --state-dir' });
      // This process holds the state dir's lock and runs no engine: an action recorded in flight was
      // cut short by a process that died (the engine clears these at its start too).
      read.section.inFlight = {};
      return (section = read.section);
    },
    rateLimit: () => undefined,
    commit: (s, events) => sink.commit({ sections: { [RECOVERY_SECTION]: s }, events, sync: true }),
  };
}

/** `ksa action ... --state-dir dir`: the state dir opened (and locked) for this one action. */
export async function runManualAction(a: Omit<ManualRequest, 'via'> & { stateDir: string; logger: Logger }): Promise<Outcome> {
  const store = await openStateStore(a.stateDir, { logger: a.logger });
  const bus = new EventBus({ acks: store, logger: a.logger });
  const audit = new AuditLog(auditLogPath(a.stateDir), { logger: a.logger, secrets: a.secrets });
  audit.subscribe(bus);
  try {
    const { section, problem } = readSection(store.section(RECOVERY_SECTION));
    if (problem) throw ksaError('KSA_ERR_STATE_DIR', `the recovery state in ${a.stateDir} cannot be read (${problem})`, { fix: 'pass another --state-dir' });
    const port: ManualPort = {
      stateDir: a.stateDir,
      section: () => section,
      rateLimit: () => undefined,
      commit: async (s, events) => bus.publish(await store.commit({ sections: { [RECOVERY_SECTION]: s }, events, sync: true })),
    };
    return (await recordManualAction(port, { ...a, via: 'ksa action' })).outcome;
  } finally {
    await bus.drain(2000);
    await audit.close();
    await store.close();
  }
}
