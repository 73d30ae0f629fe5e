// The notifiers' secure paths against real servers, through the notifier contract kit (a fresh
// instance, the receiver config checked as ksa checks it, no secret in the outcome), with a CA and
// a server certificate made here:
// - email over STARTTLS with AUTH (aiosmtpd, STARTTLS and a login required): delivered with the CA
//   and the right password (over TLS, logged in; text + HTML, Message-ID = the key); a wrong
//   password fails for good (535) naming the fix; an untrusted certificate is retried, saying so
//   and naming caFile; a TLS mode that does not match the port says which one to use;
// - email to a server without TLS: with a username, tls: auto (the default) sends no password in
//   the clear (retried, saying why); tls: none does, as told;
// - email with TLS on connect (465-style): delivered with the CA, refused without it;
// - webhook to an HTTPS receiver: delivered and signed with the CA (or insecure), retried with a
//   clear reason without it or when the certificate names another host; a TLS URL to a plain
//   port says so.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifierTester } from '../../../src/testing/notifier-tester.js';
import { sampleNotification } from '../../../src/notify/sample-notification.js';
import webhook from '../../../plugins/notifiers/webhook/index.js';
import email from '../../../plugins/notifiers/email/index.js';
import { startHttpReceiver, type HttpReceiver } from '../../support/http-receiver.js';
import { repoRoot } from '../../support/services.js';
import { startSmtpTlsServer, type SmtpTlsOptions, type SmtpTlsServer } from '../../support/smtp-tls-server.js';
import { makeTestCa, type TestCa } from '../../support/test-ca.js';
import { waitFor } from '../../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-secure-notifiers-'));
const USER = 'ksa-mailer';
const PASSWORD = 'smtp-pw-7Qx2Lm';
const WRONG = 'wrong-pw-K4d9Zr';
let ca: TestCa;
const stops: Array<() => Promise<void>> = [];
beforeAll(() => { ca = makeTestCa(join(dir, 'ca')); }, 30_000);
afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An SMTP server for the describe block it is called in (started before its tests). */
function smtpServer(mode: SmtpTlsOptions['mode']): () => SmtpTlsServer {
  let smtp: SmtpTlsServer | undefined;
  beforeAll(async () => {
    smtp = await startSmtpTlsServer({ mode, ca, user: USER, password: PASSWORD, dir });
    stops.push(() => smtp!.stop());
  }, 40_000);
  return () => smtp!;
}

const mailer = new NotifierTester(email, join(repoRoot, 'manifests', 'email.yaml'));
const mailConfig = (port: number, more: Record<string, unknown>) => ({ host: '127.0.0.1', port, from: 'ksa@example.test', to: 'oncall@example.test', username: USER, ...more });

describe('email over STARTTLS with AUTH (a real aiosmtpd)', () => {
  const server = smtpServer('starttls');

  it('the CA and the right password: delivered over TLS, logged in, text + HTML, Message-ID = the key', async () => {
    const smtp = server();
    const n = sampleNotification();
    const o = await mailer.deliver(mailConfig(smtp.port, { tls: 'starttls', password: PASSWORD, caFile: ca.caFile }), n);
    expect(o).toMatchObject({ outcome: 'sent', receiverId: `<${n.key}@ksa.notify>` });
    await waitFor('the message in the Maildir', () => smtp.messages().length === 1, 10_000);
    const raw = smtp.messages()[0]!;
    expect(raw).toMatch(/^X-Test-Tls: TLSv1\.[23]$/m); // what the server saw: the session was encrypted ...
    expect(raw).toMatch(new RegExp(`^X-Test-Login: ${USER}$`, 'm')); // ... and logged in
    expect(raw).toMatch(new RegExp(`^Message-ID: <${n.key}@ksa\\.notify>$`, 'mi'));
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    expect(raw.replace(/=\r?\n/g, '').match(/Raise the memory limit/g)?.length).toBeGreaterThanOrEqual(2);
    expect(raw).not.toContain(PASSWORD);
    await waitFor('the login in the server\'s output', () => smtp.logins().length > 0, 10_000);
    expect(smtp.logins()).toEqual(['accepted tls']);
  });

  it('a wrong password: failed for good (535), the detail names the fix and holds no password', async () => {
    const smtp = server();
    const before = smtp.messages().length;
    const o = await mailer.deliver(mailConfig(smtp.port, { tls: 'starttls', password: WRONG, caFile: ca.caFile }));
    expect(o).toMatchObject({ outcome: 'failed', status: 535 });
    expect(o.detail).toMatch(/^SMTP 535: .*Authentication credentials invalid.*: the server refused the login: check username and password$/);
    expect(JSON.stringify(o)).not.toContain(WRONG);
    expect(JSON.stringify(o)).not.toContain(PASSWORD);
    expect(smtp.messages()).toHaveLength(before);
    await waitFor('the refused login in the server\'s output', () => smtp.logins().includes('refused tls'), 10_000);
  });

  it('no CA for the server\'s certificate: retried, the detail says it is not trusted and to set caFile; nothing delivered', async () => {
    const smtp = server();
    const before = smtp.messages().length;
    for (const tls of ['starttls', 'auto']) {
      const o = await mailer.deliver(mailConfig(smtp.port, { tls, password: PASSWORD }));
      expect(o.outcome, tls).toBe('retry');
      expect(o.detail, tls).toMatch(/^SMTP: the receiver's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\): set caFile to the CA certificate that signed it/);
    }
    expect(smtp.messages()).toHaveLength(before);
  });

  it('tls: tls on this STARTTLS port: retried, the detail says the port does not speak TLS on connect and to use tls: starttls', async () => {
    const smtp = server();
    const o = await mailer.deliver(mailConfig(smtp.port, { tls: 'tls', password: PASSWORD, caFile: ca.caFile }));
    expect(o.outcome).toBe('retry');
    expect(o.detail).toMatch(/^SMTP: the receiver does not speak TLS on this port \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\): .*needs tls: starttls$/);
  });

  it('tls: none against a server that requires STARTTLS: failed (530) naming tls: starttls', async () => {
    const smtp = server();
    const o = await mailer.deliver(mailConfig(smtp.port, { tls: 'none', password: PASSWORD }));
    expect(o).toMatchObject({ outcome: 'failed', status: 530 });
    expect(o.detail).toMatch(/530 Must issue a STARTTLS command first: .*set tls: starttls/);
  });
});

describe('email with TLS on connect (465-style, a real aiosmtpd)', () => {
  const server = smtpServer('tls');

  it('tls: tls with the CA: delivered over TLS, logged in, Message-ID = the key', async () => {
    const smtp = server();
    const n = sampleNotification();
    expect(await mailer.deliver(mailConfig(smtp.port, { tls: 'tls', password: PASSWORD, caFile: ca.caFile }), n)).toMatchObject({ outcome: 'sent', receiverId: `<${n.key}@ksa.notify>` });
    await waitFor('the message in the Maildir', () => smtp.messages().length === 1, 10_000);
    const raw = smtp.messages()[0]!;
    expect(raw).toMatch(/^X-Test-Tls: TLSv1\.[23]$/m);
    expect(raw).toMatch(new RegExp(`^X-Test-Login: ${USER}$`, 'm'));
    expect(raw).toMatch(new RegExp(`^Message-ID: <${n.key}@ksa\\.notify>$`, 'mi'));
  });

  it('without the CA: retried as not trusted; tls: starttls here (no plain greeting) says to set tls: tls', async () => {
    const smtp = server();
    const untrusted = await mailer.deliver(mailConfig(smtp.port, { tls: 'tls', password: PASSWORD }));
    expect(untrusted.outcome).toBe('retry');
    expect(untrusted.detail).toMatch(/^SMTP: the receiver's TLS certificate is not trusted .*set caFile/);
    // The client waits for a greeting the server sends only after a TLS handshake: the attempt's deadline ends it.
    const silent = await mailer.deliver(mailConfig(smtp.port, { tls: 'starttls', password: PASSWORD, caFile: ca.caFile }), sampleNotification(), { timeoutMs: 3000 });
    expect(silent.outcome).toBe('retry');
    expect(silent.detail).toMatch(/^SMTP ETIMEDOUT: Greeting never received: if the port expects TLS from the first byte \(465\), set tls: tls$/);
    expect(smtp.messages()).toHaveLength(1);
  });
});

describe('email to a server without TLS that takes logins in the clear (a real aiosmtpd)', () => {
  const server = smtpServer('plain');

  it('tls: auto (the default) with a username: no password sent, retried, the detail says why; tls: none sends it as told', async () => {
    const smtp = server();
    for (const tls of ['auto', 'starttls']) {
      const o = await mailer.deliver(mailConfig(smtp.port, { tls, password: PASSWORD }));
      expect(o.outcome, tls).toBe('retry');
      expect(o.detail, tls).toMatch(/^SMTP 454: .*STARTTLS.*: the server offers no TLS: ksa sends a password only encrypted .*set tls: none to send it in the clear \(not advised\)$/);
    }
    expect(smtp.logins()).toEqual([]);
    expect(smtp.messages()).toEqual([]);
    // The explicit choice: in the clear, as configured.
    expect((await mailer.deliver(mailConfig(smtp.port, { tls: 'none', password: PASSWORD }))).outcome).toBe('sent');
    await waitFor('the message in the Maildir', () => smtp.messages().length === 1, 10_000);
    await waitFor('the login in the server\'s output', () => smtp.logins().length > 0, 10_000);
    expect(smtp.logins()).toEqual(['accepted plain']);
    expect(smtp.messages()[0]).toMatch(/^X-Test-Tls: plain$/m);
  });
});

describe('webhook to an HTTPS receiver (a real node:https server, self-signed CA)', () => {
  const t = new NotifierTester(webhook, join(repoRoot, 'manifests', 'webhook.yaml'));
  const secret = 'whsec-tls-3f9a1c';
  let https: HttpReceiver;
  let plain: HttpReceiver;
  beforeAll(async () => {
    https = await startHttpReceiver(undefined, { tls: { key: readFileSync(ca.keyFile), cert: readFileSync(ca.certFile) } });
    plain = await startHttpReceiver();
    stops.push(() => https.close(), () => plain.close());
  });

  it('with caFile: delivered, the HMAC signature over timestamp.body verifies, the key in Idempotency-Key', async () => {
    const n = sampleNotification();
    const o = await t.deliver({ url: `${https.url}/hook?token=tok-tls-1`, secret, caFile: ca.caFile }, n);
    expect(o).toMatchObject({ outcome: 'sent', status: 200 });
    expect(https.requests).toHaveLength(1);
    const r = https.requests[0]!;
    expect(r.path).toBe('/hook?token=tok-tls-1');
    expect(r.headers['idempotency-key']).toBe(n.key);
    const ts = String(r.headers['x-ksa-timestamp']);
    expect(r.headers['x-ksa-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.raw}`).digest('hex')}`);
  });

  it('without caFile: retried, not delivered, the detail says the certificate is not trusted and to set caFile (no URL token)', async () => {
    const o = await t.deliver({ url: `${https.url}/hook?token=tok-tls-2`, secret });
    expect(o.outcome).toBe('retry');
    expect(o.detail).toMatch(/^not delivered: 127\.0\.0\.1:\d+: the receiver's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\): set caFile to the CA certificate that signed it/);
    expect(o.detail).not.toContain('tok-tls-2');
    expect(https.requests).toHaveLength(1);
  });

  it('insecure: true: delivered without the CA (testing only)', async () => {
    expect(await t.deliver({ url: `${https.url}/hook`, insecure: true })).toMatchObject({ outcome: 'sent', status: 200 });
    expect(https.requests).toHaveLength(2);
  });

  it('a certificate for another name (trusted CA): retried, the detail says so and to connect by a name it lists', async () => {
    const other = makeTestCa(join(dir, 'other-name'), 'DNS:other.test', 'other.test');
    const misnamed = await startHttpReceiver(undefined, { tls: { key: readFileSync(other.keyFile), cert: readFileSync(other.certFile) } });
    stops.push(() => misnamed.close());
    const o = await t.deliver({ url: `${misnamed.url}/hook`, caFile: other.caFile });
    expect(o.outcome).toBe('retry');
    expect(o.detail).toMatch(/: the receiver's TLS certificate is for another name \(ERR_TLS_CERT_ALTNAME_INVALID: .*\): connect by a host name or IP address the certificate lists/);
    expect(misnamed.requests).toHaveLength(0);
  });

  it('an https:// URL to a plain HTTP port: retried, the detail says the port does not speak TLS', async () => {
    const o = await t.deliver({ url: `${plain.url.replace('http:', 'https:')}/hook`, caFile: ca.caFile });
    expect(o.outcome).toBe('retry');
    expect(o.detail).toMatch(/: the receiver does not speak TLS on this port \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\): check the port/);
    expect(plain.requests).toHaveLength(0);
  });
});
