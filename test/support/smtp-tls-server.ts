// A throwaway SMTP server with TLS and AUTH (test/support/smtp-auth-server.py on Debian's
// python3-aiosmtpd) on a free loopback port: STARTTLS required, TLS on connect, or (to show what a
// client must not do) no TLS with logins in the clear; one user and password, mail into a Maildir
// of its own. messages() reads what arrived, logins() the logins tried; stop() kills it.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../integration/redis/redis-servers.js';
import { reapOnExit } from './reap-on-exit.js';
import { repoRoot } from './services.js';
import type { TestCa } from './test-ca.js';
import { waitFor } from './wait-for.js';

export interface SmtpTlsServer {
  port: number;
  maildir: string;
  /** The raw messages in the Maildir's new/, oldest file name first. */
  messages(): string[];
  /** Each login tried so far: `accepted tls`, `refused plain`, ... (plain: the password came unencrypted). */
  logins(): string[];
  stop(): Promise<void>;
}

export interface SmtpTlsOptions {
  mode: 'starttls' | 'tls' | 'plain';
  ca: TestCa;
  user: string;
  password: string;
  /** A directory for the Maildir (made here). */
  dir: string;
}

export async function startSmtpTlsServer(o: SmtpTlsOptions): Promise<SmtpTlsServer> {
  const maildir = join(o.dir, `maildir-${o.mode}`);
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [
    join(repoRoot, 'test/support/smtp-auth-server.py'), '--port', String(port), '--maildir', maildir,
    '--cert', o.ca.certFile, '--key', o.ca.keyFile, '--mode', o.mode, '--user', o.user, '--password', o.password,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  reapOnExit(child);
  let out = '';
  let exited = false;
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  child.once('exit', () => { exited = true; });
  await waitFor(`the ${o.mode} SMTP server ready (output: ${out.slice(-300)})`, () => {
    if (exited) throw new Error(`the ${o.mode} SMTP server exited: ${out.slice(-500)}`);
    return out.includes(`ready ${port}`);
  }, 30_000);
  const dirNew = join(maildir, 'new');
  return {
    port,
    maildir,
    messages: () => readdirSync(dirNew).sort().map((f) => readFileSync(join(dirNew, f), 'utf8')),
    logins: () => [...out.matchAll(/^auth (\w+ \w+)$/gm)].map((m) => m[1]!),
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}
