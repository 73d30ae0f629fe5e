// Builds the MiddlewareTarget of `ksa diagnose <type> <endpoint...>` from argv: validates every
// endpoint before any plugin runs, moves URL passwords into auth (never into endpoints), and turns
// the plugin's flags and --option pairs into target.options, checked against the manifest's
// `options:` declaration (the CLI knows no middleware-specific flag itself).
import { expandEndpointList, splitEndpointSecret } from '../core/endpoint.js';
import { ksaError } from '../core/errors.js';
import { declaredOptions, resolveOptions } from '../core/plugin-options.js';
import { endpointAlternatives, endpointsFromOptions } from '../core/option-endpoints.js';
import { conventionalPasswordEnv, resolvePassword } from '../config/secrets.js';
import { resolveConnection, tlsOf } from '../config/conventions/connection-target.js';
import { explainLines, originOf, sourcesOf } from '../config/conventions/auth-origin.js';
import type { Fields, Supplied } from '../config/conventions/resolve-conventions.js';
import type { Manifest, MiddlewareTarget } from '../core/types.js';

export interface TargetFlags {
  name?: string;
  user?: string;
  password?: string;
  passwordFile?: string;
  passwordEnv?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
  option?: string[];
  /** The manifest-declared flags the user gave (plugin-flags.ts): values per flag name, true for a boolean. */
  pluginFlags?: Record<string, string[] | true>;
}

export interface BuiltTarget {
  target: MiddlewareTarget;
  warnings: string[];
  /** `--explain-auth`: where each connection setting came from (never a password's value). */
  explain: string[];
}

export function buildTarget(type: string, endpointArgs: readonly string[], flags: TargetFlags, manifest: Manifest, env: NodeJS.ProcessEnv): BuiltTarget {
  const given0 = targetOptions(type, flags, manifest, env);
  const givenOptions = Object.fromEntries(given0.fromArgv.map((k) => [k, given0.options[k]]));
  const declared = declaredOptions(manifest);
  const endpointItems = expandEndpointList(endpointArgs);
  const split = endpointItems.map((e) => splitEndpointSecret(e, manifest.defaultPort));
  const urlPassword = split.find((s) => s.password !== undefined)?.password;
  // With conventions the client's own variables are read in its precedence order (below).
  const explicit = resolvePassword({
    conventionalEnv: manifest.conventions ? [] : conventionalPasswordEnv(manifest), passwordFile: flags.passwordFile, passwordEnv: flags.passwordEnv, argvPassword: flags.password, urlPassword, env,
  });
  const warnings = [...explicit.warnings];
  for (const key of given0.fromArgv) {
    if (declared[key]?.secret) warnings.push(`the secret option ${key} on the command line is visible to other users (ps, /proc); set it in ksa.yaml from a \${VARIABLE}`);
  }
  const urlUser = split.find((s) => s.username)?.username;
  const given: Fields = new Map();
  if (flags.user) given.set('user', { value: flags.user, from: '--user' });
  else if (urlUser) given.set('user', { value: urlUser, from: 'the endpoint URL' });
  if (explicit.password !== undefined) given.set('password', { value: explicit.password, from: explicit.from ?? 'the command line' });
  if (flags.tls) given.set('tls', { value: true, from: '--tls' });
  if (flags.tlsCa) given.set('tlsCa', { value: flags.tlsCa, from: '--tls-ca' });
  const conn = resolveConnection({ manifest, env, endpoints: split.map((s) => s.endpoint), given, givenOptions });
  warnings.push(...conn.warnings);
  const fields = conn.fields;
  // ksa's own generic variable comes after every convention of the client.
  if (!fields.has('password') && manifest.conventions) {
    const fallback = resolvePassword({ conventionalEnv: conventionalPasswordEnv(manifest).filter((v) => !sourcesOf(manifest, 'password').includes(v)), env });
    if (fallback.password !== undefined) fields.set('password', { value: fallback.password, from: fallback.from! });
  }
  const { options } = Object.keys(conn.options).length > 0 ? targetOptions(type, flags, manifest, env, conn.options) : given0;
  // An option declared to stand for the endpoints (a socket, seed endpoints) applies when none is given.
  const fromOptions = conn.endpoints.length > 0 ? undefined : endpointsFromOptions(manifest, options);
  // Seed endpoints written without a port take the option's port (e.g. the Sentinels' own).
  const seeds = fromOptions && !fromOptions.endpoints[0]?.startsWith('unix:') ? fromOptions.endpoints.map((e) => splitEndpointSecret(e, fromOptions.defaultPort ?? manifest.defaultPort).endpoint) : fromOptions?.endpoints;
  const endpoints = conn.endpoints.length > 0 ? conn.endpoints : seeds ?? [];
  if (fromOptions && !fields.has('endpoints')) {
    // --explain-auth names the option that stood for the endpoints (e.g. the Sentinels), not the endpoint argument.
    const spec = declaredOptions(manifest)[fromOptions.key];
    fields.set('endpoints', { value: fromOptions.endpoints.join(','), from: spec?.flag ? `--${spec.flag}` : `--option ${fromOptions.key}` });
  }
  if (endpoints.length === 0) {
    const hostSources = sourcesOf(manifest, 'host').concat(sourcesOf(manifest, 'endpoints'));
    const others = [...endpointAlternatives(manifest), ...(hostSources.length > 0 ? [`set ${hostSources.join(' or ')}`] : [])];
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `ksa diagnose ${type} needs at least one endpoint`, others.length > 0 ? { fix: ['use host:port', ...others].join(', or ') } : undefined);
  }
  const user = fields.get('user')?.value;
  const password = fields.get('password')?.value;
  const mechanism = fields.get('mechanism')?.value;
  const tlsWanted = flags.tls || flags.tlsCa || flags.tlsCert || flags.tlsKey || flags.tlsServername || flags.tlsInsecure;
  const flagTls: MiddlewareTarget['tls'] = tlsWanted ? {
    enabled: true,
    ...(flags.tlsCa ? { caFile: flags.tlsCa } : {}),
    ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
    ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
    ...(flags.tlsServername ? { servername: flags.tlsServername } : {}),
    rejectUnauthorized: !flags.tlsInsecure,
  } : undefined;
  const tls = tlsOf(fields, flags.tlsInsecure === true, flagTls);
  const target: MiddlewareTarget = {
    type,
    // Named by what the user gave: the whole list (a bootstrap list is one deployment), not its first item.
    name: flags.name ?? (split.length > 0 ? split.map((s) => s.endpoint).join(',') : fromOptions?.endpoints[0]?.startsWith('unix:') ? fromOptions.name : endpoints[0]!.startsWith('unix:') ? `${type}@${endpoints[0]!.slice(5)}` : endpoints.join(',')),
    endpoints,
    auth: {
      ...(typeof user === 'string' && user !== '' ? { username: user } : {}),
      ...(typeof password === 'string' ? { password } : {}),
      ...(typeof mechanism === 'string' ? { mechanism } : {}),
      origin: originOf(fields, manifest),
    },
    ...(tls ? { tls } : {}),
    options,
  };
  return { target, warnings, explain: explainLines(target, fields, manifest) };
}

/** The plugin's flags and --option pairs -> checked, typed target.options (flags win over --option). */
function targetOptions(type: string, flags: TargetFlags, manifest: Manifest, env: NodeJS.ProcessEnv, fromConventions: Record<string, Supplied> = {}): { options: Record<string, unknown>; fromArgv: string[] } {
  const pairs: Record<string, unknown> = {};
  for (const kv of flags.option ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw ksaError('KSA_ERR_BAD_INPUT', `--option ${JSON.stringify(kv.split('=')[0]!.slice(0, 40))} is not key=value`, { fix: 'write --option key=value' });
    pairs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const declared = declaredOptions(manifest);
  const byFlag: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const [flag, given] of Object.entries(flags.pluginFlags ?? {})) {
    const key = Object.keys(declared).find((k) => declared[k]!.flag === flag);
    if (key === undefined) throw ksaError('KSA_ERR_BAD_INPUT', `--${flag} is not an option of ${type}`, { fix: `\`ksa diagnose --help\` lists each type's flags; \`ksa plugin info ${type}\` its options` });
    const spec = declared[key]!;
    flagOf[key] = flag;
    if (given === true) byFlag[key] = true;
    else if (spec.type === 'list' || spec.type === 'endpoints') byFlag[key] = given.flatMap((v) => v.split(','));
    else if (given.length > 1) throw ksaError('KSA_ERR_BAD_INPUT', `--${flag} is given ${given.length} times`, { fix: `give --${flag} once` });
    else byFlag[key] = given[0];
  }
  const { values, problems } = resolveOptions(manifest, [
    // The client's conventions (variables, files) rank below anything given on the command line.
    { name: (k) => fromConventions[k]!.from, values: Object.fromEntries(Object.entries(fromConventions).map(([k, v]) => [k, v.value])), scope: 'target' },
    { name: (k) => `--option ${k}`, values: pairs, scope: 'target' },
    { name: (k) => `--${flagOf[k] ?? k}`, values: byFlag, scope: 'target' },
  ], 'target', env);
  const first = problems[0];
  if (first) throw ksaError('KSA_ERR_BAD_INPUT', first.message, { fix: first.fix });
  return { options: values, fromArgv: [...new Set([...Object.keys(pairs), ...Object.keys(byFlag)])] };
}
