// A plugin's options, applied: the values a user gave (flags, --option, ksa.yaml target options,
// plugins.<id>.config) are checked against the manifest's `options:` declaration, coerced to their
// types, completed from the declared environment variables and defaults, and only then handed to
// the plugin. Every problem names where the value came from and the fix (did-you-mean for keys).
// A manifest that declares no options accepts none.
import { closestName } from './closest-name.js';
import { checkOptionValue, VALUE_HINT } from './option-values.js';
import { optionsFromConfigSchema } from './legacy-config-schema.js';
import type { Manifest, MiddlewareTarget, OptionSpec } from './types.js';

/** The options a manifest declares (`options:`, else its deprecated `config_schema`). */
export function declaredOptions(manifest: Pick<Manifest, 'options' | 'config_schema'>): Record<string, OptionSpec> {
  return manifest.options ?? optionsFromConfigSchema(manifest.config_schema);
}

export interface OptionSource {
  /** How the user wrote a key here, for messages: `--option depth`, `targets[0].options.depth`. */
  name: (key: string) => string;
  values: Readonly<Record<string, unknown>>;
  /** Whether this source sets one target's options or the whole plugin's config. */
  scope: 'target' | 'plugin';
}

export interface OptionProblem {
  key: string;
  /** Where it was given (a source's name for the key), or the option's name when it is missing. */
  at: string;
  message: string;
  fix: string;
}

export interface ResolvedOptions {
  values: Record<string, unknown>;
  problems: OptionProblem[];
}

/** How to give an option, for fixes: `--max-depth <n>` or `--option maxDepth=<n>`. */
export function howToGive(key: string, spec: OptionSpec, manifest: Pick<Manifest, 'id'>): string {
  if ((spec.scope ?? 'target') === 'plugin') return `set it in ksa.yaml under plugins.${manifest.id}.config.${key}`;
  const hint = spec.valueName ?? VALUE_HINT[spec.type];
  return spec.flag ? `--${spec.flag}${spec.type === 'boolean' ? '' : ` <${hint}>`}` : `--option ${key}=<${hint}>`;
}

/**
 * Checks and merges the sources (lowest precedence first: plugin config, then the target's own
 * values), then fills what is still missing from `env:` variables and defaults. `scope` says what
 * is being built: a target's options, or the plugin's config (plugin-scoped options only there).
 */
export function resolveOptions(manifest: Pick<Manifest, 'id' | 'options' | 'config_schema'>, sources: readonly OptionSource[], scope: 'target' | 'plugin', env: NodeJS.ProcessEnv = {}): ResolvedOptions {
  const declared = declaredOptions(manifest);
  const keys = Object.keys(declared);
  const values: Record<string, unknown> = {};
  const problems: OptionProblem[] = [];
  for (const source of sources) {
    for (const [key, raw] of Object.entries(source.values)) {
      const at = source.name(key);
      const spec = Object.hasOwn(declared, key) ? declared[key] : undefined;
      if (!spec) {
        problems.push(unknownKey(manifest, keys, key, at));
        continue;
      }
      const optionScope = spec.scope ?? 'target';
      if (optionScope === 'plugin' && source.scope === 'target') {
        problems.push({ key, at, message: `${at}: ${key} applies to the whole plugin, not to one target`, fix: howToGive(key, spec, manifest) });
        continue;
      }
      if (raw === undefined || raw === null) continue;
      const checked = checkOptionValue(raw, spec);
      if (!checked.ok) {
        // A secret's value is never repeated, not even in an error.
        const shown = spec.secret ? 'the value' : JSON.stringify(typeof raw === 'string' ? raw.slice(0, 60) : raw)?.slice(0, 60) ?? String(raw);
        problems.push({ key, at, message: `${at}: ${shown} ${checked.why}`, fix: `give ${describeSpec(spec)}, e.g. ${howToGive(key, spec, manifest)}` });
        continue;
      }
      values[key] = checked.value;
    }
  }
  for (const [key, spec] of Object.entries(declared)) {
    const optionScope = spec.scope ?? 'target';
    if (scope === 'target' && optionScope === 'plugin') {
      delete values[key];
      continue;
    }
    if (values[key] !== undefined) continue;
    const fromEnv = (spec.env ?? []).find((name) => env[name] !== undefined && env[name] !== '');
    if (fromEnv !== undefined) {
      const checked = checkOptionValue(env[fromEnv], spec);
      if (checked.ok) values[key] = checked.value;
      else problems.push({ key, at: fromEnv, message: `environment variable ${fromEnv} (option ${key}) ${checked.why}`, fix: `set ${fromEnv} to ${describeSpec(spec)} or unset it` });
      continue;
    }
    if (spec.default !== undefined) {
      const checked = checkOptionValue(spec.default, spec);
      if (checked.ok) values[key] = checked.value; // a legacy config_schema default of the wrong type is ignored
      continue;
    }
    // Required is judged where the values are complete: a target (its plugin config is one of its sources).
    if (spec.required && scope === optionScope) {
      problems.push({ key, at: key, message: `${manifest.id} needs option ${key}${spec.description ? ` (${spec.description})` : ''}`, fix: `give ${howToGive(key, spec, manifest)}` });
    }
  }
  return { values, problems };
}

function unknownKey(manifest: Pick<Manifest, 'id' | 'options' | 'config_schema'>, keys: readonly string[], key: string, at: string): OptionProblem {
  if (keys.length === 0) return { key, at, message: `${at}: ${manifest.id} declares no options`, fix: `remove ${at}` };
  // A flag name written as a key (`max-depth`) points to its key (maxDepth).
  const declared = declaredOptions(manifest);
  const byFlag = Object.entries(declared).find(([, s]) => s.flag === key)?.[0];
  const near = byFlag ?? closestName(key, keys);
  return {
    key, at,
    message: `${at}: ${manifest.id} has no option ${JSON.stringify(key)} (options: ${keys.join(', ')})`,
    fix: near ? `did you mean ${near}? (ksa plugin info ${manifest.id} describes them)` : `ksa plugin info ${manifest.id} describes them`,
  };
}

/** `an integer from 1 to 1000`, `one of disable, prefer, require`. */
function describeSpec(spec: OptionSpec): string {
  if (spec.enum) return `one of ${spec.enum.join(', ')}`;
  const article: Record<OptionSpec['type'], string> = {
    string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', duration: 'a duration such as 500ms or 2s', list: 'a comma-separated list', endpoints: 'host:port endpoints, comma-separated',
    records: `a list of records with the fields ${Object.keys(spec.fields ?? {}).join(', ')} (ksa.yaml, or a JSON array)`,
  };
  const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? ` of at least ${spec.min}` : spec.max !== undefined ? ` of at most ${spec.max}` : '';
  return `${article[spec.type]}${range}${spec.pattern ? ` matching ${spec.pattern}` : ''}`;
}

/** The values of the target's secret options (each item of a list), to redact everywhere. */
export function secretOptionValues(manifest: Pick<Manifest, 'options' | 'config_schema'>, options: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(declaredOptions(manifest))) {
    if (!spec.secret || options[key] === undefined) continue;
    const value = options[key];
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== null && String(v) !== '') out.push(String(v));
  }
  return out;
}

/** Everything of a target that must never be shown: its password and its secret options. */
export function targetSecrets(target: Pick<MiddlewareTarget, 'auth' | 'options'>, manifest: Pick<Manifest, 'options' | 'config_schema'>): string[] {
  return [...(target.auth.password ? [target.auth.password] : []), ...secretOptionValues(manifest, target.options ?? {})];
}
