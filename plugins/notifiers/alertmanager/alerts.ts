// Alertmanager API v2 postable alerts from a notification: one alert per episode, with the label
// set of ksa serve's Prometheus rules (examples/deploy/prometheus/ksa-rules.yml: alertname, target, plugin,
// type, finding, severity), so the same problem reported both ways is one alert in Alertmanager.
import type { Notification, NotificationAlert } from '../../../src/sdk/index.js';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

const pascal = (kind: string) => kind.split(/[^a-z0-9]+/i).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/** The rules' alert names: KsaFindingCritical / KsaFindingWarning, KsaTargetUnknown; other kinds Ksa<Kind>. */
export function alertName(a: NotificationAlert): string {
  if (a.id === 'target.unknown') return 'KsaTargetUnknown';
  if (a.kind === 'firing' || a.kind === 'resolved') return `KsaFinding${pascal(a.severity)}`;
  return `Ksa${pascal(a.kind)}`;
}

/** When the episode opened: its key ends with that time in ms. */
function openedAt(a: NotificationAlert): string {
  const ms = Number(/\/(\d{10,})$/.exec(a.episode)?.[1]);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : a.since;
}

export function postableAlerts(n: Notification, now: number, ttlMs: number, link?: string): PostableAlert[] {
  return n.alerts.map((a) => {
    const labels: Record<string, string> = {
      alertname: alertName(a), target: n.target.name, plugin: a.plugin, severity: a.severity,
      ...(n.target.type ? { type: n.target.type } : {}),
      ...(a.id !== 'target.unknown' && (a.kind === 'firing' || a.kind === 'resolved') ? { finding: a.id } : {}),
    };
    const observed = a.observed ? `observed ${String(a.observed.value)}${a.observed.unit ? ` ${a.observed.unit}` : ''}` : '';
    return {
      labels,
      annotations: {
        summary: a.title,
        description: [a.reason, observed, a.node ? `node ${a.node}` : ''].filter(Boolean).join('; '),
        ...(a.suggestion ? { suggestion: a.suggestion } : {}),
        episode: a.episode,
      },
      startsAt: openedAt(a),
      // Firing: valid for ttl (Alertmanager resolves an alert nobody re-sends); resolved: ended then.
      endsAt: a.status === 'resolved' ? a.at : new Date(now + ttlMs).toISOString(),
      ...(link ? { generatorURL: link } : {}),
    };
  });
}
