// Validates ksa.yaml (finding it is config-file.ts): YAML, ${ENV} substitution, then the zod schema.
import { parseDocument } from 'yaml';
import { ksaError } from '../core/errors.js';
import { firstIssue } from '../core/zod-issues.js';
import { ConfigSchema, type KsaConfig } from './schema.js';
import { substituteEnv } from './env-substitution.js';
import { readConfigText } from './config-file.js';

export function loadConfig(file: string, env: NodeJS.ProcessEnv, text: string = readConfigText(file)): KsaConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  let js: unknown;
  try {
    // toJS enforces maxAliasCount, which stops "billion laughs" alias bombs.
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: invalid YAML: ${String((error as Error).message).split('\n')[0]}`, { fix: 'remove the excessive YAML aliases (*name) from the config' });
  }
  const raw = substituteEnv(js, env, file);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${firstIssue(parsed.error, ConfigSchema)}`);
  const seen = new Map<string, number>();
  parsed.data.targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: targets[${i}].name: duplicate target name ${JSON.stringify(t.name)} (also targets[${first}])`, { fix: 'give every target a unique name' });
    seen.set(t.name, i);
  });
  return parsed.data;
}
