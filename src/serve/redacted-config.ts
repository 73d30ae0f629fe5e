// The effective ksa.yaml as GET /api/v1/config shows it: what the loop runs (defaults applied,
// ${ENV} substituted), with every password replaced by *** (also a password inside an endpoint
// URL, and any known secret value wherever it appears). Token values are never in the config
// (only where to read them).
import { redactEndpoint, redactValue } from '../core/redact.js';
import type { KsaConfig } from '../config/schema.js';

export function redactedConfig(config: KsaConfig, secrets: readonly string[]): unknown {
  const targets = config.targets.map((t) => ({
    ...t,
    endpoints: t.endpoints.map(redactEndpoint),
    ...(t.auth ? { auth: { ...t.auth, ...(t.auth.password !== undefined ? { password: '***' } : {}) } } : {}),
  }));
  return redactValue({ ...config, targets }, secrets);
}
