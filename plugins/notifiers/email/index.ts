// email: SMTP via nodemailer (TLS or STARTTLS, auth), the rendered title as subject, the text and
// HTML templates as a multipart/alternative message, the idempotency key as Message-ID (a mail
// system or a reader can drop a repeat). SMTP 5xx answers are permanent, the rest is retried.
import { createTransport } from 'nodemailer';
import { defineNotifierPlugin, type DeliveryOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';

interface SmtpError { responseCode?: number; code?: string; message?: string }

function outcomeOf(error: SmtpError): DeliveryOutcome {
  const code = error.responseCode;
  const detail = `SMTP ${code ?? error.code ?? 'error'}: ${(error.message ?? '').replace(/\s+/g, ' ').slice(0, 200)}`;
  return { outcome: code !== undefined && code >= 500 ? 'failed' : 'retry', detail, ...(code !== undefined ? { status: code } : {}) };
}

export default defineNotifierPlugin({
  info: { id: 'email', version: '1.0.0', name: 'Email', description: 'SMTP with TLS/STARTTLS, HTML and text' },
  async send(ctx, { notification: n, config }) {
    const remaining = Math.max(1, ctx.deadline - Date.now());
    const tls = receiverTls(config);
    const transport = createTransport({
      host: String(config.host), port: Number(config.port ?? 25), secure: config.tls === 'tls', requireTLS: config.tls === 'starttls', ignoreTLS: config.tls === 'none',
      ...(typeof config.username === 'string' ? { auth: { user: config.username, pass: String(config.password ?? '') } } : {}),
      connectionTimeout: remaining, greetingTimeout: remaining, socketTimeout: remaining,
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
      return outcomeOf(error as SmtpError);
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      transport.close();
    }
  },
});
