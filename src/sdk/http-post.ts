// One POST for notifier plugins: JSON (or any body) to a receiver, bounded by the attempt's
// deadline and ctx.signal, TLS with a CA file (or none checked, when asked), the answer's status,
// Retry-After and the first 4 KB of its body. deliveryOutcome() turns an answer into what ksa's
// delivery queue expects: 2xx sent; 429 and 5xx retry (Retry-After honoured); other 4xx failed.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryOutcome } from '../notify/notification.js';
import type { TlsMaterial } from './http-get.js';
import { describeTlsProblem } from './tls-problem.js';

export interface PostOptions {
  deadline: number;
  signal: AbortSignal;
  headers?: Record<string, string>;
  tls?: TlsMaterial | undefined;
}

export interface PostAnswer {
  status: number;
  /** Retry-After in ms (seconds or an HTTP date), when the receiver sent one. */
  retryAfterMs?: number;
  /** The first 4 KB of the answer's body. */
  body: string;
}

const BODY_KEPT = 4096;

/** Resolves with the receiver's answer; rejects with a one-line Error on a network problem, a timeout or an abort. */
export function postBody(url: string, body: string, options: PostOptions): Promise<PostAnswer> {
  const target = new URL(url);
  const remaining = options.deadline - Date.now();
  if (remaining <= 0 || options.signal.aborted) return Promise.reject(new Error('no time left before the deadline'));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = target.protocol === 'https:' ? options.tls ?? { rejectUnauthorized: true } : undefined;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers },
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, ...(tls.servername ? { servername: tls.servername } : {}) } : {}),
    });
    const stop = (why: string) => { req.destroy(new Error(why)); };
    const timer = setTimeout(() => stop(`no answer within ${remaining} ms`), remaining);
    const onAbort = () => stop('aborted (deadline)');
    options.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => { clearTimeout(timer); options.signal.removeEventListener('abort', onAbort); };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => { if (kept < BODY_KEPT) { chunks.push(c); kept += c.length; } });
      res.on('end', () => {
        done();
        const retryAfter = retryAfterMs(res.headers['retry-after']);
        resolve({ status: res.statusCode ?? 0, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}), body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_KEPT) });
      });
      res.on('error', (e) => { done(); reject(e); });
    });
    // The URL may carry a token: the message names the host only. A TLS problem says what to change.
    req.on('error', (e: NodeJS.ErrnoException & { reason?: string }) => {
      done();
      reject(new Error(`${target.host}: ${describeTlsProblem(e) ?? `${e.code ?? ''} ${e.message}`.trim()}`));
    });
    req.end(body);
  });
}

/** `Retry-After: 120` or `Retry-After: <HTTP date>` -> ms from now (at most a day). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\s*(\d{1,9})\s*$/.exec(value);
  const ms = seconds ? Number(seconds[1]) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, Math.round(ms)), 86_400_000) : undefined;
}

/** What an HTTP answer means for delivery: 2xx sent, 429/5xx retry (after Retry-After), other 4xx failed. */
export function deliveryOutcome(answer: PostAnswer, what = 'HTTP'): DeliveryOutcome {
  const detail = `${what} ${answer.status}${answer.status >= 300 && answer.body ? `: ${answer.body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
  const outcome = answer.status >= 200 && answer.status < 300 ? 'sent' : answer.status === 429 || answer.status >= 500 ? 'retry' : 'failed';
  return { outcome, detail, status: answer.status, ...(outcome === 'retry' && answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}) };
}

/** A network problem, timeout or abort: try again later. */
export function unreachable(error: unknown): DeliveryOutcome {
  return { outcome: 'retry', detail: `not delivered: ${(error as Error).message ?? String(error)}`.slice(0, 300) };
}

/** POST and classify in one: never throws. */
export async function postForOutcome(url: string, body: string, options: PostOptions, what = 'HTTP'): Promise<DeliveryOutcome> {
  try {
    return deliveryOutcome(await postBody(url, body, options), what);
  } catch (error) {
    return unreachable(error);
  }
}
