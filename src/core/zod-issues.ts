// One line from a zod error: the path in the input (`targets[2].endpoints[0]`) and the problem;
// for an unknown key, the closest allowed key when the schema is given (`did you mean "username"?`).
import type { z } from 'zod';
import { closestName } from './closest-name.js';

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(root)';
}

export function firstIssue(error: z.ZodError, schema?: z.ZodType): string {
  const issue = error.issues[0];
  return issue ? describeIssue(issue, schema) : 'invalid value';
}

/** Every issue, one line each, in the order zod found them (for `ksa config validate`). */
export function everyIssue(error: z.ZodError, schema?: z.ZodType): Array<{ path: PropertyKey[]; text: string }> {
  return error.issues.map((issue) => ({ path: [...issue.path], text: describeIssue(issue, schema) }));
}

function describeIssue(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  const keys = (issue as { keys?: string[] }).keys;
  if (issue.code !== 'unrecognized_keys' || !keys) return `${formatPath(issue.path)}: ${issue.message}`;
  const allowed = schema ? keysAt(schema, issue.path) : [];
  const hints = keys.map((k) => closestName(k, allowed)).filter((h): h is string => h !== undefined);
  const hint = hints.length > 0 ? ` (did you mean ${hints.map((h) => JSON.stringify(h)).join(', ')}?)` : '';
  return `${formatPath(issue.path)}: unknown key ${keys.map((k) => JSON.stringify(k)).join(', ')}${hint}`;
}

interface Def { type?: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; valueType?: z.ZodType; in?: z.ZodType }
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema allows at `path`, through arrays, records and optional/default wrappers. */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let s: z.ZodType | undefined = schema;
  let i = 0;
  while (s) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.in) s = def.in;
    else if (i === path.length) return def.shape ? Object.keys(def.shape) : [];
    else if (def.shape) s = def.shape[String(path[i++])];
    else if (def.element) { s = def.element; i++; } else if (def.valueType) { s = def.valueType; i++; } else return [];
  }
  return [];
}
