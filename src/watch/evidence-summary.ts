// Events travel to the journal, the audit log, notifiers and SSE clients on every transition, so
// they carry a bounded copy of a finding's evidence: enough to act on (a blocker pid, a session
// id, a lag) and never a megabyte of plugin output.

const MAX_KEYS = 20;
const MAX_ITEMS = 10;
const MAX_STRING = 300;
const MAX_DEPTH = 3;
/** The whole summary, as JSON. */
const MAX_BYTES = 4096;

function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= MAX_DEPTH) return typeof value === 'object' ? '…' : String(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => bounded(v, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  if (typeof value === 'object') return boundedRecord(value as Record<string, unknown>, depth + 1);
  return undefined; // functions, symbols, bigint: not JSON
}

function boundedRecord(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record).slice(0, MAX_KEYS)) {
    const v = bounded(value, depth);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** At most 20 keys, 10 items per list, 300 characters per string, 3 levels of nesting below the top, 4 KB of JSON. */
export function summarizeEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  const summary = boundedRecord(evidence, 0);
  if (JSON.stringify(summary).length <= MAX_BYTES) return summary;
  // Still too big (many long keys): keep the scalars that fit, in order.
  const out: Record<string, unknown> = {};
  let size = 2;
  for (const [key, value] of Object.entries(summary)) {
    const part = JSON.stringify({ [key]: typeof value === 'object' && value !== null ? '…' : value }).length;
    if (size + part > MAX_BYTES) break;
    out[key] = typeof value === 'object' && value !== null ? '…' : value;
    size += part;
  }
  return out;
}
