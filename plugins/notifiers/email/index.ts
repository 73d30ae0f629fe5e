// email: SMTP via nodemailer (TLS or STARTTLS, auth), the rendered title as subject, the text and
// HTML templates as a multipart/alternative message, the idempotency key as Message-ID (a mail
// system or a reader can drop a repeat). SMTP 5xx answers are permanent, the rest is retried.
import { createTransport } from 'nodemailer';
import { defineNotifierPlugin, describeTlsProblem, type DeliveryOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';

// nodemailer reports socket errors as ESOCKET and keeps Node's own code as originalCode.
interface SmtpError { responseCode?: number; code?: string; originalCode?: string; reason?: string; message?: string }

// The email notifier's `tls:` values are the fix when a port's TLS mode is not the one asked for.
const TLS_FIX = { 'not-tls': 'tls: tls is TLS from the first byte (port 465); a port that starts plain (587, 25) needs tls: starttls' };

// What to change for the SMTP answers a configuration causes (RFC 4954's AUTH codes, RFC 3207's STARTTLS one).
const ANSWER_FIX: Record<number, string> = {
  530: 'the server wants STARTTLS or a login first: set tls: starttls and username/password as its admin gave them',
  535: 'the server refused the login: check username and password',
  538: 'the server takes a login only over TLS: set tls: starttls (or tls for port 465)',
};

// nodemailer's words when the server refuses STARTTLS (454 "TLS not available", 502 unknown command, ...).
const NO_STARTTLS = /upgrading connection with STARTTLS/i;
const NO_STARTTLS_FIX = 'the server offers no TLS: ksa sends a password only encrypted (tls: starttls, or auto with a username); fix the server\'s TLS, or set tls: none to send it in the clear (not advised)';

function outcomeOf(error: SmtpError, tlsMode: string): DeliveryOutcome {
  const code = error.responseCode;
  const tlsProblem = describeTlsProblem({ code: error.originalCode ?? error.code, reason: error.reason, message: error.message }, TLS_FIX);
  const answer = `SMTP ${code ?? error.code ?? 'error'}: ${(error.message ?? '').replace(/\s+/g, ' ').slice(0, 200)}`;
  // Silence after connecting is what a TLS-on-connect port gives a client that waits for a plain greeting.
  const greetingFix = error.code === 'ETIMEDOUT' && /greeting/i.test(error.message ?? '') && tlsMode !== 'tls' ? 'if the port expects TLS from the first byte (465), set tls: tls' : undefined;
  const fix = NO_STARTTLS.test(error.message ?? '') ? NO_STARTTLS_FIX : (code !== undefined ? ANSWER_FIX[code] : undefined) ?? greetingFix;
  const detail = tlsProblem ? `SMTP: ${tlsProblem}` : fix ? `${answer}: ${fix}` : answer;
  // A certificate problem is retried too: fixed on the server, or by a reload with caFile, the queued mail still goes out.
  return { outcome: code !== undefined && code >= 500 ? 'failed' : 'retry', detail, ...(code !== undefined ? { status: code } : {}) };
}

export default defineNotifierPlugin({
  info: { id: 'email', version: '1.0.0', name: 'Email', description: 'SMTP with TLS/STARTTLS, HTML and text' },
  async send(ctx, { notification: n, config }) {
    const remaining = Math.max(1, ctx.deadline - Date.now());
    const tls = receiverTls(config);
    const login = typeof config.username === 'string';
    const transport = createTransport({
      // auto with a login requires STARTTLS: nodemailer would otherwise send the password in the
      // clear to a server (or a man in the middle) that does not offer it; tls: none is the explicit way.
      host: String(config.host), port: Number(config.port ?? 25), secure: config.tls === 'tls', requireTLS: config.tls === 'starttls' || (config.tls === 'auto' && login), ignoreTLS: config.tls === 'none',
      ...(login ? { auth: { user: config.username as string, pass: String(config.password ?? '') } } : {}),
      // The greeting's timer (from the connect) ends well before the deadline (from the start), so that
      // silence after connecting is reported as such (a TLS-on-connect port), not as an abort.
      connectionTimeout: remaining, greetingTimeout: Math.max(1, remaining - Math.min(2000, remaining / 4)), socketTimeout: remaining,
      ...(tls ? { tls: { ...(tls.ca ? { ca: tls.ca } : {}), rejectUnauthorized: tls.rejectUnauthorized } } : {}),
    });
    const abort = () => transport.close();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      const info = await transport.sendMail({
        from: String(config.from), to: config.to as string[], subject: n.rendered.title, text: n.rendered.text, html: n.rendered.html,
        messageId: `<${n.key}@ksa.notify>`,
        headers: { 'X-Ksa-Route': n.route, 'X-Ksa-Status': n.status, ...(n.test ? { 'X-Ksa-Test': 'true' } : {}) },
      });
      return { outcome: 'sent', detail: `SMTP accepted for ${info.accepted.length} recipient(s)`, receiverId: String(info.messageId ?? '') };
    } catch (error) {
      return outcomeOf(error as SmtpError, String(config.tls));
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      transport.close();
    }
  },
});
