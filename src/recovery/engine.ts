// The recovery engine (seed 000/001's RecoveryEngine), a durable subscriber of the watch loop's
// bus. A finding that fires (or a target that turns unknown) opens an episode per matching rule;
// once its `for:` has passed, the engine runs the rule's action -> verifies (re-diagnoses the
// target until the finding resolves or `verifyFor` passes) -> retries with exponential backoff
// and jitter up to maxAttempts -> escalates (an event, with the attempts) and runs the action's
// rollback. Around every attempt: dry-run unless enforced, one action in flight per target, a
// cooldown per (rule, target), a global rate limit, and a snapshot of the target first. All of it
// is in the state dir (section `recovery`) before anything runs, so a watcher that crash-loops
// cannot bypass a limit or lose an escalation: an attempt cut short by a crash is recorded as
// interrupted and verified after the restart, never blindly run again.
import { checkParams, redactParams } from '../core/action-params.js';
import { backoffDelay } from '../core/backoff.js';
import { parseDuration } from '../core/duration.js';
import { ksaError, toErrorInfo } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import { summarizeEvidence } from '../watch/evidence-summary.js';
import { attemptArgv, runAttempt, runRollback, type ActionPorts } from './attempt.js';
import { compileRules, matchingRules, triggerOf, triggersOfRecords, type CompiledRule, type Trigger } from './rule-match.js';
import { FINAL_PHASES, HISTORY_LIMIT, rateLimitedUntil, readSection, RECOVERY_SECTION, type Episode, type HistoryEntry, type Outcome, type RecoverySection } from './recovery-state.js';
import { saveTargetSnapshot, type SavedSnapshot } from './target-snapshot.js';
import { recordManualAction, type ManualRequest, type ManualResult } from './manual-action.js';
import { render } from './template.js';
import { stillFiring } from './verify.js';
import type { ActionRef } from './action-catalog.js';
import type { RecoveryConfig, RecoveryRule } from './rule-schema.js';
import type { DiagnoseRequest } from '../core/manager.js';
import type { DiagnosticResult, Logger, Snapshot } from '../core/types.js';
import type { EventHandler } from '../watch/event-bus.js';
import type { WatchEvent, WatchEventDraft, WatchEventKind } from '../watch/events.js';
import type { TargetRecord } from '../watch/target-record.js';
import type { WatchTarget } from '../watch/watch-targets.js';

/** What the engine needs of the watch loop: its state store (via the sink) and its bus. */
export interface RecoverySink {
  section(name: string): unknown;
  /** Persists the sections and events (sync: now), then publishes the events. */
  commit(change: { sections?: Record<string, unknown>; events?: readonly WatchEventDraft[]; sync?: boolean }): Promise<void>;
  subscribe(name: string, handler: EventHandler, options?: { durable?: boolean; kinds?: readonly WatchEventKind[] }): () => void;
  records(): ReadonlyMap<string, TargetRecord>;
}

export interface RecoveryEngineOptions {
  config: () => RecoveryConfig;
  /** Each rule's resolved action (action-catalog.ts checkRules). */
  actions: () => ReadonlyMap<string, ActionRef>;
  /** --enforce; else the config's mode decides. */
  enforce: boolean;
  targets: () => ReadonlyMap<string, WatchTarget>;
  diagnose: (req: DiagnoseRequest) => Promise<{ result: DiagnosticResult; snapshot?: Snapshot }>;
  ports: ActionPorts;
  sink: RecoverySink;
  stateDir: string;
  logger: Logger;
  secrets?: () => readonly string[];
  now?: () => number;
  /** How often due episodes are looked at (default 250 ms). */
  tickMs?: number;
}

/** The durable subscriber name (its cursor in the state store). */
export const RECOVERY_SUBSCRIBER = 'recovery';
/** Finished episodes are remembered this long (a redelivered event must not open them again). */
const FORGET_MS = 24 * 3_600_000;
const UNREACHABLE_RETRY_MS = 5_000;
const IN_FLIGHT_RETRY_MS = 1_000;

interface Limits { maxAttempts: number; backoff: { baseMs: number; maxMs: number }; cooldownMs: number; settleMs: number; verifyForMs: number; timeoutMs: number }

export class RecoveryEngine {
  private s: RecoverySection;
  private rules: CompiledRule[] = [];
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly o: RecoveryEngineOptions) {
    const { section, problem } = readSection(o.sink.section(RECOVERY_SECTION));
    if (problem) o.logger.warn(`recovery state in ${o.stateDir} is unreadable (${problem}): starting from an empty one`);
    this.s = section;
    this.reload();
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private enforcing(): boolean {
    return this.o.enforce || this.o.config().mode === 'enforce';
  }

  /**
   * The rules changed (config reload). A rule added or changed takes up what fires now: it opens
   * its episodes for the firing findings (and unknown targets) it matches, as their event would
   * have; an episode it already has is left as it is (one action per episode).
   */
  reload(): void {
    this.rules = compileRules(this.o.config().rules);
    if (this.unsubscribe === undefined || this.stopped) return; // starting: start() takes up
    void this.takeUpFreshRules().catch((error: unknown) => this.o.logger.error(`recovery: the rules' new episodes could not be saved: ${toErrorInfo(error).message}`));
  }

  /**
   * Takes up what a previous process left (attempts cut short are recorded as interrupted and
   * verified), subscribes (durable: before the watcher's first event), takes up what fires for
   * rules new or changed since the last process, and starts looking at due episodes.
   */
  async start(): Promise<void> {
    await this.recoverInterrupted();
    this.unsubscribe = this.o.sink.subscribe(RECOVERY_SUBSCRIBER, (e) => this.onEvent(e), { durable: true, kinds: ['finding', 'target'] });
    await this.takeUpFreshRules();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 250);
    this.timer.unref();
  }

  /**
   * Rules not run as they are now (by the last process or before a reload) open their episodes for
   * what the watcher's records say fires now; the rules as they are now are saved. A state dir from
   * before rules were saved takes up nothing (its rules are taken as run).
   */
  private async takeUpFreshRules(): Promise<void> {
    const ran = this.s.rules;
    const now = Object.fromEntries(this.rules.map((r) => [r.rule.name, JSON.stringify(r.rule)]));
    const fresh = ran === undefined ? [] : this.rules.filter((r) => ran[r.rule.name] !== now[r.rule.name]);
    const unchanged = JSON.stringify(ran) === JSON.stringify(now);
    let opened = false;
    if (fresh.length > 0) for (const { trigger, evidence } of triggersOfRecords(this.o.sink.records().values())) opened = this.open(trigger, evidence, fresh) || opened;
    this.s.rules = now;
    if (opened || !unchanged) await this.o.sink.commit({ sections: { [RECOVERY_SECTION]: this.s } });
  }

  /** No new steps; waits for the running ones up to `graceMs` (an attempt still running is found interrupted at the next start). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => { t = setTimeout(r, graceMs); })]);
    clearTimeout(t);
  }

  /**
   * An action run by hand in this process (ksa serve's API), on this engine's own section: its gates
   * (one in flight per target, the rate limit), the target taken while it runs, recorded beside the
   * rules' attempts and committed through the sink like them (src/recovery/manual-action.ts).
   */
  async runManual(a: ManualRequest): Promise<ManualResult> {
    if (this.stopped) throw ksaError('KSA_ERR_BAD_INPUT', 'the recovery engine is stopping', { fix: 'run the action again once ksa serve has restarted' });
    const step = recordManualAction({
      stateDir: this.o.stateDir,
      section: () => this.s,
      rateLimit: () => this.o.config().rateLimit,
      commit: (_section, events) => this.persist(events),
    }, a);
    this.running.add(step);
    void step.catch(() => undefined).finally(() => this.running.delete(step));
    return step;
  }

  history(): readonly HistoryEntry[] {
    return this.s.history;
  }

  episodes(): Readonly<Record<string, Episode>> {
    return this.s.episodes;
  }

  // --- events ------------------------------------------------------------------------------------

  private async onEvent(event: WatchEvent): Promise<void> {
    const trigger = triggerOf(event);
    if (trigger) {
      this.open(trigger, event.kind === 'finding' ? event.finding.evidence : {}, this.rules);
      // Written with the acknowledgement of this event (the same journal line or an earlier one).
      await this.o.sink.commit({ sections: { [RECOVERY_SECTION]: this.s } });
      return;
    }
    const ended = (event.kind === 'finding' && (event.to === 'resolved' || event.to === 'ok')) || (event.kind === 'target' && event.to === 'ok');
    if (!ended) return;
    const drafts: WatchEventDraft[] = [];
    for (const [key, ep] of Object.entries(this.s.episodes)) {
      if (ep.episode !== event.episode || FINAL_PHASES.has(ep.phase)) continue;
      if (ep.phase === 'running') ep.resolvedSeen = true;
      else if (ep.phase === 'waiting' && ep.attempts === 0) this.finish(ep, 'closed');
      else if (!this.busy.has(key)) drafts.push(...this.succeed(ep, 'the finding resolved'));
    }
    await this.o.sink.commit({ sections: { [RECOVERY_SECTION]: this.s }, events: drafts, sync: drafts.length > 0 });
  }

  /** Opens an episode of each of `rules` the trigger matches (not again: redelivered, or the same episode with another severity). */
  private open(trigger: Trigger, evidence: Record<string, unknown>, rules: readonly CompiledRule[]): boolean {
    const target = this.o.targets().get(trigger.target);
    if (!target) return false;
    let opened = false;
    for (const { rule } of matchingRules(rules, trigger, target.config.labels)) {
      const key = `${rule.name}|${trigger.episode}`;
      if (this.s.episodes[key]) continue;
      const forMs = rule.match.for ? parseDuration(rule.match.for) : 0;
      this.s.episodes[key] = {
        rule: rule.name, target: trigger.target, episode: trigger.episode, trigger: trigger.kind,
        ...(trigger.kind === 'finding' ? { finding: trigger.finding } : {}),
        evidence,
        phase: 'waiting', dueAt: Date.parse(trigger.since) + forMs, attempts: 0, failed: [], said: [], updatedAt: this.now(),
      };
      opened = true;
    }
    return opened;
  }

  // --- the loop ----------------------------------------------------------------------------------

  private tick(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const [key, ep] of Object.entries(this.s.episodes)) {
      if (FINAL_PHASES.has(ep.phase)) {
        if (now - ep.updatedAt > FORGET_MS) delete this.s.episodes[key];
        continue;
      }
      if (ep.phase === 'running' || this.busy.has(key) || ep.dueAt > now) continue;
      this.busy.add(key);
      const step = (ep.phase === 'verifying' ? this.verify(key, ep) : this.begin(key, ep))
        .catch((error: unknown) => this.o.logger.error(`recovery ${ep.rule} on ${ep.target}: ${toErrorInfo(error).message}`))
        .finally(() => { this.busy.delete(key); this.running.delete(step); });
      this.running.add(step);
    }
  }

  private limits(rule: RecoveryRule): Limits {
    const d = this.o.config().defaults;
    const b = rule.backoff ?? d.backoff;
    return {
      maxAttempts: rule.maxAttempts ?? d.maxAttempts,
      backoff: { baseMs: parseDuration(b.initial), maxMs: parseDuration(b.max) },
      cooldownMs: parseDuration(rule.cooldown ?? d.cooldown),
      settleMs: parseDuration(rule.settle ?? d.settle),
      verifyForMs: parseDuration(rule.verifyFor ?? d.verifyFor),
      timeoutMs: parseDuration(rule.timeout ?? d.timeout),
    };
  }

  private ruleOf(ep: Episode): { rule: RecoveryRule; ref: ActionRef; target: WatchTarget } | undefined {
    const rule = this.o.config().rules.find((r) => r.name === ep.rule);
    const ref = rule ? this.o.actions().get(rule.name) : undefined;
    const target = this.o.targets().get(ep.target);
    return rule && ref && target ? { rule, ref, target } : undefined;
  }

  /** Starts an attempt once every gate lets it (each gate that holds it back is reported once). */
  private async begin(key: string, ep: Episode): Promise<void> {
    const found = this.ruleOf(ep);
    if (!found) {
      this.finish(ep, 'closed');
      return this.persist([]);
    }
    const { rule, ref, target } = found;
    const lim = this.limits(rule);
    const now = this.now();
    const base = this.base(ep, ref, lim);
    if (ref.kind === 'plugin' && ref.pluginId !== target.request.pluginId) {
      return this.persist(this.say(ep, 'invalid-params', base, `action ${ref.pluginId}/${ref.spec.name} cannot run on target ${ep.target} (diagnosed by ${target.request.pluginId})`, true));
    }
    const state = this.o.sink.records().get(ep.target)?.state;
    if (ep.trigger === 'finding' && state !== undefined && state !== 'ok') {
      ep.dueAt = now + UNREACHABLE_RETRY_MS;
      return this.persist(this.say(ep, 'unreachable', base, `target ${ep.target} cannot be diagnosed now; rule ${rule.name} is not meant for an unreachable target`));
    }
    let params: Record<string, unknown>;
    let argv: string[] | undefined;
    try {
      const scope = { finding: { ...(ep.finding ?? {}), evidence: ep.evidence, episode: ep.episode }, target: { name: target.name, type: target.request.target.type, labels: target.config.labels ?? {} } };
      const rendered = Object.fromEntries(Object.entries(rule.action.params).map(([k, v]) => [k, render(v, scope, `rule ${rule.name} params.${k}`)]));
      params = checkParams(ref.spec.params ?? {}, rendered, `rule ${rule.name} params`);
      argv = attemptArgv(ref, params, target.request.target);
    } catch (error) {
      return this.persist(this.say(ep, 'invalid-params', base, toErrorInfo(error).message, true));
    }
    const shown = { params: redactParams(ref.spec.params, params), ...(argv ? { argv } : {}) };
    const what = argv ? argv.join(' ') : `${ref.pluginId} ${ref.spec.name} ${JSON.stringify(shown.params)}`;
    if (!this.enforcing()) {
      this.log(ep, 'planned', { ...base, attempt: 0, dryRun: true }, `dry-run: would run ${what}`, shown);
      this.o.logger.info(`recovery ${rule.name} on ${ep.target}: dry-run: would run ${what}`);
      this.finish(ep, 'closed');
      return this.persist([{ kind: 'recovery-planned', ...base, attempt: 0, ...shown, reason: `dry-run: would run ${what}`.slice(0, 1000) }]);
    }
    const holder = this.s.inFlight[ep.target];
    if (holder && holder.key !== key) {
      ep.dueAt = now + IN_FLIGHT_RETRY_MS;
      return this.persist(this.say(ep, 'in-flight', base, `another action runs on ${ep.target} (${holder.key.split('|')[0]})`));
    }
    const last = this.s.lastAction[`${rule.name}|${ep.target}`];
    if (ep.attempts === 0 && last !== undefined && last + lim.cooldownMs > now) {
      ep.dueAt = last + lim.cooldownMs;
      return this.persist(this.say(ep, 'cooldown', base, `rule ${rule.name} acted on ${ep.target} ${Math.round((now - last) / 1000)} s ago (cooldown ${rule.cooldown ?? this.o.config().defaults.cooldown})`, false, ep.dueAt));
    }
    const rateLimit = this.o.config().rateLimit;
    const allowedAt = rateLimitedUntil(this.s, rateLimit, now);
    if (allowedAt !== undefined) {
      ep.dueAt = allowedAt;
      return this.persist(this.say(ep, 'rate-limited', base, `rate limit: ${rateLimit.actions} actions per ${rateLimit.per} reached over all targets (an action storm?); held until it allows one`, false, ep.dueAt));
    }
    // Taken: recorded before anything runs (in memory now, on disk before the action starts).
    const attempt = ep.attempts + 1;
    this.s.inFlight[ep.target] = { key, startedAt: now };
    this.s.lastAction[`${rule.name}|${ep.target}`] = now;
    this.s.rate.push(now);
    Object.assign(ep, { phase: 'running', attempts: attempt, resolvedSeen: false, updatedAt: now, current: shown });
    let snapshot: SavedSnapshot | undefined;
    if (ref.spec.mutating) {
      try {
        snapshot = saveTargetSnapshot(this.o.stateDir, { target: ep.target, rule: rule.name, attempt, at: now }, await this.o.diagnose({ ...target.request, withSnapshot: true }));
        ep.current = { ...shown, snapshot: snapshot.file };
      } catch (error) {
        this.o.logger.warn(`recovery ${rule.name} on ${ep.target}: the snapshot before the action could not be saved: ${toErrorInfo(error).message}`);
      }
      if (ep.trigger === 'finding' && snapshot?.ok !== true) {
        // The target cannot be diagnosed right now: no mutation of what cannot be looked at.
        delete this.s.inFlight[ep.target];
        this.s.rate.pop();
        if (last === undefined) delete this.s.lastAction[`${rule.name}|${ep.target}`];
        else this.s.lastAction[`${rule.name}|${ep.target}`] = last;
        Object.assign(ep, { phase: attempt === 1 ? 'waiting' : 'backoff', attempts: attempt - 1, dueAt: now + UNREACHABLE_RETRY_MS });
        return this.persist(this.say(ep, 'unreachable', base, `target ${ep.target} could not be diagnosed for the snapshot before the action`));
      }
    }
    const started: WatchEventDraft[] = [
      ...(attempt === 1 ? [{ kind: 'recovery-planned' as const, ...base, attempt, ...shown, reason: `will run ${what}`.slice(0, 1000) }] : []),
      { kind: 'recovery-started', ...base, attempt, ...shown, ...(snapshot ? { snapshot: snapshot.file } : {}) },
    ];
    await this.persist(started);
    this.o.logger.info(`recovery ${rule.name} on ${ep.target}: attempt ${attempt}/${lim.maxAttempts}: ${what}`);
    const outcome = await runAttempt(this.o.ports, ref, target.request.target, params, this.commandContext(ep, attempt), lim.timeoutMs);
    delete this.s.inFlight[ep.target];
    ep.last = this.redact(outcome);
    if (!outcome.ok) return this.fail(ep, found, lim, outcome.detail);
    if (ep.resolvedSeen) return this.persist(this.succeed(ep, 'the finding resolved while the action ran'));
    Object.assign(ep, { phase: 'verifying', dueAt: this.now() + lim.settleMs, verifyUntil: this.now() + lim.verifyForMs, updatedAt: this.now() });
    await this.persist([]);
  }

  /** Re-diagnoses the target: resolved -> succeeded; still firing past verifyFor -> a failed attempt. */
  private async verify(_key: string, ep: Episode): Promise<void> {
    const found = this.ruleOf(ep);
    if (!found) {
      this.finish(ep, 'closed');
      return this.persist([]);
    }
    const lim = this.limits(found.rule);
    const { result } = await this.o.diagnose({ ...found.target.request, withSnapshot: false });
    const verdict = stillFiring(result, ep);
    if (verdict.firing === false) return this.persist(this.succeed(ep, verdict.why));
    if (verdict.evidence) ep.evidence = summarizeEvidence(verdict.evidence);
    const now = this.now();
    if (now < (ep.verifyUntil ?? 0)) {
      ep.dueAt = now + Math.max(lim.settleMs, 500);
      return this.persist([]);
    }
    await this.fail(ep, found, lim, `${verdict.why} ${Math.round(lim.verifyForMs / 1000)} s after the action`);
  }

  private async fail(ep: Episode, found: { rule: RecoveryRule; ref: ActionRef; target: WatchTarget }, lim: Limits, why: string): Promise<void> {
    const now = this.now();
    const base = this.base(ep, found.ref, lim);
    ep.failed = [...ep.failed, { attempt: ep.attempts, at: new Date(now).toISOString(), ok: false, detail: why.slice(0, 500) }].slice(-50);
    this.log(ep, 'failed', base, why, ep.current, ep.last);
    const outcome = ep.last ? { outcome: ep.last } : {};
    if (ep.attempts < lim.maxAttempts) {
      Object.assign(ep, { phase: 'backoff', dueAt: now + backoffDelay(ep.attempts, lim.backoff), updatedAt: now });
      return this.persist([{ kind: 'recovery-failed', ...base, ...outcome, reason: why.slice(0, 1000), nextAttemptAt: new Date(ep.dueAt).toISOString() }]);
    }
    const rollback = await runRollback(this.o.ports, found.ref, found.target.request.target, ep.current?.params ?? {}, this.commandContext(ep, ep.attempts), lim.timeoutMs)
      .catch((error: unknown) => ({ argv: [], outcome: { ok: false, detail: toErrorInfo(error).message, durationMs: 0 } satisfies Outcome }));
    if (rollback) this.log(ep, 'rolled-back', base, rollback.outcome.detail, { params: ep.current?.params ?? {}, argv: rollback.argv }, rollback.outcome);
    this.log(ep, 'escalated', base, `${ep.attempts} attempt(s) failed: ${why}`);
    this.o.logger.warn(`recovery ${ep.rule} on ${ep.target}: escalated after ${ep.attempts} failed attempt(s): ${why}`);
    const failedAttempts = ep.failed.length;
    this.finish(ep, 'escalated');
    await this.persist([
      { kind: 'recovery-failed', ...base, ...outcome, reason: why.slice(0, 1000) },
      { kind: 'recovery-escalated', ...base, failedAttempts, attempts: ep.failed.slice(-50), reason: why.slice(0, 1000), ...(rollback ? { rollback: this.redact(rollback.outcome) } : {}) },
    ]);
  }

  private succeed(ep: Episode, why: string): WatchEventDraft[] {
    const found = this.ruleOf(ep);
    if (!found) {
      this.finish(ep, 'succeeded');
      return [];
    }
    const base = this.base(ep, found.ref, this.limits(found.rule));
    const outcome = ep.last ?? { ok: true, detail: why, durationMs: 0 };
    this.log(ep, 'succeeded', base, `${why} (attempt ${ep.attempts})`, ep.current, ep.last);
    this.o.logger.info(`recovery ${ep.rule} on ${ep.target}: succeeded at attempt ${ep.attempts}: ${why}`);
    this.finish(ep, 'succeeded');
    return [{ kind: 'recovery-succeeded', ...base, outcome: { ...outcome, ok: true }, reason: why }];
  }

  // --- bookkeeping -------------------------------------------------------------------------------

  /** An attempt found in flight at start: the process died during it. Recorded, then verified (never run blindly again). */
  private async recoverInterrupted(): Promise<void> {
    const now = this.now();
    let changed = false;
    for (const [key, ep] of Object.entries(this.s.episodes)) {
      if (ep.phase !== 'running') continue;
      const found = this.ruleOf(ep);
      const lim = found ? this.limits(found.rule) : { settleMs: 0, verifyForMs: 0 };
      const since = Object.values(this.s.inFlight).find((f) => f.key === key)?.startedAt ?? ep.updatedAt;
      ep.last = { ok: false, detail: 'interrupted: ksa stopped during the action (a crash or kill -9); whether it took effect is verified', durationMs: Math.max(0, now - since) };
      // It ran for real (only an enforcing engine starts an attempt), whatever mode this process is in.
      if (found) this.log(ep, 'interrupted', { ...this.base(ep, found.ref, this.limits(found.rule)), dryRun: false }, ep.last.detail, ep.current);
      Object.assign(ep, { phase: 'verifying', dueAt: now + lim.settleMs, verifyUntil: now + lim.verifyForMs, updatedAt: now });
      changed = true;
    }
    if (Object.keys(this.s.inFlight).length > 0) changed = true;
    this.s.inFlight = {};
    if (changed) await this.persist([]);
  }

  private base(ep: Episode, ref: ActionRef, lim: Pick<Limits, 'maxAttempts'>) {
    return {
      at: new Date(this.now()).toISOString(), target: ep.target, rule: ep.rule, episode: ep.episode,
      ...(ep.finding ? { finding: ep.finding } : {}),
      action: `${ref.pluginId}/${ref.spec.name}`, mutating: ref.spec.mutating, attempt: ep.attempts, maxAttempts: lim.maxAttempts, dryRun: !this.enforcing(),
    };
  }

  /** A gate that holds the episode back, said once per episode; `final` closes it. */
  private say(ep: Episode, why: 'cooldown' | 'in-flight' | 'rate-limited' | 'unreachable' | 'invalid-params', base: ReturnType<RecoveryEngine['base']>, reason: string, final = false, until?: number): WatchEventDraft[] {
    if (why === 'rate-limited' || why === 'invalid-params') this.o.logger.warn(`recovery ${ep.rule} on ${ep.target}: ${reason}`);
    if (final) this.finish(ep, 'closed');
    if (ep.said.includes(why)) return [];
    ep.said = [...ep.said, why];
    this.log(ep, 'skipped', base, `${why}: ${reason}`);
    return [{ kind: 'recovery-skipped', ...base, why, reason: reason.slice(0, 1000), ...(until ? { until: new Date(until).toISOString() } : {}) }];
  }

  private finish(ep: Episode, phase: 'succeeded' | 'escalated' | 'closed'): void {
    Object.assign(ep, { phase, updatedAt: this.now() });
    delete ep.verifyUntil;
  }

  private log(ep: Episode, outcome: HistoryEntry['outcome'], base: ReturnType<RecoveryEngine['base']>, detail: string, given?: Episode['current'], result?: Outcome): void {
    const entry: HistoryEntry = {
      at: base.at, target: ep.target, rule: ep.rule, episode: ep.episode, action: base.action, attempt: base.attempt, dryRun: base.dryRun, outcome, detail: detail.slice(0, 2000),
      ...(given?.params ? { params: given.params } : {}), ...(given?.argv ? { argv: given.argv } : {}), ...(given?.snapshot ? { snapshot: given.snapshot } : {}),
      ...(result ? { ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}), ...(result.stdout ? { stdout: result.stdout } : {}), ...(result.stderr ? { stderr: result.stderr } : {}), durationMs: result.durationMs } : {}),
    };
    this.s.history = [...this.s.history, this.redact(entry)].slice(-HISTORY_LIMIT);
  }

  private redact<T>(value: T): T {
    return redactValue(value, this.o.secrets?.() ?? []);
  }

  private commandContext(ep: Episode, attempt: number) {
    const t = this.o.targets().get(ep.target)!.request.target;
    return { target: { name: t.name, type: t.type, endpoints: t.endpoints }, rule: ep.rule, episode: ep.episode, attempt, finding: ep.finding };
  }

  private async persist(events: readonly WatchEventDraft[]): Promise<void> {
    await this.o.sink.commit({ sections: { [RECOVERY_SECTION]: this.s }, events, sync: true });
  }
}
