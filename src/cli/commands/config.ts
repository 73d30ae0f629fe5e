// `ksa config validate` and `ksa config example`. Validation reports every problem it can find,
// one line each (schema issues all at once; then, per target, its first semantic problem).
import { ksaError, type KsaError } from '../../core/errors.js';
import { findConfigFile } from '../../config/config-file.js';
import { checkConfig } from '../../config/load-config.js';
import { requestsFromConfig } from '../../config/targets-from-config.js';
import type { Runtime } from '../runtime.js';
import { managerForConfig } from '../config-manager.js';

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
    if (errors.length > 0) return { text: '', errors };
    const types = [...new Set(requests.map((r) => r.target.type))].join(', ');
    return { text: `ok: ${file}: ${requests.length} targets (${types}), concurrency ${config.defaults.concurrency}, timeout ${config.defaults.timeout}\n`, errors };
  } finally {
    void manager.close();
  }
}

export const CONFIG_EXAMPLE = `# ksa.yaml: every target of a team in one run (ksa diagnose --config ksa.yaml).
# \${NAME} is replaced by the environment variable NAME; a missing one is an error.
defaults:
  timeout: 10s          # deadline per target
  concurrency: 16       # targets diagnosed at once
  # failOn: critical    # exit non-zero only for critical findings
targets:
  - name: cache-prod
    type: redis
    endpoints: [redis://10.0.0.1:6379/0]
    auth: { passwordEnv: REDIS_PASSWORD }      # or passwordFile: /run/secrets/redis
    thresholds: { redis.memory.usage: { warning: 70, critical: 85 } }   # keys and defaults: ksa plugin info redis
    categories: [memory, replication]
  - name: orders-db
    type: postgres
    endpoints: [postgres://ksa_monitor@10.0.0.2:5432/orders]
    auth: { passwordFile: /run/secrets/pg }
    options: { sslmode: require }
  - name: billing-mysql
    type: mysql
    endpoints: [10.0.0.3:3306]
    auth: { username: monitor, passwordEnv: MYSQL_MONITOR_PASSWORD }
  - name: events
    type: kafka
    endpoints: [10.0.0.4:9092, 10.0.0.5:9092]
    options: { group: [billing, audit] }
    timeout: 20s
plugins:
  redis-diagnostics: { enabled: true, config: {} }
  discovery: { directories: [./ksa-plugins] }   # external plugin packages
`;
