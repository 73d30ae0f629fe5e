// `ksa action ... --state-dir dir`: the manual front door through the engine's path. With a
// state dir the action is gated and recorded like an automatic one: refused while another action
// is in flight on the target, counted in the global rate window, the target's snapshot saved
// first (mutating actions), recovery-started and recovery-succeeded/failed events in the journal
// and the audit log, an entry in `ksa recovery history` (rule `manual`). The dir is locked by a
// running watcher: then it says so (KSA_ERR_STATE_LOCKED) rather than act behind its back.
import { checkParams, redactParams } from '../core/action-params.js';
import { ksaError, toErrorInfo } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import { AuditLog, auditLogPath } from '../watch/audit-log.js';
import { EventBus } from '../watch/event-bus.js';
import { openStateStore } from '../watch/state-store.js';
import { HISTORY_LIMIT, readSection, RECOVERY_SECTION, type Outcome } from './recovery-state.js';
import { saveTargetSnapshot } from './target-snapshot.js';
import type { PluginManager } from '../core/manager.js';
import type { ActionSpec, DiagnoseOptions, Logger, MiddlewareTarget } from '../core/types.js';
import type { WatchEventDraft } from '../watch/events.js';

export const MANUAL_RULE = 'manual';

export interface ManualAction {
  stateDir: string;
  manager: PluginManager;
  pluginId: string;
  spec: ActionSpec;
  target: MiddlewareTarget;
  params: Record<string, unknown>;
  timeoutMs: number;
  logger: Logger;
  secrets: () => readonly string[];
}

export async function runManualAction(a: ManualAction): Promise<Outcome> {
  const store = await openStateStore(a.stateDir, { logger: a.logger });
  const bus = new EventBus({ acks: store, logger: a.logger });
  const audit = new AuditLog(auditLogPath(a.stateDir), { logger: a.logger, secrets: a.secrets });
  audit.subscribe(bus);
  const commit = async (section: unknown, events: WatchEventDraft[]) => bus.publish(await store.commit({ sections: { [RECOVERY_SECTION]: section }, events, sync: true }));
  try {
    const { section, problem } = readSection(store.section(RECOVERY_SECTION));
    if (problem) throw ksaError('KSA_ERR_STATE_DIR', `the recovery state in ${a.stateDir} cannot be read (${problem})`, { fix: 'pass another --state-dir' });
    const holder = section.inFlight[a.target.name];
    if (holder) throw ksaError('KSA_ERR_BAD_INPUT', `an action is in flight on ${a.target.name} (${holder.key.split('|')[0]}, since ${new Date(holder.startedAt).toISOString()})`, { fix: 'wait for it (ksa recovery history), one action at a time per target' });
    const params = checkParams(a.spec.params ?? {}, a.params, 'params');
    const now = Date.now();
    const episode = `${a.target.name}/${MANUAL_RULE}/${now}`;
    const shown = { params: redactParams(a.spec.params, params) };
    const base = { at: new Date(now).toISOString(), target: a.target.name, rule: MANUAL_RULE, episode, action: `${a.pluginId}/${a.spec.name}`, mutating: a.spec.mutating, attempt: 1, maxAttempts: 1, dryRun: false };
    let snapshot: string | undefined;
    if (a.spec.mutating) {
      const opts: DiagnoseOptions = { categories: [], thresholds: {}, timeoutMs: a.timeoutMs, allowWrite: false };
      snapshot = saveTargetSnapshot(a.stateDir, { target: a.target.name, rule: MANUAL_RULE, attempt: 1, at: now }, await a.manager.diagnose({ pluginId: a.pluginId, target: a.target, opts, withSnapshot: true })).file;
    }
    section.inFlight[a.target.name] = { key: `${MANUAL_RULE}|${episode}`, startedAt: now };
    section.rate.push(now);
    await commit(section, [{ kind: 'recovery-started', ...base, ...shown, ...(snapshot ? { snapshot } : {}) }]);
    const started = Date.now();
    const out = await a.manager.execute(a.pluginId, a.target, a.spec.name, params, true, a.timeoutMs).catch((e: unknown) => ({ ok: false, detail: toErrorInfo(e).message }));
    const outcome: Outcome = redactValue({ ok: out.ok, detail: out.detail.slice(0, 2000), durationMs: Date.now() - started }, a.secrets());
    delete section.inFlight[a.target.name];
    section.history = [...section.history, { at: new Date().toISOString(), target: a.target.name, rule: MANUAL_RULE, episode, action: base.action, attempt: 1, dryRun: false, outcome: outcome.ok ? 'succeeded' as const : 'failed' as const, detail: outcome.detail, ...shown, durationMs: outcome.durationMs, ...(snapshot ? { snapshot } : {}) }].slice(-HISTORY_LIMIT);
    await commit(section, [outcome.ok ? { kind: 'recovery-succeeded', ...base, at: new Date().toISOString(), outcome, reason: 'ran by hand (ksa action); not verified' } : { kind: 'recovery-failed', ...base, at: new Date().toISOString(), outcome, reason: outcome.detail.slice(0, 1000) }]);
    return outcome;
  } finally {
    await bus.drain(2000);
    await audit.close();
    await store.close();
  }
}
