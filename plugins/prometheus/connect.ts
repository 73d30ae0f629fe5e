// A Prometheus-API server (Prometheus, Thanos, VictoriaMetrics, Mimir under a path prefix):
// connect asks its build info once, so an unreachable server, a refused login or a TLS problem
// is a coded error before any query. A 404 there is an implementation without that endpoint.
import { createOperationGuard, httpBaseUrl, httpGet, ksaError, readTlsMaterial } from '../../src/sdk/index.js';
import type { HttpAnswer, MiddlewareTarget, PluginContext, TlsMaterial } from '../../src/sdk/index.js';

/** Query answers can be large (a range over many series): beyond this the query must be narrowed. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface PrometheusConnection {
  base: URL;
  version: string | null;
  /** The target's options (packs, selector, checks), as ksa checked them. */
  options: Readonly<Record<string, unknown>>;
  /** GET `path` (below the base) with these query parameters; status and body checked by the caller. */
  get(ctx: PluginContext, path: string, params: Record<string, string>): Promise<HttpAnswer>;
}

export async function connectPrometheus(ctx: PluginContext, target: MiddlewareTarget): Promise<PrometheusConnection> {
  const token = typeof target.options.bearerToken === 'string' ? target.options.bearerToken : undefined;
  const { username, password } = target.auth;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  else if (username !== undefined || password !== undefined) headers.authorization = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  const guard = createOperationGuard(ctx.pluginId, ctx.operations, { secrets: [password, token].filter((s): s is string => !!s) });
  const base = httpBaseUrl(target.endpoints[0]!, target.tls?.enabled ?? false, ctx.defaultPort);
  const prefix = base.pathname.replace(/\/+$/, '');
  const tls: TlsMaterial | undefined = base.protocol === 'https:' ? readTlsMaterial(target.tls) : undefined;
  const get = async (c: PluginContext, path: string, params: Record<string, string>) => {
    const url = new URL(`${prefix}${path}`, base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const answer = await httpGet(url.toString(), {
      deadline: c.deadline, signal: c.signal, guard, headers, tls, redirectLimit: 3, bodyLimitBytes: MAX_ANSWER_BYTES,
      // The manifest names the API paths; a server's prefix (/prometheus for Mimir) is not part of them.
      operationOf: (u) => ['GET', u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname],
    });
    if (answer.status === 401 || answer.status === 403) {
      throw ksaError('KSA_ERR_AUTH', `${base.origin}${prefix} answered ${answer.status} to GET ${path}`, { fix: 'give a bearer token (option bearerToken) or a user and password (Basic) that may query this server' });
    }
    if (answer.truncated) throw ksaError('KSA_ERR_PROTOCOL', `the answer to GET ${path} is larger than ${MAX_ANSWER_BYTES} bytes`, { fix: 'narrow the query (a selector, an aggregation, a shorter range or a larger step)' });
    return answer;
  };
  const info = await get(ctx, '/api/v1/status/buildinfo', {});
  return { base, version: info.status === 200 ? versionOf(info.body) : null, options: target.options, get };
}

function versionOf(body: string): string | null {
  try {
    const v = (JSON.parse(body) as { data?: { version?: unknown } }).data?.version;
    return typeof v === 'string' ? v.slice(0, 40) : null;
  } catch {
    return null;
  }
}

