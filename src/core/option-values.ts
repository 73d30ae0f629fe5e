// A plugin option's value, checked and coerced to its declared type: `--option samples=3` arrives
// as the string "3" and reaches the plugin as the number 3, `--wait 2s` as 2000 (ms). No zod:
// this runs on every diagnosis, and the CLI starts without zod when only built-ins are used.
// Messages never contain the value itself (a secret option's value must not reach any output);
// the caller adds it for options that are not secret.
import { parseDuration } from './duration.js';
import { parseEndpoint } from './endpoint.js';

export const OPTION_TYPES = ['string', 'integer', 'number', 'boolean', 'duration', 'list', 'endpoints', 'records'] as const;
export type OptionType = (typeof OPTION_TYPES)[number];
/** What a field of a `records` item may be: records do not nest. */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'duration', 'list'] as const;

/** One field of a `records` option's items (`checks: [{ id, query, warning }]`). */
export interface FieldRule extends Omit<OptionRule, 'type' | 'fields' | 'port'> {
  type: (typeof FIELD_TYPES)[number];
  required?: boolean | undefined;
  /** No two items may have the same value (an id). */
  unique?: boolean | undefined;
}

/** The declaration's fields that judge a value (the rest, flag and help, is the CLI's). */
export interface OptionRule {
  type: OptionType;
  enum?: ReadonlyArray<string | number> | undefined;
  pattern?: string | undefined;
  min?: number | string | undefined;
  max?: number | string | undefined;
  /** `endpoints`: port assumed for an item without one. */
  port?: number | undefined;
  /** `records`: the fields of each item, each checked as an option of its type. */
  fields?: Readonly<Record<string, FieldRule>> | undefined;
}

export type Checked = { ok: true; value: unknown } | { ok: false; why: string };

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (why: string): Checked => ({ ok: false, why });

/** A comma-separated string or a list -> trimmed non-empty strings. */
function items(raw: unknown): string[] | undefined {
  const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (!list || !list.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) return undefined;
  return list.map((v) => String(v).trim()).filter((v) => v !== '');
}

const COERCE: Record<OptionType, (raw: unknown, rule: OptionRule) => Checked> = {
  string: (raw) => (typeof raw === 'string' ? ok(raw) : typeof raw === 'number' && Number.isFinite(raw) ? ok(String(raw)) : bad('is not a string')),
  integer: (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d{1,16}\s*$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(n) ? ok(n) : bad('is not an integer');
  },
  number: (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    return Number.isFinite(n) ? ok(n) : bad('is not a number');
  },
  boolean: (raw) => {
    if (typeof raw === 'boolean') return ok(raw);
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    return word === 'true' || word === 'yes' ? ok(true) : word === 'false' || word === 'no' ? ok(false) : bad('is not true or false');
  },
  // Milliseconds: a duration string (500ms, 2s) or a number of milliseconds (ksa.yaml).
  duration: (raw) => {
    if (typeof raw === 'number') return Number.isInteger(raw) && raw > 0 ? ok(raw) : bad('is not a positive number of milliseconds');
    if (typeof raw !== 'string') return bad('is not a duration');
    try {
      return ok(parseDuration(raw));
    } catch {
      return bad('is not a duration such as 500ms, 10s or 2m');
    }
  },
  list: (raw) => {
    const list = items(raw);
    return list ? ok(list) : bad('is not a list of strings (or a comma-separated string)');
  },
  endpoints: (raw, rule) => {
    const list = items(raw);
    if (!list) return bad('is not a list of host:port endpoints');
    for (const [i, item] of list.entries()) {
      try {
        parseEndpoint(item, rule.port);
      } catch {
        return bad(`has an invalid endpoint (item ${i + 1}): write host:port${rule.port ? ` (port ${rule.port} when left out)` : ''}`);
      }
    }
    return ok(list);
  },
  // A list of objects (ksa.yaml; on the command line a JSON array): declared fields only, each checked.
  records: (raw, rule) => {
    let list: unknown = raw;
    if (typeof raw === 'string') {
      try {
        list = JSON.parse(raw);
      } catch {
        return bad('is not a list of records (in ksa.yaml a YAML list of mappings; on the command line a JSON array)');
      }
    }
    if (!Array.isArray(list)) return bad('is not a list of records (a YAML list of mappings)');
    const fields = rule.fields ?? {};
    const out: Array<Record<string, unknown>> = [];
    for (const [i, item] of list.entries()) {
      const at = `item ${i + 1}`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad(`has ${at} that is not a mapping`);
      const record: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
        const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
        if (!field) return bad(`has ${at} with an unknown field ${JSON.stringify(key.slice(0, 40))} (fields: ${Object.keys(fields).join(', ')})`);
        if (value === undefined || value === null) continue;
        const checked = checkOptionValue(value, field);
        if (!checked.ok) return bad(`has ${at} whose ${key} ${checked.why}`);
        record[key] = checked.value;
      }
      const missing = Object.entries(fields).find(([key, field]) => field.required && record[key] === undefined);
      if (missing) return bad(`has ${at} without its ${missing[0]}`);
      out.push(record);
    }
    for (const [key, field] of Object.entries(fields)) {
      if (!field.unique) continue;
      const values = out.map((r) => r[key]).filter((v) => v !== undefined);
      const twice = values.find((v, i) => values.indexOf(v) !== i);
      if (twice !== undefined) return bad(`has two items with ${key} ${JSON.stringify(twice)} (${key} must be unique)`);
    }
    return ok(out);
  },
};

/** A bound (min/max) in the value's unit: milliseconds for durations. */
function bound(limit: number | string, type: OptionType): number {
  return type === 'duration' && typeof limit === 'string' ? parseDuration(limit) : Number(limit);
}

/** Checks `raw` against the rule and returns the value in its declared type. */
export function checkOptionValue(raw: unknown, rule: OptionRule): Checked {
  const coerced = COERCE[rule.type](raw, rule);
  if (!coerced.ok) return coerced;
  const value = coerced.value;
  const scalars = Array.isArray(value) ? (value as unknown[]) : [value];
  if (rule.enum && !scalars.every((v) => rule.enum!.includes(v as string | number))) return bad(`is not one of ${rule.enum.join(', ')}`);
  if (rule.pattern !== undefined) {
    const re = new RegExp(rule.pattern);
    if (!scalars.every((v) => re.test(String(v)))) return bad(`does not match ${rule.pattern}`);
  }
  // min/max bound a number, a duration, or the length of a list.
  const size = Array.isArray(value) ? value.length : typeof value === 'number' ? value : undefined;
  const unit = Array.isArray(value) ? ' items' : '';
  if (size !== undefined && rule.min !== undefined && size < bound(rule.min, rule.type)) return bad(`is below the minimum ${rule.min}${unit}`);
  if (size !== undefined && rule.max !== undefined && size > bound(rule.max, rule.type)) return bad(`is above the maximum ${rule.max}${unit}`);
  return ok(value);
}

/** What a user writes for a value of this type, for fixes and help (`--depth <n>`). */
export const VALUE_HINT: Record<OptionType, string> = {
  string: 'value', integer: 'n', number: 'n', boolean: 'true|false', duration: 'duration', list: 'a,b', endpoints: 'host:port,...', records: 'json',
};

/** Problems of one declaration itself (for the manifest schema): a default that fails its own rule, a bad pattern, ... */
export function declarationProblems(spec: OptionRule & { default?: unknown; required?: boolean | undefined; flag?: string | undefined; description?: string | undefined; unixSocket?: boolean | undefined; suppliesEndpoints?: boolean | undefined }): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  if (spec.pattern !== undefined) {
    try {
      new RegExp(spec.pattern);
    } catch {
      out.push({ field: 'pattern', message: 'is not a valid regular expression' });
    }
  }
  for (const field of ['min', 'max'] as const) {
    const limit = spec[field];
    if (limit === undefined) continue;
    if (!['integer', 'number', 'duration', 'list', 'endpoints'].includes(spec.type)) out.push({ field, message: `applies to integer, number, duration and list options, not ${spec.type}` });
    else if (spec.type === 'duration' ? !COERCE.duration(limit, spec).ok : typeof limit !== 'number') out.push({ field, message: spec.type === 'duration' ? 'is not a duration' : 'is not a number' });
  }
  if (spec.enum && !spec.enum.every((v) => COERCE[spec.type](v, spec).ok)) out.push({ field: 'enum', message: `has a value that is not a ${spec.type}` });
  if (out.length === 0 && spec.default !== undefined) {
    const checked = checkOptionValue(spec.default, spec);
    if (!checked.ok) out.push({ field: 'default', message: checked.why });
  }
  if (spec.required && spec.default !== undefined) out.push({ field: 'required', message: 'an option with a default is never missing: drop required or the default' });
  if (spec.flag !== undefined && !spec.description) out.push({ field: 'description', message: 'is required for an option with a flag (it is the flag\'s help text)' });
  if (spec.unixSocket && spec.type !== 'string') out.push({ field: 'unixSocket', message: 'applies to a string option (a socket path)' });
  if (spec.suppliesEndpoints && spec.type !== 'endpoints') out.push({ field: 'suppliesEndpoints', message: 'applies to an endpoints option' });
  if (spec.port !== undefined && spec.type !== 'endpoints') out.push({ field: 'port', message: 'applies to an endpoints option' });
  if ((spec.fields !== undefined) !== (spec.type === 'records')) out.push({ field: 'fields', message: spec.type === 'records' ? 'is required for a records option (the fields of its items)' : 'applies to a records option' });
  for (const [name, field] of Object.entries(spec.fields ?? {})) {
    for (const p of declarationProblems(field)) out.push({ field: `fields.${name}.${p.field}`, message: p.message });
  }
  return out;
}
