// ksa serve's HTTP(S) server on node:http: routes from one table, bearer-token scopes, bounded
// requests (headers in serve.headersTimeout, the whole request in serve.requestTimeout, bodies up to serve.maxBodyBytes, a few
// hundred connections), every answer scrubbed of the process's secrets, every write call in the
// audit log. node:http rather than a framework: an exporter serves a few requests a second and
// the whole surface is this file and the route table.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { authorize } from './bearer-auth.js';
import { matchRoute, problem, type BodyReply, type HttpMethod, type Reply, type Route, type RouteRequest } from './route-table.js';
import { serveConfig, type ServeContext } from './serve-context.js';
import { redactSecrets } from '../core/redact.js';
import { parseDuration } from '../core/duration.js';
import type { ListenAddress } from './listen-address.js';

export const MAX_CONNECTIONS = 512;

class BodyError extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyError(413, `the request body is ${declared} bytes; at most ${limit} are accepted (serve.maxBodyBytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyError(413, `the request body is over ${limit} bytes (serve.maxBodyBytes)`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'the request body is not JSON');
  }
}

function send(res: ServerResponse, reply: BodyReply, secrets: readonly string[], head: boolean): void {
  const body = Buffer.from(redactSecrets(reply.body, secrets));
  res.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...reply.headers });
  res.end(head ? undefined : body);
}

export interface ServeServer {
  server: Server;
  /** The address actually bound (port 0 picks one). */
  address: ListenAddress;
  close(): Promise<void>;
}

export async function startServeServer(listen: ListenAddress, routes: readonly Route<ServeContext>[], ctx: ServeContext): Promise<ServeServer> {
  const config = serveConfig(ctx);
  const tls = config.tls;
  const handler = (req: IncomingMessage, res: ServerResponse) => { void handle(req, res, routes, ctx); };
  const headersTimeout = parseDuration(config.headersTimeout, 'serve.headersTimeout');
  const requestTimeout = Math.max(headersTimeout, parseDuration(config.requestTimeout, 'serve.requestTimeout'));
  // Node checks the two timeouts every connectionsCheckingInterval (30 s by default): often enough to hold them.
  const options = { headersTimeout, requestTimeout, keepAliveTimeout: 5000, connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 2)) };
  const server: Server = tls
    ? createHttpsServer({ ...options, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
    : createHttpServer(options, handler);
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => { server.off('error', reject); resolve(); });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  return {
    server,
    address: { host: listen.host, port },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // event streams never end on their own
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: readonly Route<ServeContext>[], ctx: ServeContext): Promise<void> {
  const secrets = ctx.secrets();
  const head = req.method === 'HEAD';
  const method = head ? 'GET' : (req.method ?? 'GET');
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://ksa.invalid');
  } catch {
    send(res, problem(400, 'bad_request', 'the request URL cannot be parsed'), secrets, head);
    return;
  }
  const { route, params, methods } = matchRoute(routes, method, url.pathname);
  if (!route) {
    const reply = methods.length > 0
      ? { ...problem(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${methods.join(' or ')}`), headers: { allow: methods.join(', ') } }
      : problem(404, 'not_found', `no route ${url.pathname} (the API is described at /api/v1/openapi.json)`);
    send(res, reply, secrets, head);
    return;
  }
  const config = serveConfig(ctx);
  const need = route.scope === 'metrics' ? (config.auth.publicMetrics ? 'public' : 'read') : route.scope;
  const auth = authorize(req.headers.authorization, need, config.auth.tokens, ctx.env);
  const remote = `${req.socket.remoteAddress ?? '?'}`;
  const write = route.method !== 'GET';
  const audit = async (status: number, caller: string, scope: 'read' | 'admin', detail: string, target?: string) => {
    if (!write) return;
    await ctx.loop.sink.record([{ kind: 'api-call', at: new Date().toISOString(), method: route.method as Exclude<HttpMethod, 'GET'>, path: url.pathname.slice(0, 500), caller, scope, status, remote, detail: redactSecrets(detail, secrets).slice(0, 1000), ...(target ? { target } : {}) }]).catch(() => undefined);
  };
  if (!auth.ok) {
    if (need !== 'public') res.setHeader('www-authenticate', 'Bearer realm="ksa"');
    await audit(auth.status, 'anonymous', need === 'admin' ? 'admin' : 'read', auth.message);
    send(res, problem(auth.status, auth.status === 401 ? 'unauthorized' : 'forbidden', auth.message), secrets, head);
    return;
  }
  const scope = auth.scope === 'anonymous' ? 'read' : auth.scope;
  let body: unknown = {};
  if (write) {
    try {
      body = await readBody(req, config.maxBodyBytes);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      await audit(status, auth.caller, scope, (error as Error).message);
      send(res, problem(status, status === 413 ? 'payload_too_large' : 'bad_request', (error as Error).message), secrets, head);
      if (status === 413) req.socket.destroySoon(); // do not read the rest of an oversized body
      return;
    }
  }
  const request: RouteRequest = { method: route.method, path: url.pathname, params, query: url.searchParams, headers: req.headers, body, caller: auth.caller, remote };
  let reply: Reply;
  try {
    reply = await route.handle(request, ctx);
  } catch (error) {
    ctx.logger.error(`serve: ${route.method} ${route.path} failed: ${(error as Error).message}`);
    reply = problem(500, 'internal', 'the request failed inside ksa; the log has the cause');
  }
  if ('stream' in reply) {
    reply.stream(res, req);
    return;
  }
  if (write) await audit(reply.status, auth.caller, scope, reply.audit?.detail ?? `${reply.status}`, reply.audit?.target);
  send(res, reply, secrets, head);
}
