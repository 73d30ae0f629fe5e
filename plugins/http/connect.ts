// Nothing to open for HTTP: connect resolves the endpoints to base URLs, reads the TLS files once
// and builds the guard and the headers (Basic from target.auth, or a bearer token option).
import { createOperationGuard, httpBaseUrl, readTlsMaterial } from '../../src/sdk/index.js';
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
    bases: target.endpoints.map((raw) => httpBaseUrl(raw, target.tls?.enabled ?? false, ctx.defaultPort)),
    guard: createOperationGuard(ctx.pluginId, ctx.operations, { secrets }),
    headers,
    tls: target.tls?.enabled || target.endpoints.some((e) => e.startsWith('https://')) ? readTlsMaterial(target.tls) : undefined,
    target,
  };
}

