// Manifests written before `options:` declared their keys as a JSON-Schema-like `config_schema`
// (stored, never applied). They are read as options here, so such a plugin's keys are checked
// too: the supported subset is type, enum, pattern, minimum, maximum, default, description; a
// property ksa cannot type (a union, an object) is taken as a string. New manifests use `options:`.
import type { OptionSpec } from './types.js';
import type { OptionType } from './option-values.js';

const TYPES: Record<string, OptionType> = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', array: 'list' };

export function optionsFromConfigSchema(schema: Record<string, unknown> | undefined): Record<string, OptionSpec> {
  const properties = schema?.properties;
  if (!properties || typeof properties !== 'object') return {};
  const out: Record<string, OptionSpec> = {};
  for (const [key, raw] of Object.entries(properties as Record<string, unknown>)) {
    const p = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const type = typeof p.type === 'string' ? TYPES[p.type] ?? 'string' : 'string';
    const spec: OptionSpec = { type };
    if (typeof p.description === 'string') spec.description = p.description;
    if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string' || typeof v === 'number')) spec.enum = p.enum as Array<string | number>;
    if (typeof p.pattern === 'string') spec.pattern = p.pattern;
    if (typeof p.minimum === 'number') spec.min = p.minimum;
    if (typeof p.maximum === 'number') spec.max = p.maximum;
    if (p.default !== undefined) spec.default = p.default;
    out[key] = spec;
  }
  return out;
}
