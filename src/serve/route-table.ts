// The shape of ksa serve's routes: one table of {method, path, scope, handler}, matched by path
// template (`/api/v1/plugins/{id}`). The OpenAPI document (openapi.ts) is checked against this
// table by a test: every route documented, every documented route answering.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteScope } from './bearer-auth.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteRequest {
  method: HttpMethod;
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body of a POST (size-limited); {} when there is none. */
  body: unknown;
  caller: string;
  remote: string;
}

/** An answer with a body; `audit` is what the audit log records of a write call. */
export interface BodyReply { status: number; type?: string; body: string; headers?: Record<string, string>; audit?: { target?: string; detail: string } }

export type Reply =
  | BodyReply
  /** A streamed answer (Server-Sent Events): the handler owns the response until it ends. */
  | { stream: (res: ServerResponse, req: IncomingMessage) => void };

export interface Route<C> {
  method: HttpMethod;
  /** A path template: `{name}` matches one segment. */
  path: string;
  /** `metrics`: public unless serve.auth.publicMetrics is false, then read. */
  scope: RouteScope | 'metrics';
  handle(req: RouteRequest, ctx: C): Promise<Reply> | Reply;
}

export function json(status: number, value: unknown, audit?: { target?: string; detail: string }): BodyReply {
  return { status, type: 'application/json; charset=utf-8', body: `${JSON.stringify(value, null, 2)}\n`, ...(audit ? { audit } : {}) };
}

/** An error answer: `{error: {code, message}}`, the same shape on every route. */
export function problem(status: number, code: string, message: string, audit?: { target?: string }): BodyReply {
  return json(status, { error: { code, message } }, audit ? { ...audit, detail: message } : undefined);
}

/** The route a method and path hit, its path parameters; `methods` lists what the path allows (405). */
export function matchRoute<C>(routes: readonly Route<C>[], method: string, path: string): { route?: Route<C>; params: Record<string, string>; methods: HttpMethod[] } {
  const methods: HttpMethod[] = [];
  const segments = path.split('/');
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { route, params, methods };
    methods.push(route.method);
  }
  return { params: {}, methods };
}

function matchPath(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1, -1)] = decodeURIComponent(s);
      } catch {
        return undefined;
      }
    } else if (p !== s) return undefined;
  }
  return params;
}
