// One GET over HTTP(S) for plugins that read what a server already exposes (a health endpoint, a
// JSON document, a query API): bounded by the deadline and ctx.signal, redirects followed up to a
// limit (each hop passes the operation guard first), the body read up to a size limit, TLS with
// the target's CA. Node's http/https do the protocol; this adds the bounds a diagnosis needs.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ksaError, KsaError, type ErrorCode } from '../core/errors.js';
import type { TlsOptions } from '../core/types.js';
import type { OperationGuard } from './guard.js';

export interface HttpGetOptions {
  deadline: number;
  signal: AbortSignal;
  /** Every hop's `GET <path>` is asserted before the request is sent. */
  guard: OperationGuard;
  /** The operation a URL is asserted as (default `GET <path>`), e.g. without a server's path prefix. */
  operationOf?: (url: URL) => string[];
  headers?: Record<string, string>;
  /** Redirects followed (0: a 3xx is the answer). */
  redirectLimit: number;
  /** Bytes of body kept; the rest is not read and `truncated` says so. */
  bodyLimitBytes: number;
  tls?: TlsMaterial | undefined;
}

/** The target's TLS settings with its files read (once per connection, not per request). */
export interface TlsMaterial {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  servername?: string | undefined;
  rejectUnauthorized: boolean;
}

export interface HttpHop {
  url: string;
  status: number;
}

export interface HttpAnswer {
  /** The last URL asked (after redirects). */
  url: string;
  status: number;
  contentType: string | undefined;
  body: string;
  bodyBytes: number;
  /** The body was longer than bodyLimitBytes: `body` is its first bodyLimitBytes bytes. */
  truncated: boolean;
  /** Milliseconds from the first request to the end of the (kept) body, redirects included. */
  latencyMs: number;
  /** The redirects followed, in order. */
  redirects: HttpHop[];
}

export function readTlsMaterial(tls: TlsOptions | undefined): TlsMaterial | undefined {
  if (!tls) return undefined;
  const read = (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw ksaError('KSA_ERR_TLS', `cannot read the TLS ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { fix: 'check the path given as --tls-ca / tls.caFile (and certFile, keyFile)' });
    }
  };
  return { ca: read(tls.caFile, 'CA file'), cert: read(tls.certFile, 'certificate file'), key: read(tls.keyFile, 'key file'), servername: tls.servername, rejectUnauthorized: tls.rejectUnauthorized };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** GET `url`, following redirects; throws KSA_ERR_CONNECT / KSA_ERR_TLS / KSA_ERR_TIMEOUT / KSA_ERR_PROTOCOL. */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
  const started = performance.now();
  const redirects: HttpHop[] = [];
  let current = new URL(url);
  let headers = { ...options.headers };
  for (;;) {
    options.guard.assert(options.operationOf ? options.operationOf(current) : ['GET', current.pathname]);
    const answer = await getOnce(current, headers, options);
    const location = answer.response.headers.location;
    if (REDIRECTS.has(answer.status) && location !== undefined && redirects.length < options.redirectLimit) {
      answer.response.destroy();
      redirects.push({ url: current.toString(), status: answer.status });
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw ksaError('KSA_ERR_PROTOCOL', `${current.origin} redirected to a ${next.protocol} URL`, { fix: 'point the target at the final http(s) URL' });
      // Credentials stay with the origin they were given for (as curl and browsers do).
      if (next.origin !== current.origin) headers = withoutCredentials(headers);
      current = next;
      continue;
    }
    const body = await readBody(answer.response, current, options);
    return {
      url: current.toString(),
      status: answer.status,
      contentType: answer.response.headers['content-type'],
      ...body,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      redirects,
    };
  }
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

interface RawAnswer {
  status: number;
  response: IncomingMessage;
}

function getOnce(url: URL, headers: Record<string, string>, options: HttpGetOptions): Promise<RawAnswer> {
  const remaining = options.deadline - Date.now();
  if (remaining <= 0 || options.signal.aborted) return Promise.reject(timedOut(url));
  const tls = url.protocol === 'https:' ? options.tls ?? { rejectUnauthorized: true } : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...headers },
      agent: false,
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, ...(tls.servername ? { servername: tls.servername } : {}) } : {}),
    });
    const stop = (error: KsaError) => {
      req.destroy(error);
      reject(error);
    };
    // The whole answer, body included, must fit the deadline: the timer stays armed until readBody ends.
    const timer = setTimeout(() => stop(timedOut(url)), remaining);
    const onAbort = () => stop(timedOut(url));
    options.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    req.on('response', (response) => {
      response.once('close', done);
      resolve({ status: response.statusCode ?? 0, response });
    });
    req.on('error', (e) => {
      done();
      reject(e instanceof KsaError ? e : transportError(url, e as NodeJS.ErrnoException));
    });
    req.end();
  });
}

function readBody(response: IncomingMessage, url: URL, options: HttpGetOptions): Promise<{ body: string; bodyBytes: number; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    response.on('data', (chunk: Buffer) => {
      const room = options.bodyLimitBytes - kept;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        kept += Math.max(room, 0);
        truncated = true;
        // Stop reading: a huge document must not cost more than the limit.
        response.destroy();
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
    });
    const finish = () => resolve({ body: Buffer.concat(chunks).toString('utf8'), bodyBytes: kept, truncated });
    response.on('end', finish);
    response.on('close', () => (truncated ? finish() : undefined));
    response.on('error', (e) => {
      if (truncated) return finish();
      // The deadline timer destroys the request: the body then ends with a reset, which is the deadline's doing.
      const late = options.signal.aborted || Date.now() >= options.deadline;
      reject(e instanceof KsaError ? e : late ? timedOut(url) : ksaError('KSA_ERR_PROTOCOL', `the answer's body broke off (${(e as Error).message})`, { fix: 'check the server and any proxy in between' }));
    });
  });
}

function timedOut(url: URL): KsaError {
  return ksaError('KSA_ERR_TIMEOUT', `GET ${url.origin}${url.pathname} did not answer before the deadline`, { fix: 'raise --timeout, or check why the server is slow' });
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_|EPROTO$)/;

function transportError(url: URL, e: NodeJS.ErrnoException): KsaError {
  const code = e.code ?? 'error';
  const kind: ErrorCode = TLS_CODES.test(code) ? 'KSA_ERR_TLS' : 'KSA_ERR_CONNECT';
  const fix = kind === 'KSA_ERR_TLS'
    ? 'give the CA that signed the server certificate with --tls-ca (ksa.yaml tls.caFile), or check that the port speaks TLS'
    : 'check that the server runs at that address and port, and the network path to it';
  return ksaError(kind, `GET ${url.origin}${url.pathname}: ${code} ${e.message}`.slice(0, 300), { fix });
}
