// An action's parameters against what its plugin declares (`actions[].params` in the manifest):
// unknown names refused with did-you-mean, required ones present, each value coerced to its type
// and checked (enum, pattern, bounds) by the same code that checks plugin options. `ksa action`
// and the recovery engine both come through here (the manager checks before the plugin is called);
// at config load a recovery rule's literal values are checked, its templated ones once rendered.
import { closestName } from './closest-name.js';
import { ksaError, type ErrorCode } from './errors.js';
import { checkOptionValue } from './option-values.js';
import type { ActionSpec } from './types.js';

export type ParamSpecs = NonNullable<ActionSpec['params']>;

/**
 * Checked and typed parameters. `where` names them in messages (`recovery.rules[0].action.params`).
 * `skip`: values not to check yet (a recovery rule's templates, at config time).
 */
export function checkParams(specs: ParamSpecs | undefined, raw: Readonly<Record<string, unknown>>, where: string, options: { skip?: (value: unknown) => boolean; code?: ErrorCode } = {}): Record<string, unknown> {
  const code = options.code ?? 'KSA_ERR_BAD_INPUT';
  const declared = specs ?? {};
  const names = Object.keys(declared);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const spec = Object.hasOwn(declared, key) ? declared[key] : undefined;
    if (!spec) {
      const near = closestName(key, names);
      throw ksaError(code, `${where}.${key}: unknown parameter (declared: ${names.join(', ') || 'none'})`, near ? { fix: `did you mean ${near}?` } : { fix: 'see `ksa plugin info <plugin>` for its actions\' parameters' });
    }
    if (options.skip?.(value)) continue;
    const checked = checkOptionValue(value, spec);
    if (!checked.ok) {
      const shown = spec.secret ? '' : ` (${JSON.stringify(value).slice(0, 60)})`;
      throw ksaError(code, `${where}.${key}${shown} ${checked.why}`, { fix: `give a ${spec.type}${spec.description ? `: ${spec.description}` : ''}` });
    }
    out[key] = checked.value;
  }
  for (const [key, spec] of Object.entries(declared)) {
    if (spec.required && !Object.hasOwn(raw, key)) throw ksaError(code, `${where}.${key} is required`, { fix: `give it${spec.description ? `: ${spec.description}` : ''}` });
  }
  return out;
}

/** The parameter values with secret ones replaced by `***` (events, history, audit). */
export function redactParams(specs: ParamSpecs | undefined, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, specs?.[k]?.secret ? '***' : v]));
}
