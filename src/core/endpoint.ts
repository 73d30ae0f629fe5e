// Endpoint parsing shared by the CLI (validation before any plugin runs) and plugins (connect).
import { ksaError } from './errors.js';

export interface ParsedEndpoint {
  scheme: string | undefined;
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  /** Path without the leading slash (a database number or name). */
  path: string;
  params: Record<string, string>;
}

const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

/** `a:9092,b:9092` is how most tools write a bootstrap list: one endpoint per item. URLs are kept whole. */
export function expandEndpointList(items: readonly string[]): string[] {
  return items.flatMap((e) => (e.includes('://') ? [e] : e.split(',').filter((x) => x.trim() !== '')));
}

/** Parses `host:port`, `[v6]:port`, `host` (with defaultPort) or `scheme://[user[:pw]@]host[:port][/path][?k=v]`. */
export function parseEndpoint(raw: string, defaultPort?: number): ParsedEndpoint {
  const input = raw.trim();
  if (input === '') throw ksaError('KSA_ERR_BAD_ENDPOINT', 'empty endpoint');
  if (/\s/.test(input)) throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} contains whitespace`);
  return input.includes('://') ? parseUrl(input, defaultPort) : parseHostPort(input, defaultPort);
}

function parseUrl(input: string, defaultPort: number | undefined): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    // WHATWG URL rejects a bad port without saying so; name the port when that is the cause.
    const portText = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#@]*):([^/?#]*)/i.exec(input)?.[1];
    if (portText !== undefined) checkPort(input, portText);
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} is not a valid URL (expected scheme://[user[:password]@]host[:port][/path])`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} has no host`);
  const port = url.port === '' ? requireDefault(input, defaultPort) : checkPort(input, url.port);
  const params: Record<string, string> = {};
  url.searchParams.forEach((v, k) => { params[k] = v; });
  return {
    scheme, host, port,
    username: url.username ? decodeComponent(input, 'user name', url.username) : undefined,
    password: url.password ? decodeComponent(input, 'password', url.password) : undefined,
    path: decodeComponent(input, 'path', url.pathname.replace(/^\//, '')),
    params,
  };
}

function parseHostPort(input: string, defaultPort: number | undefined): ParsedEndpoint {
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
  if (v6) {
    host = v6[1] ?? '';
    portText = v6[2];
    if (!IPV6.test(host)) throw ksaError('KSA_ERR_BAD_ENDPOINT', `${JSON.stringify(shown(input))} is not a valid IPv6 address`);
  } else {
    if (input.includes('@')) throw ksaError('KSA_ERR_BAD_ENDPOINT', `${JSON.stringify(shown(input))} has a user name but no scheme`, { fix: 'use host:port with --user, or a URL such as scheme://user@host:port' });
    const parts = input.split(':');
    if (parts.length > 2) throw ksaError('KSA_ERR_BAD_ENDPOINT', `${JSON.stringify(shown(input))} has several colons (write IPv6 as [addr]:port)`);
    host = parts[0] ?? '';
    portText = parts[1];
    if (!HOST.test(host)) throw ksaError('KSA_ERR_BAD_ENDPOINT', `${JSON.stringify(shown(input))} has an invalid host name`);
  }
  const port = portText === undefined ? requireDefault(input, defaultPort) : checkPort(input, portText);
  return { scheme: undefined, host, port, username: undefined, password: undefined, path: '', params: {} };
}

function decodeComponent(input: string, part: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} has a malformed %-escape in its ${part} (write % as %25)`);
  }
}

function requireDefault(input: string, defaultPort: number | undefined): number {
  if (defaultPort === undefined) throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} has no port`);
  return defaultPort;
}

function checkPort(input: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(shown(input))} has port ${JSON.stringify(text.slice(0, 12))}, which is not 1-65535`);
  }
  return port;
}

/** Never echo a password found in a malformed URL. */
function shown(input: string): string {
  return input.replace(/\/\/([^@/:]*):[^@/]*@/, '//$1:***@').slice(0, 120);
}

/** Strips the password from a URL endpoint; returns it separately. */
export function splitEndpointSecret(endpoint: string, defaultPort: number | undefined): { endpoint: string; username?: string; password?: string } {
  const parsed = parseEndpoint(endpoint, defaultPort);
  if (!parsed.scheme || parsed.password === undefined) return { endpoint, ...(parsed.username ? { username: parsed.username } : {}) };
  const url = new URL(endpoint);
  url.password = '';
  return { endpoint: url.href.replace(/\/$/, endpoint.endsWith('/') ? '/' : ''), password: parsed.password, ...(parsed.username ? { username: parsed.username } : {}) };
}
