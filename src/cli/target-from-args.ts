// Builds the MiddlewareTarget of `ksa diagnose <type> <endpoint...>` from argv: validates every
// endpoint before any plugin runs, moves URL passwords into auth (never into endpoints), and maps
// the type-specific flags into target.options.
import { expandEndpointList, parseEndpoint, splitEndpointSecret } from '../core/endpoint.js';
import { ksaError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { conventionalPasswordEnv, resolvePassword } from '../config/secrets.js';
import type { Manifest, MiddlewareTarget } from '../core/types.js';

export interface TargetFlags {
  name?: string;
  user?: string;
  password?: string;
  passwordFile?: string;
  passwordEnv?: string;
  saslMechanism?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
  sentinel?: string;
  masterName?: string;
  mode?: string;
  group?: string[];
  topic?: string[];
  samples?: string;
  interval?: string;
  socket?: string;
  database?: string;
  sslmode?: string;
  option?: string[];
}

export interface BuiltTarget {
  target: MiddlewareTarget;
  warnings: string[];
}

export function buildTarget(type: string, endpointArgs: readonly string[], flags: TargetFlags, manifest: Manifest, env: NodeJS.ProcessEnv): BuiltTarget {
  const endpoints = expandEndpointList(endpointArgs);
  if (endpoints.length === 0 && !flags.socket) throw ksaError('KSA_ERR_BAD_ENDPOINT', `ksa diagnose ${type} needs at least one endpoint`);
  const split = endpoints.map((e) => splitEndpointSecret(e, manifest.defaultPort));
  const urlPassword = split.find((s) => s.password !== undefined)?.password;
  const { password, warnings } = resolvePassword({
    conventionalEnv: conventionalPasswordEnv(manifest), passwordFile: flags.passwordFile, passwordEnv: flags.passwordEnv, argvPassword: flags.password, urlPassword, env,
  });
  const username = flags.user ?? split.find((s) => s.username)?.username;
  const options: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => { if (value !== undefined) options[key] = value; };
  put('sentinel', flags.sentinel?.split(',').map((s) => s.trim()).filter(Boolean).map((s) => { parseEndpoint(s, 26379); return s; }));
  put('masterName', flags.masterName);
  put('mode', flags.mode);
  put('group', flags.group);
  put('topic', flags.topic);
  put('samples', flags.samples === undefined ? undefined : parseCount(flags.samples));
  put('intervalMs', flags.interval === undefined ? undefined : parseDuration(flags.interval, '--interval'));
  put('socket', flags.socket);
  put('database', flags.database);
  put('sslmode', flags.sslmode);
  for (const kv of flags.option ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw ksaError('KSA_ERR_BAD_INPUT', `--option ${JSON.stringify(kv)} is not key=value`, { fix: 'write --option key=value' });
    options[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const tlsWanted = flags.tls || flags.tlsCa || flags.tlsCert || flags.tlsKey || flags.tlsServername || flags.tlsInsecure;
  const target: MiddlewareTarget = {
    type,
    name: flags.name ?? (endpoints[0] ? split[0]!.endpoint : `${type}@${flags.socket}`),
    endpoints: endpoints.length > 0 ? split.map((s) => s.endpoint) : [`unix:${flags.socket}`],
    auth: {
      ...(username ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(flags.saslMechanism ? { mechanism: flags.saslMechanism } : {}),
    },
    ...(tlsWanted ? {
      tls: {
        enabled: true,
        ...(flags.tlsCa ? { caFile: flags.tlsCa } : {}),
        ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
        ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
        ...(flags.tlsServername ? { servername: flags.tlsServername } : {}),
        rejectUnauthorized: !flags.tlsInsecure,
      },
    } : {}),
    options,
  };
  return { target, warnings };
}

function parseCount(text: string): number {
  const n = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 1000)) throw ksaError('KSA_ERR_BAD_INPUT', `--samples ${JSON.stringify(text.slice(0, 20))} is not a count`, { fix: 'use an integer from 1 to 1000' });
  return n;
}
