// PagerDuty Events API v2 events from a notification: one per alert, trigger while firing and
// resolve when resolved, with the episode as dedup_key (stable from firing to resolved, so
// PagerDuty opens one incident and resolves that one; repeats and retries fold into it).
import type { Notification, NotificationAlert } from '../../../src/sdk/index.js';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  client: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
}

const SEVERITY: Record<NotificationAlert['severity'], 'critical' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

/** dedup_key is at most 255 characters: a long episode keeps its end (the opening time). */
export function dedupKey(episode: string): string {
  return episode.length <= 255 ? episode : `…${episode.slice(-254)}`;
}

export function pagerDutyEvents(n: Notification, routingKey: string, link?: string): PagerDutyEvent[] {
  return n.alerts.map((a) => a.status === 'resolved'
    ? { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(a.episode), client: 'ksa' }
    : {
      routing_key: routingKey, event_action: 'trigger', dedup_key: dedupKey(a.episode), client: 'ksa',
      payload: {
        summary: `${a.title} on ${n.target.name}`.slice(0, 1024), source: a.node ?? n.target.name, severity: SEVERITY[a.severity], timestamp: a.since,
        component: n.target.name, ...(n.target.type ? { group: n.target.type } : {}), class: a.id,
        custom_details: { finding: a.id, reason: a.reason, observed: a.observed ?? null, threshold: a.threshold ?? null, evidence: a.evidence, fix: a.suggestion, labels: n.target.labels, notification: n.key, test: n.test },
      },
      ...(link ? { links: [{ href: link, text: 'Dashboard' }] } : {}),
    });
}
