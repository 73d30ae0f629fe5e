// What an assertion needs from a body, taken in collect so the body is not kept: the JSON-path
// values (jsonpath-plus, with its safe evaluator for filters) or the first regex match.
import { JSONPath } from 'jsonpath-plus';
import type { HttpCheckSpec } from './check-spec.js';
import { jolokiaStatusOf } from './jolokia.js';
import type { HttpContent, JolokiaStatus } from './snapshot.js';

const MAX_VALUES = 50;
const MAX_TEXT = 300;

export function extractContent(check: HttpCheckSpec, body: string): { content: HttpContent | null; jolokia: JolokiaStatus | null } {
  try {
    return extract(check, body);
  } catch (e) {
    // A path or regex the library cannot read: the check's own mistake, said as such.
    return { content: { kind: 'bad-assertion', why: (e as Error).message.slice(0, MAX_TEXT) }, jolokia: null };
  }
}

function extract(check: HttpCheckSpec, body: string): { content: HttpContent | null; jolokia: JolokiaStatus | null } {
  if (check.jsonPath === undefined && check.regex === undefined) return { content: null, jolokia: null };
  if (check.jsonPath === undefined) {
    const match = new RegExp(check.regex!).exec(body);
    return { content: { kind: 'text', match: match ? match[0].slice(0, MAX_TEXT) : null }, jolokia: null };
  }
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { content: { kind: 'not-json', excerpt: body.slice(0, 120) }, jolokia: null };
  }
  const found = JSONPath({ path: check.jsonPath, json: document as object, eval: 'safe', wrap: true }) as unknown[];
  return {
    content: { kind: 'json', values: found.slice(0, MAX_VALUES).map(plainValue) },
    jolokia: check.mbean !== undefined ? jolokiaStatusOf(document) : null,
  };
}

/** Scalars as they are; objects and arrays as (cut) JSON text, so the snapshot stays small. */
function plainValue(v: unknown): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.slice(0, MAX_TEXT);
  return JSON.stringify(v).slice(0, MAX_TEXT);
}
