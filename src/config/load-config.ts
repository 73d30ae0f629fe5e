// Validates ksa.yaml (finding it is config-file.ts): YAML, ${ENV} substitution, then the zod schema.
// checkConfig collects every problem (for `ksa config validate`), each naming the file, the line,
// the key path and the fix; loadConfig stops at the first and says how many more there are.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { KsaError, ksaError } from '../core/errors.js';
import { everyIssue, formatPath } from '../core/zod-issues.js';
import { ConfigSchema, type KsaConfig } from './schema.js';
import { expandSources } from './target-sources.js';
import { substituteEnv } from './env-substitution.js';
import { readConfigText } from './config-file.js';

export interface ConfigCheck {
  /** The config, when its targets can be checked further (schema valid, every variable set). */
  config?: KsaConfig;
  errors: KsaError[];
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv, text: string = readConfigText(file)): KsaConfig {
  const { config, errors } = checkConfig(file, env, text);
  const [first, ...more] = errors;
  if (config && !first) return config;
  if (!first || more.length === 0) throw first ?? ksaError('KSA_ERR_INTERNAL', `${file}: invalid config without a reason`);
  throw ksaError(first.code, `${first.message}; ${more.length} more problem${more.length === 1 ? '' : 's'}`, { fix: `\`ksa config validate --config ${file}\` lists them all` });
}

/** Every problem of the file: YAML syntax, unset variables, schema issues, duplicate names. */
export function checkConfig(file: string, env: NodeJS.ProcessEnv, text: string = readConfigText(file)): ConfigCheck {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return ksaError('KSA_ERR_CONFIG_INVALID', `${file}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
      }),
    };
  }
  let js: unknown;
  try {
    // toJS enforces maxAliasCount, which stops "billion laughs" alias bombs.
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { errors: [ksaError('KSA_ERR_CONFIG_INVALID', `${file}: invalid YAML: ${String((error as Error).message).split('\n')[0]}`, { fix: 'remove the excessive YAML aliases (*name) from the config' })] };
  }
  const errors: KsaError[] = [];
  const raw = substituteEnv(js, env, file, [], (e) => errors.push(e));
  const substitutionFailed = errors.length > 0;
  const parsed = ConfigSchema.safeParse(raw);
  const at = (path: readonly PropertyKey[]) => `${file}${lineOf(doc, lines, path)}`;
  if (!parsed.success) {
    // Each issue's text starts with its key path (targets[0].auth: ...).
    for (const issue of everyIssue(parsed.error, ConfigSchema)) errors.push(ksaError('KSA_ERR_CONFIG_INVALID', `${at(issue.path)}: ${issue.text}`));
    return { errors };
  }
  const seen = new Map<string, number>();
  parsed.data.targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) errors.push(ksaError('KSA_ERR_CONFIG_INVALID', `${at(['targets', i, 'name'])}: ${formatPath(['targets', i, 'name'])}: duplicate target name ${JSON.stringify(t.name)} (also targets[${first}])`, { fix: 'give every target a unique name' }));
    else seen.set(t.name, i);
  });
  parsed.data.targets.forEach((t, i) => {
    for (const name of expandSources([t]).slice(1).map((s) => s.name)) {
      if (seen.has(name)) errors.push(ksaError('KSA_ERR_CONFIG_INVALID', `${at(['targets', i, 'also'])}: ${formatPath(['targets', i, 'also'])}: the source named ${JSON.stringify(name)} has the name of targets[${seen.get(name)}]`, { fix: 'rename that target' }));
    }
  });
  // Duplicate names do not stop the per-target checks; an unset variable would only repeat itself there.
  return substitutionFailed ? { errors } : { config: { ...parsed.data, targets: expandSources(parsed.data.targets) }, errors };
}

/** `:line` of the deepest node of `path` present in the file ('' when none is). */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return `:${lines.linePos(node.range[0]).line}`;
  }
  return '';
}
