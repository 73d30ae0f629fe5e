// The email notifier over STARTTLS with AUTH under `ksa watch` (bundled, in its worker host), to a
// real aiosmtpd that requires both (test/support/smtp-auth-server.py), with a fixture target that
// is critical from the first cycle (and `ksa notify test` first: what each receiver answered):
// - the right password and the CA: one mail, over TLS, logged in, Message-ID = the queued key;
// - a wrong password: failed on the first attempt (535), dead-lettered, never retried;
// - no CA: retried, each attempt saying the certificate is not trusted and to set caFile; a reload
//   (SIGHUP) that adds caFile delivers the queued mail with its key;
// - neither password appears in the output, the log, the state dir (journal, audit log,
//   dead-letter file) or `ksa notify status`.
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';
import { startSmtpTlsServer } from '../support/smtp-tls-server.js';
import { makeTestCa } from '../support/test-ca.js';
import { waitFor } from '../support/wait-for.js';
import { startWatch, type WatchEventLine } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-smtp-tls-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const USER = 'ksa-mailer';
const PASSWORD = 'smtp-pw-e2e-Vb73Qs';
const WRONG = 'wrong-pw-e2e-Tn51Hd';

/** Every file under `root`, gzip archives unpacked, as text (one renamed away meanwhile is left out). */
function allText(root: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const file of readdirSync(root, { recursive: true }).map((f) => join(root, String(f)))) {
    try {
      if (statSync(file).isFile()) out.push({ file, text: (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file)).toString('utf8') });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

describe('email over STARTTLS with AUTH under ksa watch', () => {
  it('delivered with the CA and password; a wrong password fails once for good; an untrusted certificate retries until a reload adds caFile; no password anywhere', async () => {
    const ca = makeTestCa(join(dir, 'ca'));
    const smtp = await startSmtpTlsServer({ mode: 'starttls', ca, user: USER, password: PASSWORD, dir });
    cleanups.push(() => smtp.stop());
    const mail = (password: string, caFile?: string) => `{plugin: email, config: {host: 127.0.0.1, port: ${smtp.port}, tls: starttls, username: ${USER}, password: "${password}", ${caFile ? `caFile: "${caFile}", ` : ''}from: ksa@example.test, to: oncall@example.test}, timeout: 10s}`;
    const file = join(dir, 'ksa.yaml');
    const write = (untrustedCa?: string) => writeFileSync(file, [
      'defaults: {interval: 500ms, timeout: 5s}',
      'targets:',
      '  - {name: t0, type: fixture, endpoints: ["127.0.0.1:7000"], options: {behavior: critical}}',
      'plugins:',
      `  discovery: {packages: ["${join(repoRoot, 'test/fixtures/plugins/fixture')}"]}`,
      'notify:',
      '  defaults: {groupWindow: 100ms, minBackoff: 300ms, maxBackoff: 1s}',
      '  receivers:',
      `    mail: ${mail(PASSWORD, ca.caFile)}`,
      `    badpw: ${mail(WRONG, ca.caFile)}`,
      `    untrusted: ${mail(PASSWORD, untrustedCa)}`,
      '  routes:',
      '    - {name: all, receivers: [mail, badpw, untrusted]}',
    ].join('\n'));
    write();
    // What a user tries first: `ksa notify test` says per receiver what happened and what to change.
    const tried = await spawnKsa(['notify', 'test', 'all', '--config', file], {}, /^KSA_/);
    expect(tried.code).toBe(1);
    expect(tried.stdout).toMatch(/^mail \(email\): sent: SMTP accepted for 1 recipient\(s\) \[key ntf-/m);
    expect(tried.stdout).toMatch(/^badpw \(email\): failed: SMTP 535: .*: the server refused the login: check username and password \[key /m);
    expect(tried.stdout).toMatch(/^untrusted \(email\): retry: SMTP: the receiver's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\): set caFile to the CA certificate that signed it/m);
    expect(tried.stdout + tried.stderr).not.toContain(PASSWORD);
    expect(tried.stdout + tried.stderr).not.toContain(WRONG);
    await waitFor('the test mail in the Maildir', () => smtp.messages().length === 1, 20_000);
    expect(smtp.messages()[0]).toMatch(/^X-Ksa-Test: true$/m);
    const state = join(dir, 'state');
    const w = startWatch(['--config', file, '--state-dir', state, '--output', 'json']);
    cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
    const of = (receiver: string, action: string) => (e: WatchEventLine) => e.kind === 'notification' && e.receiver === receiver && e.action === action;

    const sent = await w.next('mail sent', of('mail', 'sent'), 60_000);
    const failed = await w.next('badpw failed', of('badpw', 'failed'), 60_000);
    expect(failed).toMatchObject({ status: 535, attempts: 1 });
    expect(String(failed.detail)).toMatch(/^SMTP 535: .*Authentication credentials invalid.*: the server refused the login: check username and password$/);
    // Retried (not failed): twice, each saying what is wrong and what to set.
    const retrying = await w.next('untrusted retrying', of('untrusted', 'retrying'), 60_000);
    expect(String(retrying.detail)).toMatch(/^SMTP: the receiver's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\): set caFile to the CA certificate that signed it/);
    await waitFor('a second untrusted attempt', () => w.events.filter(of('untrusted', 'retrying')).length >= 2, 60_000);
    expect(w.events.some(of('untrusted', 'failed'))).toBe(false);
    // The state dir while the mail waits in the queue (the journal holds it until a clean stop compacts it).
    const whileQueued = allText(state);
    expect(whileQueued.filter((f) => f.text.includes(String(retrying.key))).length).toBeGreaterThan(0);

    const reloadAt = w.events.length;
    write(ca.caFile);
    w.kill('SIGHUP');
    await w.next('reload accepted', (e) => e.kind === 'config-reload' && e.outcome === 'accepted', 30_000, reloadAt);
    const late = await w.next('untrusted sent after the reload', of('untrusted', 'sent'), 60_000, reloadAt);
    expect(late.key).toBe(retrying.key);

    // The wrong password was tried once: no retry came meanwhile (the untrusted receiver was retried several times).
    expect(w.events.filter((e) => e.kind === 'notification' && e.receiver === 'badpw' && e.action !== 'queued').map((e) => e.action)).toEqual(['failed']);
    const dead = readFileSync(join(state, 'notify-dead-letter.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; status: string; reason: string });
    expect(dead).toEqual([expect.objectContaining({ key: failed.key, status: 'failed', reason: failed.detail })]);

    // The server holds the two delivered mails, over TLS, logged in, with the queued keys as Message-IDs.
    await waitFor('two more mails in the Maildir', () => smtp.messages().length >= 3, 20_000);
    const mails = smtp.messages().filter((m) => !/^X-Ksa-Test: true$/m.test(m));
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((m) => /^Message-ID: <(ntf-[0-9a-f-]+)@ksa\.notify>$/mi.exec(m)?.[1]))).toEqual(new Set([sent.key, late.key]));
    for (const m of mails) {
      expect(m).toMatch(/^X-Test-Tls: TLSv1\.[23]$/m);
      expect(m).toMatch(new RegExp(`^X-Test-Login: ${USER}$`, 'm'));
      expect(m).toMatch(/^Content-Type: text\/plain/m);
      expect(m).toMatch(/^Content-Type: text\/html/m);
    }

    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    const status = await spawnKsa(['notify', 'status', '--state-dir', state, '--json'], {}, /^KSA_/);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(String(failed.key));
    // No password in what ksa wrote: its output and log, its state dir, its status.
    const files = [...allText(state), ...whileQueued];
    expect(files.map((f) => f.file.slice(state.length + 1))).toEqual(expect.arrayContaining(['audit.log', 'notify-dead-letter.jsonl']));
    expect(files.find((f) => f.file.endsWith('audit.log'))!.text).toContain(String(late.key));
    for (const { file: f, text } of [...files, { file: 'stdout', text: JSON.stringify(w.events) }, { file: 'stderr', text: w.stderr() }, { file: 'notify status', text: status.stdout + status.stderr }]) {
      expect(text, f).not.toContain(PASSWORD);
      expect(text, f).not.toContain(WRONG);
    }
  }, 180_000);
});
