// Which recovery rules a watch event opens an episode for: a finding that fires (or a target that
// turns unknown) matched against each rule's finding glob, minimum severity, target glob and
// labels; or what fires now, read from the watcher's records. Pure: the event (or the records) and
// the target's labels in, the matching rules out.
import picomatch from 'picomatch';

import type { WatchEvent } from '../watch/events.js';
import type { TargetRecord } from '../watch/target-record.js';
import type { RecoveryRule } from './rule-schema.js';

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

export interface CompiledRule {
  rule: RecoveryRule;
  /** Position in ksa.yaml (messages). */
  index: number;
  matchesFinding: (id: string) => boolean;
  matchesTarget: (name: string) => boolean;
}

export function compileRules(rules: readonly RecoveryRule[]): CompiledRule[] {
  return rules.map((rule, index) => ({
    rule,
    index,
    // Finding ids and target names have no path separators: `*` matches across their dots too.
    matchesFinding: rule.match.finding ? picomatch(rule.match.finding, { dot: true }) : () => false,
    matchesTarget: rule.match.target ? picomatch(rule.match.target, { dot: true }) : () => true,
  }));
}

function labelsMatch(want: Readonly<Record<string, string>> | undefined, have: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
}

/** What an event opens: a firing finding, or a target that could not be diagnosed for its `for:`. */
export type Trigger =
  | { kind: 'finding'; target: string; episode: string; since: string; finding: { id: string; node?: string; severity: 'info' | 'warning' | 'critical' } }
  | { kind: 'unreachable'; target: string; episode: string; since: string };

export function triggerOf(event: WatchEvent): Trigger | undefined {
  if (event.kind === 'finding' && event.to === 'firing') {
    const f = event.finding;
    return { kind: 'finding', target: event.target, episode: event.episode, since: event.since, finding: { id: f.id, ...(f.node ? { node: f.node } : {}), severity: f.severity } };
  }
  if (event.kind === 'target' && event.to === 'unknown') return { kind: 'unreachable', target: event.target, episode: event.episode, since: event.since };
  return undefined;
}

/**
 * What fires now, from the watcher's records: each firing finding and each unknown target, as the
 * event that opened it would trigger it (with the evidence the records keep). A rule added on
 * reload takes these up: the next event of a finding that keeps firing may be far off.
 */
export function triggersOfRecords(records: Iterable<TargetRecord>): Array<{ trigger: Trigger; evidence: Record<string, unknown> }> {
  const out: Array<{ trigger: Trigger; evidence: Record<string, unknown> }> = [];
  for (const r of records) {
    if (r.state === 'unknown' && r.episode) out.push({ trigger: { kind: 'unreachable', target: r.target, episode: r.episode, since: new Date(r.since).toISOString() }, evidence: {} });
    for (const f of Object.values(r.findings)) {
      if (f.state !== 'firing') continue;
      const finding = { id: f.finding.id, ...(f.finding.node ? { node: f.finding.node } : {}), severity: f.finding.severity };
      out.push({ trigger: { kind: 'finding', target: r.target, episode: f.episode, since: new Date(f.since).toISOString(), finding }, evidence: f.finding.evidence });
    }
  }
  return out;
}

/** The rules the trigger matches, in file order. */
export function matchingRules(rules: readonly CompiledRule[], trigger: Trigger, labels: Readonly<Record<string, string>> | undefined): CompiledRule[] {
  return rules.filter(({ rule, matchesFinding, matchesTarget }) => {
    if (!matchesTarget(trigger.target) || !labelsMatch(rule.match.labels, labels)) return false;
    if (trigger.kind === 'unreachable') return rule.match.unreachable === true;
    const min = SEVERITY_RANK[rule.match.severity ?? 'warning'];
    return matchesFinding(trigger.finding.id) && SEVERITY_RANK[trigger.finding.severity] >= min;
  });
}
