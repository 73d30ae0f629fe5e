// Builds the MiddlewareTarget of `ksa diagnose <type> <endpoint...>` from argv: validates every
// endpoint before any plugin runs, moves URL passwords into auth (never into endpoints), and turns
// the plugin's flags and --option pairs into target.options, checked against the manifest's
// `options:` declaration (the CLI knows no middleware-specific flag itself).
import { expandEndpointList, splitEndpointSecret } from '../core/endpoint.js';
import { ksaError } from '../core/errors.js';
import { declaredOptions, resolveOptions } from '../core/plugin-options.js';
import { endpointAlternatives, endpointsFromOptions } from '../core/option-endpoints.js';
import { conventionalPasswordEnv, resolvePassword } from '../config/secrets.js';
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
}

export function buildTarget(type: string, endpointArgs: readonly string[], flags: TargetFlags, manifest: Manifest, env: NodeJS.ProcessEnv): BuiltTarget {
  const { options, fromArgv } = targetOptions(type, flags, manifest, env);
  const declared = declaredOptions(manifest);
  const endpoints = expandEndpointList(endpointArgs);
  // Without endpoints, an option the manifest declares as standing for them (a socket path, Sentinels).
  const fromOption = endpoints.length === 0 ? endpointsFromOptions(manifest, options) : undefined;
  if (endpoints.length === 0 && fromOption === undefined) {
    // Without an alternative, the code's own fix (host:port, [ipv6]:port or a URL) says it best.
    const alternatives = endpointAlternatives(manifest);
    throw ksaError('KSA_ERR_BAD_ENDPOINT', `ksa diagnose ${type} needs at least one endpoint`, alternatives.length > 0 ? { fix: ['use host:port', ...alternatives].join(', or ') } : undefined);
  }
  const socketOnly = fromOption?.endpoints[0]?.startsWith('unix:') ?? false;
  const split = socketOnly ? [] : (fromOption?.endpoints ?? endpoints).map((e) => splitEndpointSecret(e, fromOption?.defaultPort ?? manifest.defaultPort));
  const urlPassword = split.find((s) => s.password !== undefined)?.password;
  const { password, warnings } = resolvePassword({
    conventionalEnv: conventionalPasswordEnv(manifest), passwordFile: flags.passwordFile, passwordEnv: flags.passwordEnv, argvPassword: flags.password, urlPassword, env,
  });
  for (const key of fromArgv) {
    if (declared[key]?.secret) warnings.push(`the secret option ${key} on the command line is visible to other users (ps, /proc); set it in ksa.yaml from a \${VARIABLE}`);
  }
  const username = flags.user ?? split.find((s) => s.username)?.username;
  const tlsWanted = flags.tls || flags.tlsCa || flags.tlsCert || flags.tlsKey || flags.tlsServername || flags.tlsInsecure;
  const target: MiddlewareTarget = {
    type,
    // Named by what the user gave: the whole list (a bootstrap list is one deployment), not its first item.
    name: flags.name ?? (socketOnly ? fromOption!.name : split.map((s) => s.endpoint).join(',')),
    endpoints: socketOnly ? fromOption!.endpoints : split.map((s) => s.endpoint),
    auth: {
      ...(username ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
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

/** The plugin's flags and --option pairs -> checked, typed target.options (flags win over --option). */
function targetOptions(type: string, flags: TargetFlags, manifest: Manifest, env: NodeJS.ProcessEnv): { options: Record<string, unknown>; fromArgv: string[] } {
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
    { name: (k) => `--option ${k}`, values: pairs, scope: 'target' },
    { name: (k) => `--${flagOf[k] ?? k}`, values: byFlag, scope: 'target' },
  ], 'target', env);
  const first = problems[0];
  if (first) throw ksaError('KSA_ERR_BAD_INPUT', first.message, { fix: first.fix });
  return { options: values, fromArgv: [...new Set([...Object.keys(pairs), ...Object.keys(byFlag)])] };
}
