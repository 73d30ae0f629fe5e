// One colour per alert state for the chat notifiers: resolved green, else by severity.
import type { Notification } from '../../src/sdk/index.js';

const COLOUR = { critical: '#d32f2f', warning: '#f9a825', info: '#1976d2', resolved: '#2e7d32' } as const;

export function statusColour(n: Notification): string {
  if (n.status === 'resolved') return COLOUR.resolved;
  return n.alerts.some((a) => a.status === 'firing' && a.severity === 'critical') ? COLOUR.critical
    : n.alerts.some((a) => a.status === 'firing' && a.severity === 'warning') ? COLOUR.warning : COLOUR.info;
}
