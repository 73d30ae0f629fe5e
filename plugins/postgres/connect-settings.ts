// Where and how to connect: endpoint (host:port, postgres:// URL, unix:DIR) plus target options
// and TLS files -> host, port, database, user and libpq sslmode semantics over node's TLS options.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ksaError, parseEndpoint } from '../../src/sdk/index.js';
import type { MiddlewareTarget } from '../../src/sdk/index.js';
import type { ConnectionOptions } from 'node:tls';

const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface ConnectSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  /** libpq connect_timeout (PGCONNECT_TIMEOUT) in ms; undefined: half of the remaining budget. */
  connectTimeoutMs?: number;
}

function socketPort(option: unknown, defaultPort: number | undefined): number {
  const port = Number(option) || defaultPort;
  if (port === undefined) throw ksaError('KSA_ERR_BAD_INPUT', 'a Unix socket needs the port of its .s.PGSQL.<port> file', { fix: 'pass --option port=5432' });
  return port;
}

/** Endpoint + options -> where and how to connect (options win over the URL); `defaultPort` is the manifest's (ctx.defaultPort). */
export function settingsOf(endpoint: string, target: Pick<MiddlewareTarget, 'auth' | 'options' | 'tls'>, defaultPort: number | undefined): ConnectSettings {
  const opt = target.options;
  // `--socket DIR` arrives as `unix:DIR`: pg connects to DIR/.s.PGSQL.<port>; TLS does not apply.
  const parsed = endpoint.startsWith('unix:')
    ? { host: endpoint.slice(5), port: socketPort(opt.port, defaultPort), path: '', username: undefined, params: { sslmode: 'disable' } as Record<string, string> }
    : parseEndpoint(endpoint, defaultPort);
  const sslmode = (typeof opt.sslmode === 'string' ? opt.sslmode : parsed.params.sslmode)
    ?? (target.tls?.enabled ? (target.tls.rejectUnauthorized ? 'verify-full' : 'require') : 'prefer');
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `sslmode ${JSON.stringify(sslmode.slice(0, 20))} is not one of ${SSL_MODES.join(', ')}`, { fix: 'use --sslmode require (or verify-full with --tls-ca)' });
  }
  return {
    host: parsed.host,
    port: parsed.port,
    database: (typeof opt.database === 'string' && opt.database) || parsed.path || 'postgres',
    user: target.auth.username ?? parsed.username ?? 'postgres',
    sslmode: sslmode as SslMode,
    // libpq: 0 waits indefinitely (here: the budget), 1 counts as 2 seconds.
    ...(typeof opt.connectTimeout === 'number' && opt.connectTimeout > 0 ? { connectTimeoutMs: Math.max(2, opt.connectTimeout) * 1000 } : {}),
  };
}

function readPem(file: string | undefined, what: string): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw ksaError('KSA_ERR_TLS', `cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** libpq sslmode semantics over node's TLS options; `prefer` starts like `require`. */
export function sslOptionsOf(mode: SslMode, host: string, tls: MiddlewareTarget['tls']): ConnectionOptions | false {
  if (mode === 'disable') return false;
  const files = {
    ...(tls?.caFile ? { ca: readPem(tls.caFile, 'CA') } : {}),
    ...(tls?.certFile ? { cert: readPem(tls.certFile, 'certificate') } : {}),
    ...(tls?.keyFile ? { key: readPem(tls.keyFile, 'key') } : {}),
  };
  const verify: Record<SslMode, ConnectionOptions> = {
    disable: {},
    prefer: { rejectUnauthorized: false },
    require: { rejectUnauthorized: false },
    // verify-ca: the chain is checked, the host name is not.
    'verify-ca': { rejectUnauthorized: true, checkServerIdentity: () => undefined },
    // An IP address is no SNI name (RFC 6066; node warns): the identity is then checked against `host`.
    'verify-full': { rejectUnauthorized: true, ...(tls?.servername || !isIP(host) ? { servername: tls?.servername ?? host } : {}) },
  };
  return { ...files, ...verify[mode] };
}

