// A Slack message (incoming webhook or chat.postMessage) from a notification: Block Kit in an
// attachment carrying the status colour (header, one section per alert with target, value,
// evidence and fix, the link), and the whole plain text as `text`, which Slack shows in
// notifications and Mattermost / Rocket.Chat show instead of the blocks they ignore.
import type { Notification, NotificationAlert } from '../../../src/sdk/index.js';
import { statusColour } from '../status-colour.js';

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** mrkdwn: &, < and > are control characters in Slack text. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function alertSection(a: NotificationAlert, target: string): Record<string, unknown> {
  const observed = a.observed ? `\n*Observed:* ${esc(String(a.observed.value))}${a.observed.unit ? ` ${esc(a.observed.unit)}` : ''}${a.threshold ? ` (warning ${a.threshold.warning ?? '-'}, critical ${a.threshold.critical ?? '-'})` : ''}` : '';
  const evidence = Object.entries(a.evidence).slice(0, 6).map(([k, v]) => `${esc(k)}: ${esc(typeof v === 'string' ? v : JSON.stringify(v))}`).join(', ');
  const text = `*${a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase()}* ${esc(a.title)}\n\`${esc(a.id)}\`${a.node ? ` @ ${esc(a.node)}` : ''} on *${esc(target)}* since ${a.since}${observed}${evidence ? `\n*Evidence:* ${evidence}` : ''}${a.suggestion ? `\n*Fix:* ${esc(a.suggestion)}` : ''}`;
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, 3000) } };
}

export function slackMessage(n: Notification, options: { channel?: string; link?: string } = {}): Record<string, unknown> {
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: cut(n.rendered.title, 150), emoji: false } },
    ...n.alerts.slice(0, 45).map((a) => alertSection(a, n.target.name)),
    { type: 'context', elements: [{ type: 'mrkdwn', text: cut(`route ${esc(n.route)} · ${n.test ? 'test · ' : ''}key ${n.key}`, 3000) }] },
  ];
  if (options.link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: options.link }] });
  return {
    ...(options.channel ? { channel: options.channel } : {}),
    text: cut(`${n.rendered.title}\n${n.rendered.text}`, 40_000),
    attachments: [{ color: statusColour(n), blocks }],
  };
}
