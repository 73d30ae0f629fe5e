// Issue 18 acceptance, end to end with the built-in notifiers (bundled, in their worker hosts):
// a real Redis replica fault under `ksa watch` -> one signed webhook, one email (text + HTML, the
// fix in it) and an active alert in a real Alertmanager; the fix -> one resolved notice each and
// the alert resolved. The SMTP server is down when the fault fires: the email waits in the
// queue (retrying) and is delivered once the server is up, one Message-ID per notification.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { startWatch } from '../support/watch-process.js';
import { startAlertmanager } from '../support/alertmanager-process.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-builtins-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function daemon(cmd: string, args: string[]): ChildProcess {
  const p = spawn(cmd, args, { stdio: 'ignore' });
  cleanups.push(() => { p.kill('SIGKILL'); });
  return p;
}

describe('built-in notifiers under ksa watch', () => {
  it('fault -> webhook + email + Alertmanager alert; fix -> resolved notices; SMTP down meanwhile: the email is delivered once it is back', async () => {
    const primary: RedisProcess = await startRedis();
    const replica: RedisProcess = await startRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    cleanups.push(() => replica.stop(), () => primary.stop());
    await waitFor('the replica linked', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')), 20_000);
    const hook = await startHttpReceiver();
    cleanups.push(() => hook.close());
    const am = await startAlertmanager();
    cleanups.push(() => am.stop());
    const smtpPort = await freePort();
    const maildir = join(dir, 'maildir');
    for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });

    const secret = 'e2e-hmac-secret-41';
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, [
      'defaults: {interval: 300ms, timeout: 3s}',
      'targets:',
      `  - {name: replica, type: redis, endpoints: ["${replica.endpoint}"], categories: [replication]}`,
      'notify:',
      '  defaults: {groupWindow: 300ms, minBackoff: 500ms, maxBackoff: 1s}',
      '  receivers:',
      `    hook: {plugin: webhook, config: {url: "${hook.url}/ksa", secret: ${secret}}}`,
      `    mail: {plugin: email, config: {host: 127.0.0.1, port: ${smtpPort}, tls: none, from: ksa@example.test, to: oncall@example.test}, timeout: 3s}`,
      `    am: {plugin: alertmanager, config: {url: "${am.url}"}}`,
      '  routes:',
      '    - {name: all, receivers: [hook, mail, am]}',
    ].join('\n'));
    const w = startWatch(['--config', file, '--state-dir', join(dir, 'state'), '--output', 'json']);
    cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started', 20_000);
    await new Promise((r) => setTimeout(r, 800));

    replica.cli('REPLICAOF', '127.0.0.1', '1');
    const fired = await w.next('link firing', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'firing', 20_000);
    // Webhook: signed, the key in the header, the finding in the body.
    await waitFor('the webhook', () => hook.requests.some((r) => r.raw.includes(fired.id)), 20_000);
    const signed = hook.requests.find((r) => r.raw.includes(fired.id))!;
    expect(signed.headers['x-ksa-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(`${String(signed.headers['x-ksa-timestamp'])}.${signed.raw}`).digest('hex')}`);
    expect(signed.headers['idempotency-key']).toBe((signed.json as { key: string }).key);
    // Alertmanager: the alert is active.
    const alerts = () => am.alerts(['target="replica"']);
    await waitFor('the alert in Alertmanager', async () => (await alerts()).some((a) => a.labels.finding === 'redis.replication.link' && a.status.state === 'active'), 20_000);
    // Email: the SMTP server is down: retrying.
    await w.next('email retrying', (e) => e.kind === 'notification' && e.receiver === 'mail' && e.action === 'retrying', 20_000);
    daemon('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir]);
    await w.next('email sent', (e) => e.kind === 'notification' && e.receiver === 'mail' && e.action === 'sent', 30_000);

    const fixedAt = w.events.length;
    replica.cli('REPLICAOF', '127.0.0.1', String(primary.port));
    const resolved = await w.next('link resolved', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'resolved', 20_000, fixedAt);
    await waitFor('the resolved webhook', () => hook.requests.some((r) => r.raw.includes(resolved.id)), 20_000);
    expect((hook.requests.find((r) => r.raw.includes(resolved.id))!.json as { status: string }).status).toBe('resolved');
    await waitFor('two mails', () => readdirSync(join(maildir, 'new')).length >= 2, 30_000);
    await waitFor('the alert resolved', async () => !(await alerts()).some((a) => a.labels.finding === 'redis.replication.link' && a.status.state === 'active' && Date.parse(a.endsAt) > Date.now()), 20_000);

    const mails = readdirSync(join(maildir, 'new')).map((f) => readFileSync(join(maildir, 'new', f), 'utf8').replace(/=\r?\n/g, ''));
    const ids = mails.map((m) => /^Message-ID: <(ntf-[0-9a-f-]+)@ksa\.notify>$/mi.exec(m)?.[1]);
    const queuedMail = w.events.filter((e) => e.kind === 'notification' && e.receiver === 'mail' && e.action === 'queued').map((e) => String(e.key));
    // Every queued email arrived, each key once.
    expect(new Set(ids)).toEqual(new Set(queuedMail));
    expect(ids).toHaveLength(new Set(ids).size);
    const firingMail = mails.find((m) => /^Subject: \[FIRING\]/m.test(m))!;
    expect(firingMail).toMatch(/^Content-Type: text\/plain/m);
    expect(firingMail).toMatch(/^Content-Type: text\/html/m);
    expect(firingMail).toContain('Check that 127.0.0.1:1 is up'); // the fix
    expect(mails.some((m) => /^Subject: \[RESOLVED\]/m.test(m))).toBe(true);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(JSON.stringify(w.events) + w.stderr()).not.toContain(secret);
  }, 150_000);
});
