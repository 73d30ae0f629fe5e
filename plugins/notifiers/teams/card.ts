// A Microsoft Teams incoming-webhook message: one Adaptive Card (schema 1.4) with the title in the
// status colour, a fact set per alert (target, since, observed, fix) and an Open link.
import type { Notification } from '../../../src/sdk/index.js';

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function teamsMessage(n: Notification, link?: string): Record<string, unknown> {
  const colour = n.status === 'resolved' ? 'Good' : n.alerts.some((a) => a.status === 'firing' && a.severity === 'critical') ? 'Attention' : 'Warning';
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: cut(n.rendered.title, 1000), weight: 'Bolder', size: 'Medium', color: colour, wrap: true },
    ...n.alerts.slice(0, 20).flatMap((a) => [
      { type: 'TextBlock', text: cut(`${a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase()}: ${a.title}`, 500), weight: 'Bolder', wrap: true, spacing: 'Medium' },
      {
        type: 'FactSet',
        facts: [
          { title: 'Finding', value: `${a.id}${a.node ? ` @ ${a.node}` : ''}` },
          { title: 'Target', value: n.target.name },
          { title: 'Since', value: a.since },
          ...(a.observed ? [{ title: 'Observed', value: `${String(a.observed.value)}${a.observed.unit ? ` ${a.observed.unit}` : ''}` }] : []),
          ...(a.suggestion ? [{ title: 'Fix', value: cut(a.suggestion, 1000) }] : []),
        ],
      },
    ]),
  ];
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body,
        ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }] } : {}),
      },
    }],
  };
}
