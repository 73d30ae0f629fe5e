// The watch state machine, pure: (previous record, one cycle's result, policy, now) -> (next
// record, events to emit). Transitions are data (the tables below), like src/core/lifecycle.ts;
// what moves a state is one exhaustive table per observation (breach / clear / unreachable).
// No I/O, no clock: the caller passes `now`, so the tests drive time.
import { ksaError } from '../core/errors.js';
import type { DiagnosticResult, ErrorInfo, Finding, Measurement, Severity } from '../core/types.js';
import type { FindingState, TargetState, WatchEventDraft } from './events.js';
import { summarizeEvidence } from './evidence-summary.js';
import type { WatchPolicy } from './policy.js';
import type { FindingInfo, FindingRecord, TargetRecord } from './target-record.js';

/** Every move a finding may make; `firing -> firing` is a severity change while firing. */
export const FINDING_TRANSITIONS: Record<FindingState, readonly FindingState[]> = {
  ok: ['pending', 'firing'],
  pending: ['ok', 'firing'],
  firing: ['firing', 'resolved'],
  resolved: ['pending', 'firing'],
};

export const TARGET_TRANSITIONS: Record<TargetState, readonly TargetState[]> = {
  ok: ['pending', 'unknown'],
  pending: ['ok', 'unknown'],
  unknown: ['ok'],
};

/** A resolved finding is remembered this long (for `watch status` and its next episode), then forgotten like ok. */
export const RESOLVED_RETENTION_MS = 24 * 3_600_000;

/** One cycle's observation of one target: the diagnosis result (effective statuses already applied). */
export interface Observation {
  readonly target: string;
  readonly result: DiagnosticResult;
}

export interface Advance {
  readonly next: TargetRecord;
  /** In order; the store assigns seq and id when it persists them. */
  readonly events: WatchEventDraft[];
}

type Streak = NonNullable<FindingRecord['streak']>;
/** What a table entry decides: move to `to` (with why), or stay. */
type Move<S> = { to: S; reason: string } | null;

const iso = (ms: number) => new Date(ms).toISOString();

function extend(streak: Streak | undefined, now: number): Streak {
  return streak ? { since: streak.since, cycles: streak.cycles + 1 } : { since: now, cycles: 1 };
}

/** Has a breach lasted long enough? Both the cycle count and the duration must be met. */
function forMet(streak: Streak, policy: WatchPolicy, now: number): boolean {
  return streak.cycles >= Math.max(1, policy.forCycles) && now - streak.since >= policy.forMs;
}

function forText(streak: Streak, policy: WatchPolicy, now: number): string {
  if (policy.forCycles <= 1 && policy.forMs === 0) return 'breach (for: 0)';
  return `breach lasted ${streak.cycles} cycle(s) and ${Math.round((now - streak.since) / 1000)}s (for: ${policy.forCycles} cycle(s), ${policy.forMs / 1000}s)`;
}

// --- findings ---------------------------------------------------------------------------------

/** A breach arrives: the finding is present this cycle. */
const ON_BREACH: Record<FindingState, (streak: Streak, policy: WatchPolicy, now: number) => Move<FindingState>> = {
  ok: (s, p, now) => ({ to: forMet(s, p, now) ? 'firing' : 'pending', reason: forMet(s, p, now) ? forText(s, p, now) : 'breach, waiting for for:' }),
  pending: (s, p, now) => (forMet(s, p, now) ? { to: 'firing', reason: forText(s, p, now) } : null),
  firing: () => null,
  resolved: (s, p, now) => ({ to: forMet(s, p, now) ? 'firing' : 'pending', reason: forMet(s, p, now) ? `breach again: ${forText(s, p, now)}` : 'breach again, waiting for for:' }),
};

/** The finding is absent this cycle; `clear` says whether its value is back past the deadband. */
const ON_ABSENT: Record<FindingState, (clear: { ok: boolean; reason: string }) => Move<FindingState>> = {
  ok: () => null,
  pending: () => ({ to: 'ok', reason: 'finding absent before for: was met' }),
  firing: (clear) => (clear.ok ? { to: 'resolved', reason: clear.reason } : null),
  resolved: () => null,
};

/** Counts toward alerting: a finding that fails the gate (not info, not baselined, not below --fail-on). */
function breaches(finding: Finding): boolean {
  return finding.severity !== 'info' && finding.baselined !== true && finding.belowFailOn !== true;
}

export function findingKey(f: { id: string; node?: string | undefined }): string {
  return f.node ? `${f.id}@${f.node}` : f.id;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function infoOf(f: Finding): FindingInfo {
  return {
    id: f.id,
    ...(f.node ? { node: f.node } : {}),
    category: f.category,
    title: f.title,
    severity: f.severity,
    ...(f.observed ? { observed: f.observed } : {}),
    ...(f.threshold ? { threshold: f.threshold } : {}),
    evidence: summarizeEvidence(f.evidence),
    suggestion: f.suggestion,
  };
}

/**
 * Is a firing finding's value back past its threshold by the deadband? The threshold is the
 * limit the finding first breaches (warning, else critical); margin = hysteresis x |threshold|.
 * Without a numeric value (a state finding, or no measurement this cycle), absent means clear.
 */
export function clearOf(measurement: Measurement | undefined, hysteresis: number): { ok: boolean; reason: string; value?: number } {
  if (!measurement) return { ok: true, reason: 'finding absent' };
  const limit = measurement.warning ?? measurement.critical;
  if (limit === null) return { ok: true, reason: 'finding absent (no limit left)' };
  const margin = Math.abs(limit) * hysteresis;
  const value = measurement.value;
  const above = measurement.direction === 'above';
  const bound = above ? limit - margin : limit + margin;
  const ok = above ? value <= bound : value >= bound;
  const pct = `${Math.round(hysteresis * 10_000) / 100}%`;
  const how = `${value} ${ok ? 'back past' : 'not yet past'} ${round(bound)} (${limit} ${above ? '-' : '+'} ${pct})`;
  return { ok, reason: `value ${how}`, value };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function transitionEvent(target: string, plugin: string, key: string, from: FindingState, to: FindingState, rec: { since: number; episode: string; finding: FindingInfo }, reason: string, now: number): WatchEventDraft {
  if (!FINDING_TRANSITIONS[from].includes(to)) {
    throw ksaError('KSA_ERR_ILLEGAL_TRANSITION', `finding ${key} of ${target} cannot go from ${from} to ${to}`);
  }
  return { kind: 'finding', at: iso(now), target, plugin, from, to, episode: rec.episode, since: iso(rec.since), reason: reason.slice(0, 500), finding: rec.finding };
}

function advanceFindings(target: string, plugin: string, prev: Record<string, FindingRecord>, result: DiagnosticResult, policy: WatchPolicy, now: number, events: WatchEventDraft[]): Record<string, FindingRecord> {
  const present = new Map<string, Finding>();
  for (const f of result.findings) {
    if (!breaches(f)) continue;
    const key = findingKey(f);
    const seen = present.get(key);
    if (!seen || SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen.severity]) present.set(key, f);
  }
  const measured = new Map<string, Measurement>();
  for (const m of result.measurements ?? []) measured.set(findingKey(m), m);
  // A category that was not evaluated this cycle says nothing about its findings: hold them.
  const unevaluated = new Set(result.categories.filter((c) => c.skipped !== undefined && c.status === 'unknown' && c.notApplicable !== true).map((c) => c.name));

  const next: Record<string, FindingRecord> = {};
  const keys = new Set([...Object.keys(prev), ...present.keys()]);
  for (const key of [...keys].sort()) {
    const old = prev[key];
    const from: FindingState = old?.state ?? 'ok';
    const finding = present.get(key);
    if (finding) {
      const streak = extend(old?.state === 'resolved' ? undefined : old?.streak, now);
      const info = infoOf(finding);
      const move = ON_BREACH[from](streak, policy, now);
      if (move) {
        // A new episode opens when a breach starts from ok or resolved; pending -> firing keeps its own.
        const episode = old && old.state === 'pending' ? old.episode : `${target}/${key}/${now}`;
        const rec: FindingRecord = { state: move.to as FindingRecord['state'], since: now, streak, episode, plugin, finding: info };
        events.push(transitionEvent(target, plugin, key, from, move.to, rec, move.reason, now));
        next[key] = rec;
      } else if (old) {
        const escalated = old.state === 'firing' && old.finding.severity !== info.severity;
        const rec: FindingRecord = { ...old, streak, finding: info, plugin };
        if (escalated) events.push(transitionEvent(target, plugin, key, 'firing', 'firing', rec, `severity ${old.finding.severity} -> ${info.severity}`, now));
        next[key] = rec;
      }
      continue;
    }
    if (!old) continue;
    if (unevaluated.has(old.finding.category)) {
      next[key] = old;
      continue;
    }
    const m = measured.get(key);
    const clear = clearOf(m, policy.hysteresis);
    const observed = clear.value === undefined ? old.finding.observed : { value: clear.value, ...(m?.unit ? { unit: m.unit } : {}) };
    const info: FindingInfo = { ...old.finding, ...(observed ? { observed } : {}) };
    const move = ON_ABSENT[from](clear);
    if (!move) {
      if (from === 'resolved' && now - old.since >= RESOLVED_RETENTION_MS) continue; // forgotten: same as ok
      next[key] = { ...old, finding: info };
      continue;
    }
    const rec = { since: now, episode: old.episode, finding: info };
    events.push(transitionEvent(target, plugin, key, from, move.to, rec, move.reason, now));
    if (move.to !== 'ok') next[key] = { state: move.to as FindingRecord['state'], since: now, episode: old.episode, plugin, finding: info };
  }
  return next;
}

// --- the target ---------------------------------------------------------------------------------

/** Could the cycle diagnose the target at all? Unknown with no finding = unreachable, auth, timeout. */
export function unreachableError(result: DiagnosticResult): ErrorInfo | null {
  if (result.status !== 'unknown' || result.findings.length > 0) return null;
  return result.errors[0] ?? { code: 'KSA_ERR_INTERNAL', message: 'no category could be evaluated', retryable: false };
}

const ON_UNREACHABLE: Record<TargetState, (streak: Streak, policy: WatchPolicy, now: number) => Move<TargetState>> = {
  ok: (s, p, now) => ({ to: forMet(s, p, now) ? 'unknown' : 'pending', reason: forMet(s, p, now) ? `could not diagnose: ${forText(s, p, now)}` : 'could not diagnose, waiting for for:' }),
  pending: (s, p, now) => (forMet(s, p, now) ? { to: 'unknown', reason: `could not diagnose: ${forText(s, p, now)}` } : null),
  unknown: () => null,
};

const ON_REACHABLE: Record<TargetState, () => Move<TargetState>> = {
  ok: () => null,
  pending: () => ({ to: 'ok', reason: 'diagnosed again before for: was met' }),
  unknown: () => ({ to: 'ok', reason: 'diagnosed again' }),
};

/**
 * One cycle of one target. While the target cannot be diagnosed its findings are held as they
 * are: an unreachable target does not resolve a firing finding (nor advance a pending one).
 */
export function advance(prev: TargetRecord | undefined, obs: Observation, policy: WatchPolicy, now: number): Advance {
  const { target, result } = obs;
  const plugin = result.plugin.id;
  const events: WatchEventDraft[] = [];
  const from: TargetState = prev?.state ?? 'ok';
  const error = unreachableError(result);
  const streak = error ? extend(prev?.streak, now) : undefined;
  const move = error ? ON_UNREACHABLE[from](streak!, policy, now) : ON_REACHABLE[from]();
  const last = { at: now, status: result.status, durationMs: result.durationMs };

  let record: TargetRecord = {
    target,
    plugin,
    state: from,
    since: prev?.since ?? now,
    ...(streak ? { streak } : {}),
    ...(prev?.episode && error ? { episode: prev.episode } : {}),
    ...(error ? { error } : {}),
    last,
    findings: prev?.findings ?? {},
  };
  if (move) {
    if (!TARGET_TRANSITIONS[from].includes(move.to)) throw ksaError('KSA_ERR_ILLEGAL_TRANSITION', `target ${target} cannot go from ${from} to ${move.to}`);
    const episode = prev?.episode ?? `${target}/unknown/${now}`;
    events.push({ kind: 'target', at: iso(now), target, plugin, from, to: move.to, episode, since: iso(now), reason: move.reason, ...(error ? { error } : {}) });
    record = { ...record, state: move.to, since: now, ...(move.to === 'ok' ? {} : { episode }) };
    if (move.to === 'ok') delete record.episode;
  }
  if (!error) record = { ...record, findings: advanceFindings(target, plugin, record.findings, result, policy, now, events) };
  return { next: record, events };
}
