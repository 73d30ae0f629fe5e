// What a watch event means to a route: its notice kinds (what `match.kinds` is compared with) and
// the alert it adds to a notification. Finding and target transitions are alerts (firing,
// resolved, unknown); any other kind (recovery-*, host, plugin, ...) is matched by its own name,
// and `<kind>-<action>` when it has an action, so kinds added later route without a change here.
import type { WatchEvent } from '../watch/events.js';
import type { NotificationAlert } from './notification.js';

/** When a route names no kinds. */
export function defaultKindMatch(kind: string): boolean {
  return kind === 'firing' || kind === 'resolved' || kind === 'unknown' || kind.startsWith('recovery-');
}

/** Kinds never routed: a notifier's own delivery events would feed themselves. */
const NEVER_ROUTED = new Set(['notification']);

/** The notice kinds of an event; empty for events that notify nobody (pending, ok, notification). */
export function noticeKinds(event: WatchEvent): string[] {
  if (NEVER_ROUTED.has(event.kind)) return [];
  if (event.kind === 'finding') {
    if (event.to === 'firing') return ['firing'];
    // Resolved only after it fired: a pending finding that clears (firing never sent) is no notice.
    if (event.to === 'resolved' && event.from === 'firing') return ['resolved'];
    return [];
  }
  if (event.kind === 'target') {
    if (event.to === 'unknown') return ['unknown'];
    if (event.from === 'unknown' && event.to === 'ok') return ['resolved'];
    return [];
  }
  // `host` + action `failed` -> host-failed; an action that is not one word (a recovery's `plugin/action`) is no kind.
  const action = (event as { action?: unknown }).action;
  return typeof action === 'string' && /^[a-z]+$/.test(action) ? [event.kind, `${event.kind}-${action}`] : [event.kind];
}

/** The severity of an alert made from another kind of event (recovery-escalated needs a human now). */
const URGENT = /escalat/;
const WORRYING = /fail|error|denied|degraded|overflow/;

/** The alert an event adds to a notification, or null for one that adds none. */
export function alertOf(event: WatchEvent, kind: string): NotificationAlert | null {
  if (event.kind === 'finding') {
    const f = event.finding;
    return {
      episode: event.episode, status: event.to === 'resolved' ? 'resolved' : 'firing', kind, id: f.id,
      ...(f.node ? { node: f.node } : {}), category: f.category, title: f.title, severity: f.severity,
      since: event.since, at: event.at, reason: event.reason,
      ...(f.observed ? { observed: f.observed } : {}), ...(f.threshold ? { threshold: f.threshold } : {}),
      evidence: f.evidence, suggestion: f.suggestion, plugin: event.plugin,
    };
  }
  if (event.kind === 'target') {
    const resolved = event.to === 'ok';
    return {
      episode: event.episode, status: resolved ? 'resolved' : 'firing', kind, id: 'target.unknown',
      title: resolved ? `${event.target} can be diagnosed again` : `${event.target} cannot be diagnosed`,
      severity: 'critical', since: event.since, at: event.at, reason: event.reason,
      evidence: event.error ? { code: event.error.code, error: event.error.message } : {},
      suggestion: '', plugin: event.plugin,
    };
  }
  // Any other kind (recovery-*, host, plugin, ...): its fields are the evidence.
  const { schemaVersion: _v, seq: _s, id, kind: _k, at, ...rest } = event as WatchEvent & Record<string, unknown>;
  const episode = typeof rest.episode === 'string' ? rest.episode : id;
  const reason = typeof rest.reason === 'string' ? rest.reason : typeof rest.detail === 'string' ? rest.detail : '';
  return {
    episode, status: 'firing', kind, id: kind, title: `${kind}${event.target ? ` on ${event.target}` : ''}`,
    severity: URGENT.test(kind) ? 'critical' : WORRYING.test(kind) ? 'warning' : 'info', since: at, at, reason: reason.slice(0, 1000),
    evidence: boundedEvidence(rest), suggestion: typeof rest.suggestion === 'string' ? rest.suggestion : '',
    plugin: typeof rest.plugin === 'string' ? rest.plugin : '',
  };
}

/** At most 20 fields, each value at most 1000 characters of JSON. */
function boundedEvidence(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields).slice(0, 20)) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    out[k] = text !== undefined && text.length > 1000 ? `${text.slice(0, 1000)}…` : v;
  }
  return out;
}
