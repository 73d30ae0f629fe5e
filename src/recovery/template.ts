// `{{finding.evidence.blockers.0.pid}}`: a value taken from the finding (or the target) into an
// action's parameters. A string that is one placeholder becomes the value itself (a number stays
// a number, a list stays a list); placeholders inside longer text are replaced by their text.
//
// Evidence is written by whoever the target lets write to it (a query text, a client name): it
// is hostile input. A value taken from it must be a scalar (or a list of scalars) whose text has
// no control character (no newline, no NUL) and does not begin with `-` (it would be read as an
// option by the program it reaches). It never reaches a shell: commands are argv arrays.
import { ksaError } from '../core/errors.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The value at a dotted path (`a.b.0.c`): own properties only, numeric segments index lists. */
export function lookup(scope: unknown, path: string): { found: true; value: unknown } | { found: false; near: string[] } {
  let at: unknown = scope;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) {
      return { found: false, near: at !== null && typeof at === 'object' ? Object.keys(at).slice(0, 12) : [] };
    }
    at = (at as Record<string, unknown>)[key];
  }
  return { found: true, value: at };
}

export function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return new RegExp(PLACEHOLDER.source).test(value);
  return Array.isArray(value) && value.some(hasPlaceholder);
}

/** Why a value taken from the finding may not be used, or undefined when it may. */
export function unsafeValue(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = unsafeValue(item);
      if (why) return why;
    }
    return undefined;
  }
  if (value === null || value === undefined) return 'is empty';
  if (typeof value === 'object') return 'is an object, not a value';
  const text = String(value);
  if (CONTROL.test(text)) return 'contains a control character (a newline?)';
  if (text.startsWith('-')) return 'begins with "-" (it would be read as an option)';
  if (text.length > 1000) return 'is longer than 1000 characters';
  return undefined;
}

/** How a looked-up value is judged: `unsafeValue` for the finding's values; checked parameters only need to be values. */
export type ValueCheck = (value: unknown) => string | undefined;

/** For values ksa already checked (typed parameters): anything but an object or nothing. */
export const plainValue: ValueCheck = (value) => (value === null || value === undefined ? 'is empty' : typeof value === 'object' && !Array.isArray(value) ? 'is an object, not a value' : undefined);

function resolve(scope: unknown, path: string, where: string, check: ValueCheck): unknown {
  const hit = lookup(scope, path);
  if (!hit.found) {
    throw ksaError('KSA_ERR_BAD_INPUT', `${where}: {{${path}}} is not in the finding${hit.near.length ? ` (there: ${hit.near.join(', ')})` : ''}`, { fix: 'take the path from the finding event (ksa watch --output json) or `ksa diagnose --output json`' });
  }
  const why = check(hit.value);
  if (why) throw ksaError('KSA_ERR_BAD_INPUT', `${where}: the value of {{${path}}} ${why}: refused`, { fix: 'match a finding whose evidence has a plain value there, or give the parameter literally' });
  return hit.value;
}

/** Renders one parameter value (a literal, a template string, or a list of them) against `scope`. */
export function render(value: unknown, scope: unknown, where: string, check: ValueCheck = unsafeValue): unknown {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      const out = render(item, scope, `${where}[${i}]`, check);
      // A list placeholder standing alone in a list fills several items.
      return typeof item === 'string' && WHOLE.test(item) && Array.isArray(out) ? out : [out];
    });
  }
  if (typeof value !== 'string') return value;
  const whole = WHOLE.exec(value);
  if (whole) return resolve(scope, whole[1]!, where, check);
  return value.replace(PLACEHOLDER, (_m, path: string) => {
    const v = resolve(scope, path, where, check);
    if (Array.isArray(v)) throw ksaError('KSA_ERR_BAD_INPUT', `${where}: {{${path}}} is a list; a list fills a parameter only standing alone`);
    return String(v);
  });
}
