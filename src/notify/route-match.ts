// Which routes an event goes to: its notice kinds, its alert's severity, the target's name and
// labels against each route's `match:` (every given condition must hold; none given = all).
import picomatch from 'picomatch';

import type { WatchEvent } from '../watch/events.js';
import { alertOf, defaultKindMatch, noticeKinds } from './notice.js';
import type { Route } from './notify-config.js';
import type { NotificationAlert } from './notification.js';

export interface RoutedEvent {
  route: Route;
  /** The notice kind the route matched on. */
  kind: string;
  alert: NotificationAlert;
}

const matchers = new Map<string, (value: string) => boolean>();

/** A glob as recovery rules take them (picomatch: `*`, `?`, `{a,b}`, `[a-z]`); dots are ordinary characters. */
export function globMatch(pattern: string, value: string): boolean {
  let m = matchers.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    if (matchers.size > 1000) matchers.clear();
    matchers.set(pattern, m);
  }
  return m(value);
}

export function matchRoutes(event: WatchEvent, routes: readonly Route[], labelsOf: (target: string) => Readonly<Record<string, string>>): RoutedEvent[] {
  const kinds = noticeKinds(event);
  if (kinds.length === 0) return [];
  const target = event.target ?? '';
  const out: RoutedEvent[] = [];
  for (const route of routes) {
    const m = route.match;
    const kind = kinds.find((k) => (m.kinds ? m.kinds.includes(k) : defaultKindMatch(k)));
    if (!kind) continue;
    const alert = alertOf(event, kind);
    if (!alert) continue;
    if (m.severity && !m.severity.includes(alert.severity)) continue;
    if (m.targets && !m.targets.some((p) => globMatch(p, target))) continue;
    if (m.labels) {
      const labels = labelsOf(target);
      if (!Object.entries(m.labels).every(([k, v]) => labels[k] !== undefined && globMatch(v, labels[k]!))) continue;
    }
    out.push({ route, kind, alert });
  }
  return out;
}
