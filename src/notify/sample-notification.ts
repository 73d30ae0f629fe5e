// A realistic notification that is not a real alert (`test: true`): what `ksa notify test <route>`
// sends, and what the contract kit hands a notifier. Built like the router builds one (an alert
// from a finding event, the default templates), validated by the schema.
import { createHash } from 'node:crypto';

import { NotificationSchema, NOTIFICATION_SCHEMA_VERSION, type Notification, type NotificationAlert } from './notification.js';
import type { Templates } from './notify-config.js';
import { render } from './templates.js';

export interface SampleOptions {
  route?: string;
  receiver?: string;
  status?: 'firing' | 'resolved';
  target?: string;
  type?: string;
  labels?: Record<string, string>;
  templates?: Templates;
  link?: string;
  now?: number;
}

export function sampleNotification(o: SampleOptions = {}): Notification {
  const now = o.now ?? Date.now();
  const at = new Date(now).toISOString();
  const status = o.status ?? 'firing';
  const target = o.target ?? 'sample-target';
  const since = new Date(now - 120_000).toISOString();
  const episode = `${target}/sample.memory.usage/${now - 120_000}`;
  const alert: NotificationAlert = {
    episode, status, kind: status, id: 'sample.memory.usage', category: 'memory', title: 'Memory usage close to the limit (sample)',
    severity: 'critical', since: status === 'firing' ? since : at, at, reason: status === 'firing' ? 'breach (for: 0)' : 'value 61 back past 85.5 (90 - 5%)',
    observed: { value: status === 'firing' ? 93.4 : 61, unit: '%' }, threshold: { warning: 80, critical: 90, direction: 'above', source: 'sample threshold source' },
    evidence: { used: '934 MB', limit: '1000 MB' }, suggestion: 'Raise the memory limit or reduce the data set (this is a test notification).', plugin: 'sample',
  };
  const route = o.route ?? 'sample-route';
  const receiver = o.receiver ?? 'sample-receiver';
  const hash = createHash('sha256').update(`${route}\0${receiver}\0${status}\0${now}`).digest('hex').slice(0, 16);
  const base: Omit<Notification, 'rendered'> = {
    schemaVersion: NOTIFICATION_SCHEMA_VERSION, key: `ntf-00000000-${hash}`, route, receiver, status, kinds: [status], repeat: false, test: true,
    createdAt: at, target: { name: target, ...(o.type ? { type: o.type } : {}), labels: o.labels ?? {} }, alerts: [alert], events: [],
  };
  return NotificationSchema.parse({ ...base, rendered: render(base, o.templates, o.link) });
}
