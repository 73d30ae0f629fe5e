// `ksa config validate` and `ksa config example`. Validation reports every problem it can find,
// one line each (schema issues all at once; then, per target, its first semantic problem).
import { notifySetup } from '../../notify/notify-service.js';
import { ksaError, type KsaError } from '../../core/errors.js';
import { findConfigFile } from '../../config/config-file.js';
import { checkConfig } from '../../config/load-config.js';
import { requestsFromConfig } from '../../config/targets-from-config.js';
import type { Runtime } from '../runtime.js';
import type { Manifest } from '../../core/types.js';
import { managerForConfig } from '../config-manager.js';
import { compareText } from '../../core/compare-text.js';

export interface ConfigValidation {
  /** The `ok: ...` line when there is no problem. */
  text: string;
  errors: KsaError[];
}

export async function runConfigValidate(rt: Runtime, explicit: string | undefined): Promise<ConfigValidation> {
  const file = findConfigFile(explicit, process.env, process.cwd());
  if (!file) throw ksaError('KSA_ERR_CONFIG_UNREADABLE', 'no config: pass --config, set KSA_CONFIG or create ./ksa.yaml', { fix: '`ksa config example > ksa.yaml` writes a starting point' });
  const { config, errors } = checkConfig(file, process.env);
  if (!config) return { text: '', errors };
  const manager = await managerForConfig(rt, config, file);
  try {
    const requests = requestsFromConfig(config, file, manager, process.env, { thresholds: {} }, (e) => errors.push(e));
    try {
      notifySetup(config, file, manager, process.env);
    } catch (error) {
      errors.push(error as KsaError);
    }
    if (errors.length > 0) return { text: '', errors };
    const types = [...new Set(requests.map((r) => r.target.type))].join(', ');
    return { text: `ok: ${file}: ${requests.length} targets (${types}), concurrency ${config.defaults.concurrency}, timeout ${config.defaults.timeout}\n`, errors };
  } finally {
    void manager.close();
  }
}

/**
 * A commented ksa.yaml with one target per loaded middleware plugin: each manifest's
 * `configExample` (or, without one, a target at its default port), so the text names only what
 * the plugins declare. Values are written as JSON, which is YAML flow syntax.
 */
export function configExample(manifests: readonly Manifest[]): string {
  const middleware = manifests.filter((m): m is Manifest & { middleware: string } => m.type === 'middleware' && m.middleware !== undefined)
    .sort((a, b) => compareText(a.middleware, b.middleware));
  const targets = middleware.flatMap((m, i) => {
    const example = m.configExample ?? { target: { name: `${m.middleware}-1`, endpoints: [`10.0.0.${i + 1}:${m.defaultPort ?? 1}`] } };
    const { name, ...rest } = example.target;
    return [
      ...(example.comment ? [`  # ${example.comment}`] : []),
      `  - name: ${JSON.stringify(name ?? `${m.middleware}-1`)}`,
      `    type: ${m.middleware}`,
      ...Object.entries(rest).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`),
    ];
  });
  return [
    '# ksa.yaml: every target of a team in one run (ksa diagnose --config ksa.yaml).',
    '# ${NAME} is replaced by the environment variable NAME; a missing one is an error.',
    'defaults:',
    '  timeout: 10s          # deadline per target',
    '  concurrency: 16       # targets diagnosed at once',
    '  interval: 30s         # ksa watch: each target diagnosed this often (per target too)',
    '  # failOn: critical    # exit non-zero only for critical findings',
    '# Per target: endpoints, auth { username, passwordEnv | passwordFile }, tls, options (the',
    "# plugin's, checked against its manifest: ksa plugin info <type>), thresholds, categories, timeout, interval.",
    'targets:',
    ...(targets.length > 0 ? targets : ['  []   # no middleware plugin is loaded (ksa plugin list)']),
    'plugins:',
    ...(middleware[0] ? [`  ${middleware[0].id}: { enabled: true, config: {} }   # config: the plugin-wide options`] : []),
    '  discovery: { directories: [./ksa-plugins] }   # external plugin packages',
    '',
  ].join('\n');
}
