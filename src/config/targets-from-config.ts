// Turns validated ksa.yaml targets into runnable diagnosis requests: resolves each target's
// plugin, endpoints (with the plugin's default port), categories, thresholds, options (checked
// against the plugin's declaration, over its plugins.<id>.config) and secrets, with errors that
// point at the path in the file.
import { expandEndpointList, splitEndpointSecret } from '../core/endpoint.js';
import { refusedThresholdKey } from '../core/threshold-keys.js';
import { KsaError, ksaError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { readPasswordFile } from './secrets.js';
import { resolveOptions } from '../core/plugin-options.js';
import { endpointAlternatives, endpointsFromOptions } from '../core/option-endpoints.js';
import { resolvePluginConfigs } from './plugin-config.js';
import type { PluginManager, DiagnoseRequest } from '../core/manager.js';
import type { DiagnoseOptions, MiddlewareTarget } from '../core/types.js';
import type { KsaConfig, TargetConfig } from './schema.js';

export interface TargetOverrides {
  thresholds: DiagnoseOptions['thresholds'];
  timeoutMs?: number;
  categories?: string[];
}

/** With `onError`, a target with a problem is reported there and left out (`ksa config validate`). */
export function requestsFromConfig(config: KsaConfig, file: string, manager: PluginManager, env: NodeJS.ProcessEnv, overrides: TargetOverrides, onError?: (error: KsaError) => void): DiagnoseRequest[] {
  const defaultTimeout = parseDuration(config.defaults.timeout, 'defaults.timeout');
  const pluginProblems: KsaError[] = [];
  const pluginConfigs = resolvePluginConfigs(config, file, manager, env, (e) => pluginProblems.push(e));
  if (pluginProblems.length > 0 && !onError) throw pluginProblems[0]!;
  for (const e of pluginProblems) onError?.(e);
  return config.targets.flatMap((t, i) => {
    if (!onError) return [requestFor(t, i)];
    try {
      return [requestFor(t, i)];
    } catch (error) {
      if (!(error instanceof KsaError)) throw error;
      onError(error);
      return [];
    }
  });

  function requestFor(t: TargetConfig, i: number): DiagnoseRequest {
    const at = (path: string, error: unknown): never => {
      const message = error instanceof KsaError ? error.message : String(error);
      throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: targets[${i}]${path}: ${message}`, { fix: 'see `ksa config example`' });
    };
    let entry;
    try {
      entry = manager.pluginForType(t.type);
    } catch (error) {
      return at('.type', error);
    }
    const manifest = entry.manifest;
    let split = t.endpoints.flatMap((e, j) => expandEndpointList([e]).map((item) => {
      try {
        return splitEndpointSecret(item, manifest.defaultPort);
      } catch (error) {
        return at(`.endpoints[${j}]`, error);
      }
    }));
    (t.categories ?? []).forEach((c, j) => {
      if (!manifest.categories.includes(c)) at(`.categories[${j}]`, `${manifest.id} has no category ${JSON.stringify(c)} (categories: ${manifest.categories.join(', ')})`);
    });
    const refusedThreshold = refusedThresholdKey(Object.keys(t.thresholds ?? {}), [manifest]);
    if (refusedThreshold) at(`.thresholds`, `${refusedThreshold.reason}; ${refusedThreshold.fix}`);
    const options = resolveOptions(manifest, [
      { name: (k) => `plugins.${manifest.id}.config.${k}`, values: pluginConfigs[manifest.id] ?? {}, scope: 'plugin' },
      { name: (k) => `targets[${i}].options.${k}`, values: t.options ?? {}, scope: 'target' },
    ], 'target', env);
    const optionProblem = options.problems[0];
    if (optionProblem) {
      const where = /^(targets|plugins)[[.]/.test(optionProblem.at) ? '' : `targets[${i}].options: `;
      throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${where}${optionProblem.message}`, { fix: optionProblem.fix });
    }
    if (split.length === 0) {
      // Without endpoints, an option the plugin declares as standing for them (a socket path, Sentinels).
      const fromOption = endpointsFromOptions(manifest, options.values);
      const alternatives = endpointAlternatives(manifest, 'config');
      if (fromOption === undefined) return at('.endpoints', `at least one endpoint${alternatives.length > 0 ? ` (or ${alternatives.join(' or ')})` : ''}`);
      split = fromOption.endpoints.map((e) => (e.startsWith('unix:') ? { endpoint: e } : splitEndpointSecret(e, fromOption.defaultPort)));
    }
    const password = resolveTargetPassword(t, split.find((s) => s.password !== undefined)?.password, env, (path, e) => at(path, e));
    const username = t.auth?.username ?? split.find((s) => s.username)?.username;
    const target: MiddlewareTarget = {
      type: t.type,
      name: t.name,
      ...(t.group ? { group: t.group } : {}),
      endpoints: split.map((s) => s.endpoint),
      auth: { ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(t.auth?.mechanism ? { mechanism: t.auth.mechanism } : {}) },
      ...(t.tls ? { tls: t.tls } : {}),
      options: options.values,
    };
    const timeoutMs = overrides.timeoutMs ?? (t.timeout ? parseDuration(t.timeout, `targets[${i}].timeout`) : defaultTimeout);
    const opts: DiagnoseOptions = {
      categories: overrides.categories ?? t.categories ?? [],
      thresholds: { ...(t.thresholds ?? {}), ...overrides.thresholds },
      timeoutMs,
      allowWrite: false,
    };
    return { pluginId: manifest.id, target, opts };
  }
}

function resolveTargetPassword(t: TargetConfig, urlPassword: string | undefined, env: NodeJS.ProcessEnv, at: (path: string, e: unknown) => never): string | undefined {
  const auth = t.auth;
  if (auth?.passwordFile !== undefined) {
    try {
      return readPasswordFile(auth.passwordFile);
    } catch (error) {
      return at('.auth.passwordFile', error);
    }
  }
  if (auth?.passwordEnv !== undefined) {
    const v = env[auth.passwordEnv];
    if (v === undefined) return at('.auth.passwordEnv', `environment variable ${auth.passwordEnv} is not set`);
    return v;
  }
  return auth?.password ?? urlPassword;
}
