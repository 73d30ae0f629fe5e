// Writes metric families in the Prometheus text format (0.0.4) or OpenMetrics 1.0, and picks one
// by the request's Accept header. Our own writer rather than prom-client: ksa's metrics are a
// snapshot of the watch loop read at scrape time, not a registry of live counters, and prom-client
// 15 drops the `_total` of counter samples in the text format (a counter `x_total` is written `x`).
import { z } from 'zod';

/** A summary here carries only its quantiles (optional _sum and _count are left out: ksa's are windowed). */
export type MetricType = 'gauge' | 'counter' | 'summary';

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  /** The full name (a counter's ends in `_total`). */
  name: string;
  type: MetricType;
  help: string;
  /** OpenMetrics `# UNIT`: only when the name ends in `_<unit>` (seconds, bytes, ratio). */
  unit?: string;
  samples: readonly Sample[];
}

export type ExpositionFormat = 'text' | 'openmetrics';

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const AcceptEntrySchema = z.object({ type: z.string(), q: z.number().min(0).max(1) });

/** OpenMetrics when the client prefers it (Prometheus asks for it first), else the text format. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'text';
  let om = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().split(';').map((p) => p.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const parsed = AcceptEntrySchema.safeParse({ type: type.toLowerCase(), q: qParam ? Number(qParam.slice(2)) : 1 });
    if (!parsed.success) continue;
    const { q } = parsed.data;
    if (parsed.data.type === 'application/openmetrics-text') om = Math.max(om, q);
    else if (['text/plain', 'text/*', '*/*'].includes(parsed.data.type)) text = Math.max(text, q);
  }
  return om > 0 && om > text ? 'openmetrics' : 'text';
}

const NEEDS_ESCAPE = /[\\\n"]/;

export function escapeLabelValue(value: string): string {
  // Most values need nothing: one test instead of three replaces (2,000 targets are 60,000 samples).
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value;
}

function escapeHelp(help: string, format: ExpositionFormat): string {
  const text = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? text.replace(/"/g, '\\"') : text;
}

function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Rendered label sets by identity: a target's labels object is shared by most of its samples. */
const rendered = new WeakMap<object, string>();

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const cached = rendered.get(labels);
  if (cached !== undefined) return cached;
  const text = renderLabels(labels);
  rendered.set(labels, text);
  return text;
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k in labels) out += `${out ? ',' : ''}${k}="${escapeLabelValue(labels[k]!)}"`;
  return out ? `{${out}}` : '';
}

/** The exposition of these families; families without samples are left out. */
export function writeExposition(families: readonly MetricFamily[], format: ExpositionFormat): string {
  let out = '';
  for (const f of families) {
    if (f.samples.length === 0) continue;
    // OpenMetrics names a counter family without its `_total`; its samples keep it.
    const familyName = format === 'openmetrics' && f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    out += `# HELP ${familyName} ${escapeHelp(f.help, format)}\n# TYPE ${familyName} ${f.type}\n`;
    if (format === 'openmetrics' && f.unit && familyName.endsWith(`_${f.unit}`)) out += `# UNIT ${familyName} ${f.unit}\n`;
    for (const s of f.samples) out += `${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}\n`;
  }
  if (format === 'openmetrics') out += '# EOF\n';
  return out;
}
