// webhook: POSTs the notification as JSON (`ksa schema notification`) to a URL, with custom
// headers, the idempotency key, and an HMAC-SHA256 signature over timestamp and body when a
// secret is set (GitHub's `sha256=<hex>` form; the timestamp header lets receivers refuse replays).
import { createHmac } from 'node:crypto';
import { defineNotifierPlugin, postForOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';

export const SIGNATURE_HEADER = 'X-Ksa-Signature-256';
export const TIMESTAMP_HEADER = 'X-Ksa-Timestamp';

/** `sha256=<hex>` of `<timestamp>.<body>` with the shared secret: what receivers recompute. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** `Name: value` items of the headers option. */
function customHeaders(items: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Array.isArray(items) ? items : []) {
    const i = String(item).indexOf(':');
    if (i > 0) out[String(item).slice(0, i).trim()] = String(item).slice(i + 1).trim();
  }
  return out;
}

export default defineNotifierPlugin({
  info: { id: 'webhook', version: '1.0.0', name: 'Webhook', description: 'JSON POST of the notification, signed' },
  async send(ctx, { notification, config }) {
    const body = JSON.stringify(notification);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const secret = typeof config.secret === 'string' ? config.secret : undefined;
    const headers: Record<string, string> = {
      ...customHeaders(config.headers),
      'Idempotency-Key': notification.key,
      'User-Agent': 'ksa-notify',
      [TIMESTAMP_HEADER]: timestamp,
      ...(secret ? { [SIGNATURE_HEADER]: signature(secret, timestamp, body) } : {}),
    };
    return postForOutcome(String(config.url), body, { deadline: ctx.deadline, signal: ctx.signal, headers, tls: receiverTls(config) });
  },
});
