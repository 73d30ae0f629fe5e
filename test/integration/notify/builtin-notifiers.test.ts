// The built-in notifiers over real protocols (issue 18), each through the notifier contract kit
// (a fresh instance, the receiver config checked as ksa checks it, the outcome validated, no
// secret in it): webhook and the chat/pager payloads to a local HTTP receiver that verifies the
// HMAC signature and the vendors' documented shapes; alertmanager to a real Alertmanager (Debian's
// prometheus-alertmanager, queried back through its API); email to a real SMTP server (Debian's
// aiosmtpd, into a Maildir), multipart text + HTML, Message-ID = the idempotency key.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifierTester } from '../../../src/testing/notifier-tester.js';
import { sampleNotification } from '../../../src/notify/sample-notification.js';
import { NotificationSchema } from '../../../src/notify/notification.js';
import webhook from '../../../plugins/notifiers/webhook/index.js';
import slack from '../../../plugins/notifiers/slack/index.js';
import teams from '../../../plugins/notifiers/teams/index.js';
import pagerduty from '../../../plugins/notifiers/pagerduty/index.js';
import alertmanager from '../../../plugins/notifiers/alertmanager/index.js';
import email from '../../../plugins/notifiers/email/index.js';
import { startAlertmanager, type AlertmanagerProcess } from '../../support/alertmanager-process.js';
import { startHttpReceiver, type HttpReceiver } from '../../support/http-receiver.js';
import { freePort } from '../redis/redis-servers.js';
import { repoRoot } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';

const manifest = (id: string) => join(repoRoot, 'manifests', `${id}.yaml`);
const dir = mkdtempSync(join(tmpdir(), 'ksa-notifiers-'));
const procs: ChildProcess[] = [];
let http: HttpReceiver;
let answers: number[] = [];
beforeAll(async () => {
  http = await startHttpReceiver((_r, n) => ({ status: answers[n] ?? 200, ...(answers[n] === 429 ? { headers: { 'Retry-After': '7' } } : {}), body: answers[n] === 400 ? 'bad payload' : 'ok' }));
});
afterAll(async () => {
  await http.close();
  for (const p of procs) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const last = () => http.requests.at(-1)!;

describe('webhook', () => {
  const t = new NotifierTester(webhook, manifest('webhook'));
  const secret = 'whsec-8d1f77a2';

  it('POSTs the notification as JSON with the key, custom headers and an HMAC-SHA256 over timestamp.body', async () => {
    t.validateManifest();
    const n = sampleNotification();
    const o = await t.deliver({ url: `${http.url}/hook?token=tok-1234`, secret, headers: ['X-Team: db', 'X-Env: prod'] }, n);
    expect(o).toMatchObject({ outcome: 'sent', status: 200 });
    const r = last();
    expect(NotificationSchema.parse(JSON.parse(r.raw))).toEqual(n);
    expect(r.headers['idempotency-key']).toBe(n.key);
    expect(r.headers['x-team']).toBe('db');
    const ts = String(r.headers['x-ksa-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    // What a receiver recomputes, as GitHub documents it for X-Hub-Signature-256.
    expect(r.headers['x-ksa-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.raw}`).digest('hex')}`);
    expect(r.headers['x-ksa-signature-256']).not.toBe(`sha256=${createHmac('sha256', 'other').update(`${ts}.${r.raw}`).digest('hex')}`);
  });

  it('500 and 429 (Retry-After honoured) retry; 400 fails with the reason; a dead port retries', async () => {
    answers = [...http.requests.map(() => 200), 500, 429, 400];
    expect(await t.deliver({ url: `${http.url}/a` })).toMatchObject({ outcome: 'retry', status: 500 });
    expect(await t.deliver({ url: `${http.url}/a` })).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7000 });
    expect(await t.deliver({ url: `${http.url}/a` })).toEqual({ outcome: 'failed', status: 400, detail: 'HTTP 400: bad payload' });
    const dead = await freePort();
    expect((await t.deliver({ url: `http://127.0.0.1:${dead}/x?token=tok-5678` })).outcome).toBe('retry');
    answers = [];
  });
});

describe('slack, teams, pagerduty payloads (the vendors\' documented formats)', () => {
  it('slack: Block Kit in a coloured attachment, header <= 150 chars, mrkdwn sections <= 3000, plain-text fallback in text', async () => {
    const before = http.requests.length;
    const o = await new NotifierTester(slack, manifest('slack')).deliver({ url: `${http.url}/services/T000/B000/XXXX`, link: 'https://grafana.example/d/1' });
    expect(o.outcome).toBe('sent');
    const m = http.requests[before]!.json as { text: string; attachments: Array<{ color: string; blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: unknown[] }> }> };
    expect(m.text).toMatch(/^\[TEST\] \[FIRING\] sample-target: /);
    expect(m.text).toContain('fix: Raise the memory limit'); // Mattermost / Rocket.Chat show this
    expect(m.attachments[0]!.color).toBe('#d32f2f');
    const blocks = m.attachments[0]!.blocks;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(blocks[0]!.text).toMatchObject({ type: 'plain_text' });
    expect(blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    expect(blocks[1]!.text).toMatchObject({ type: 'mrkdwn' });
    expect(blocks[1]!.text!.text).toMatch(/\*Fix:\* Raise the memory limit/);
    expect(blocks[1]!.text!.text.length).toBeLessThanOrEqual(3000);
  });

  it('teams: a message with one Adaptive Card 1.4 attachment (TextBlock, FactSet, Action.OpenUrl)', async () => {
    const before = http.requests.length;
    expect((await new NotifierTester(teams, manifest('teams')).deliver({ url: `${http.url}/webhookb2/x`, link: 'https://grafana.example/d/1' })).outcome).toBe('sent');
    const m = http.requests[before]!.json as { type: string; attachments: Array<{ contentType: string; content: { type: string; version: string; body: Array<{ type: string; facts?: Array<{ title: string; value: string }> }>; actions: Array<{ type: string; url: string }> } }> };
    expect(m.type).toBe('message');
    expect(m.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = m.attachments[0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);
    expect(card.body[2]!.facts!.map((f) => f.title)).toEqual(['Finding', 'Target', 'Since', 'Observed', 'Fix']);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: 'https://grafana.example/d/1' }]);
  });

  it('pagerduty: Events API v2 trigger then resolve with the episode as dedup_key', async () => {
    const t = new NotifierTester(pagerduty, manifest('pagerduty'));
    const before = http.requests.length;
    const now = Date.now();
    const routingKey = 'R0123456789abcdef0123456789abcdef';
    expect((await t.deliver({ routingKey, url: `${http.url}/v2/enqueue` }, sampleNotification({ now }))).outcome).toBe('sent');
    expect((await t.deliver({ routingKey, url: `${http.url}/v2/enqueue` }, sampleNotification({ now, status: 'resolved' }))).outcome).toBe('sent');
    const [trigger, resolve] = http.requests.slice(before).map((r) => r.json as Record<string, unknown>);
    expect(trigger).toMatchObject({ routing_key: routingKey, event_action: 'trigger', client: 'ksa', payload: { severity: 'critical', source: 'sample-target', class: 'sample.memory.usage' } });
    expect(Object.keys((trigger as { payload: object }).payload)).toEqual(expect.arrayContaining(['summary', 'source', 'severity', 'timestamp', 'custom_details']));
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: trigger!.dedup_key, client: 'ksa' });
    expect(String(trigger!.dedup_key).length).toBeLessThanOrEqual(255);
  });
});

describe('alertmanager (a real Alertmanager)', () => {
  let am: AlertmanagerProcess;
  let base = '';
  beforeAll(async () => {
    am = await startAlertmanager();
    base = am.url;
  }, 30_000);
  afterAll(() => am.stop());

  it('an alert with the rules\' labels is active, then resolved (endsAt) after the resolved notice', async () => {
    const t = new NotifierTester(alertmanager, manifest('alertmanager'));
    const now = Date.now();
    const firing = sampleNotification({ now, target: 'cache-1', type: 'redis', labels: { team: 'db' } });
    expect(await t.deliver({ url: base }, firing)).toMatchObject({ outcome: 'sent', status: 200 });
    type Alert = { labels: Record<string, string>; status: { state: string }; startsAt: string; endsAt: string; annotations: Record<string, string> };
    const active = (await (await fetch(`${base}/api/v2/alerts?filter=target%3D%22cache-1%22`)).json()) as Alert[];
    expect(active).toHaveLength(1);
    expect(active[0]!.labels).toEqual({ alertname: 'KsaFindingCritical', target: 'cache-1', plugin: 'sample', type: 'redis', finding: 'sample.memory.usage', severity: 'critical' });
    expect(active[0]!.status.state).toBe('active');
    expect(active[0]!.annotations.suggestion).toMatch(/Raise the memory limit/);
    expect(Date.parse(active[0]!.startsAt)).toBe(now - 120_000);

    expect((await t.deliver({ url: base }, sampleNotification({ now, target: 'cache-1', type: 'redis', labels: { team: 'db' }, status: 'resolved' }))).outcome).toBe('sent');
    const after = (await (await fetch(`${base}/api/v2/alerts?filter=target%3D%22cache-1%22`)).json()) as Alert[];
    // Resolved: endsAt is the resolve time (in the past), so Alertmanager no longer lists it as active.
    expect(after.filter((a) => a.status.state === 'active' && Date.parse(a.endsAt) > Date.now())).toEqual([]);
  });
});

describe('email (a real SMTP server)', () => {
  let port = 0;
  const maildir = join(dir, 'maildir');
  beforeAll(async () => {
    for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
    port = await freePort();
    const smtp = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });
    procs.push(smtp);
    await waitFor('aiosmtpd listening', () => new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); resolve(true); });
      sock.once('error', () => resolve(false));
    }), 20_000, 100);
  }, 30_000);

  it('one message: subject = title, text and HTML parts (the fix in both), Message-ID = the key', async () => {
    const n = sampleNotification();
    const o = await new NotifierTester(email, manifest('email')).deliver({ host: '127.0.0.1', port, tls: 'none', from: 'ksa@example.test', to: 'oncall@example.test,db@example.test' }, n);
    expect(o).toMatchObject({ outcome: 'sent', receiverId: `<${n.key}@ksa.notify>` });
    await waitFor('the message in the Maildir', () => readdirSync(join(maildir, 'new')).length === 1, 10_000);
    const raw = readFileSync(join(maildir, 'new', readdirSync(join(maildir, 'new'))[0]!), 'utf8');
    expect(raw).toMatch(new RegExp(`^Message-ID: <${n.key}@ksa\\.notify>$`, 'mi'));
    expect(raw).toMatch(/^Subject: \[TEST\] \[FIRING\] sample-target:/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    // Both parts carry the fix (quoted-printable: soft line breaks undone).
    expect(raw.replace(/=\r?\n/g, '').match(/Raise the memory limit/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('a server that is down: retry (the queue keeps it)', async () => {
    const dead = await freePort();
    expect((await new NotifierTester(email, manifest('email')).deliver({ host: '127.0.0.1', port: dead, tls: 'none', from: 'ksa@example.test', to: 'oncall@example.test' })).outcome).toBe('retry');
  });
});
