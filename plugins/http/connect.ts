// Nothing to open for HTTP: connect resolves the endpoints to base URLs, reads the TLS files once
// and builds the guard and the headers (Basic from target.auth, or a bearer token option).
import { createOperationGuard, ksaError, parseEndpoint, readTlsMaterial } from '../../src/sdk/index.js';
import type { MiddlewareTarget, OperationGuard, PluginContext, TlsMaterial } from '../../src/sdk/index.js';

export interface HttpConnection {
  bases: URL[];
  guard: OperationGuard;
  headers: Record<string, string>;
  tls: TlsMaterial | undefined;
  target: MiddlewareTarget;
}

export async function connectHttp(ctx: PluginContext, target: MiddlewareTarget): Promise<HttpConnection> {
  const token = typeof target.options.bearerToken === 'string' ? target.options.bearerToken : undefined;
  const { username, password } = target.auth;
  const secrets = [password, token].filter((s): s is string => s !== undefined && s !== '');
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  else if (username !== undefined || password !== undefined) headers.authorization = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  return {
    bases: target.endpoints.map((raw) => baseUrl(raw, target, ctx.defaultPort)),
    guard: createOperationGuard(ctx.pluginId, ctx.operations, { secrets }),
    headers,
    tls: target.tls?.enabled || target.endpoints.some((e) => e.startsWith('https://')) ? readTlsMaterial(target.tls) : undefined,
    target,
  };
}

/** `https://h/x` as given; `h:port` over https when TLS is enabled for the target, else http. */
export function baseUrl(raw: string, target: MiddlewareTarget, defaultPort: number | undefined): URL {
  if (/^https?:\/\//i.test(raw)) {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url;
  }
  if (raw.includes('://')) throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(raw.slice(0, 80))} is not an http(s) URL`, { fix: 'write http://host:port[/path], https://host:port[/path] or host:port' });
  const e = parseEndpoint(raw, defaultPort);
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return new URL(`${target.tls?.enabled ? 'https' : 'http'}://${host}:${e.port}/`);
}
