// The command line plus the manifest's conventions -> the connection part of a target: endpoints
// (from the arguments, else from host/port/endpoints/socket fields), user, password, TLS files and
// the option values the conventions supply (checked later like any option), each with its source.
import { homedir, userInfo } from 'node:os';
import { parseEndpoint } from '../../core/endpoint.js';
import { declaredOptions } from '../../core/plugin-options.js';
import type { Manifest, MiddlewareTarget } from '../../core/types.js';
import { resolveConventions, type Fields, type Supplied } from './resolve-conventions.js';

export interface ConnectionRequest {
  manifest: Manifest;
  env: NodeJS.ProcessEnv;
  /** Endpoints as given (already split into items); may be empty when the conventions give a host. */
  endpoints: string[];
  /** What the command line (or ksa.yaml target) says, each labelled: user, password, tls, tlsCa, ... */
  given: Fields;
  /** Option values given explicitly (flags, --option, the target's options:). */
  givenOptions: Readonly<Record<string, unknown>>;
}

export interface Connection {
  endpoints: string[];
  /** Set when the endpoint came from a source rather than the arguments (`unix:<dir>` included). */
  derived: boolean;
  fields: Fields;
  /** option key -> value and source, for the options check (lower precedence than given options). */
  options: Record<string, Supplied>;
  warnings: string[];
}

/** The OS user, as the middleware clients default to it; '' when the system has none. */
export function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? '';
  }
}

function uriSchemes(manifest: Manifest): string[] {
  return (manifest.conventions?.sources ?? []).flatMap((s) => (s.from === 'uri' ? s.schemes : []));
}

const schemeOf = (e: string) => /^([a-z][a-z0-9+.-]*):\/\//i.exec(e)?.[1]?.toLowerCase();

export function resolveConnection(req: ConnectionRequest): Connection {
  const { manifest, env } = req;
  const given: Fields = new Map(req.given);
  const unixKey = Object.entries(declaredOptions(manifest)).find(([, s]) => s.unixSocket)?.[0];
  const uri = req.endpoints.length === 1 && uriSchemes(manifest).includes(schemeOf(req.endpoints[0]!) ?? '') ? req.endpoints[0] : undefined;
  // A host:port argument is the command line's host (and port, when written).
  const first = req.endpoints[0];
  if (first !== undefined && uri === undefined && !first.startsWith('unix:')) {
    const parsed = parseEndpoint(first, 0);
    given.set('host', { value: parsed.host, from: 'the endpoint argument' });
    if (parsed.port !== 0) given.set('port', { value: String(parsed.port), from: 'the endpoint argument' });
  }
  for (const [key, value] of Object.entries(req.givenOptions)) if (typeof value === 'string' || typeof value === 'boolean') given.set(`option.${key}`, { value, from: 'the command line' });
  const home = env.HOME || homedir();
  const socketGiven = unixKey !== undefined && typeof req.givenOptions[unixKey] === 'string';
  const { fields, warnings } = manifest.conventions
    ? resolveConventions(manifest.conventions, given, { env, home, osUser: osUser(env), uri, givenOptions: req.givenOptions, socket: socketGiven || String(given.get('host')?.value ?? '').startsWith('/'), defaultPort: manifest.defaultPort })
    : { fields: given, warnings: [] };
  const options: Record<string, Supplied> = {};
  for (const [field, supplied] of fields) if (field.startsWith('option.') && !Object.hasOwn(req.givenOptions, field.slice(7))) options[field.slice(7)] = supplied;
  const { endpoints, derived } = endpointsOf(req, fields, uri, unixKey, options);
  // A socket from a file or variable applies only to a socket connection (some clients use
  // it for localhost only); a host:port argument connects over TCP.
  if (unixKey !== undefined && !endpoints[0]?.startsWith('unix:') && options[unixKey] !== undefined) {
    delete options[unixKey];
    fields.delete(`option.${unixKey}`);
  }
  return { endpoints, derived, fields, options, warnings };
}

function endpointsOf(req: ConnectionRequest, fields: Fields, uri: string | undefined, unixKey: string | undefined, options: Record<string, Supplied>): { endpoints: string[]; derived: boolean } {
  const defaultPort = req.manifest.defaultPort;
  const port = fields.get('port');
  const withPort = (host: string, p: string | undefined) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host) + `:${p ?? defaultPort ?? ''}`;
  if (req.endpoints.length > 0 && uri === undefined) {
    // host arguments without a port take the port a source gives (a port variable).
    return { derived: false, endpoints: req.endpoints.map((e) => (e.includes('://') || e.startsWith('unix:') || parseEndpoint(e, 0).port !== 0 || port === undefined ? e : withPort(parseEndpoint(e, 0).host, String(port.value)))) };
  }
  const hosts = String(fields.get('host')?.value ?? '').split(',').filter(Boolean);
  const ports = String(port?.value ?? '').split(',').filter(Boolean);
  const list = fields.get('endpoints');
  if (list && typeof list.value === 'string' && hosts.length === 0) {
    return { derived: true, endpoints: list.value.split(',').map((e) => e.trim().replace(/^[A-Za-z_]+:\/\//, '')).filter(Boolean) };
  }
  const socketOption = unixKey === undefined ? undefined : (req.givenOptions[unixKey] ?? options[unixKey]?.value);
  // A host that is a directory is a Unix socket (libpq); `localhost` with a socket means the socket (option-file clients).
  const dirHost = hosts.find((h) => h.startsWith('/'));
  if (unixKey !== undefined && dirHost !== undefined) {
    options[unixKey] = { value: dirHost, from: fields.get('host')!.from };
    if (port && Object.hasOwn(declaredOptions(req.manifest), 'port') && !Object.hasOwn(req.givenOptions, 'port')) options.port = port;
    return { derived: true, endpoints: [`unix:${dirHost}`] };
  }
  if (typeof socketOption === 'string' && (hosts.length === 0 || (hosts.length === 1 && hosts[0] === 'localhost'))) {
    return { derived: true, endpoints: [`unix:${socketOption}`] };
  }
  if (hosts.length > 0) return { derived: true, endpoints: hosts.map((h, i) => withPort(h, ports[i] ?? ports[0])) };
  return { derived: true, endpoints: [] };
}

/** The TLS part a source may give (a CA file, `tls: true`); flags were put in `given` and win. */
export function tlsOf(fields: Fields, insecure: boolean, existing: MiddlewareTarget['tls']): MiddlewareTarget['tls'] {
  const file = (f: 'tlsCa' | 'tlsCert' | 'tlsKey') => (typeof fields.get(f)?.value === 'string' ? String(fields.get(f)!.value) : undefined);
  const enabled = fields.get('tls')?.value === true || fields.get('tls')?.value === 'true';
  const ca = file('tlsCa'); const cert = file('tlsCert'); const key = file('tlsKey');
  if (!enabled && !ca && !cert && !key) return existing;
  return {
    ...existing,
    enabled: enabled || existing?.enabled === true,
    ...(ca ? { caFile: ca } : {}),
    ...(cert ? { certFile: cert } : {}),
    ...(key ? { keyFile: key } : {}),
    rejectUnauthorized: existing?.rejectUnauthorized ?? !insecure,
  };
}
