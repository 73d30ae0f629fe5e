// Output formats as one table: adding a format is adding a row.
import { printableValue } from '../core/printable.js';
import type { Report } from '../core/types.js';

export type OutputFormat = 'table' | 'json' | 'nagios' | 'junit' | 'markdown' | 'html';

export interface RenderOptions {
  color: boolean;
  /** Terminal width when stdout is a terminal; tables fit it. */
  columns?: number;
}

export type Renderer = (report: Report, options: RenderOptions) => string;

/** Text formats get plugin-supplied strings without control characters (see printable.ts). */
const printable = (render: Renderer): Renderer => (report, options) => render(printableValue(report), options);

/** Lazy: each renderer loads its own libraries (chalk, string-width) only when used. */
export const RENDERERS: Record<OutputFormat, () => Promise<Renderer>> = {
  table: async () => printable((await import('./table.js')).renderTable),
  json: async () => (await import('./json.js')).renderJson,
  nagios: async () => printable((await import('./nagios.js')).renderNagios),
  junit: async () => printable((await import('./junit.js')).renderJunit),
  markdown: async () => printable((await import('./markdown.js')).renderMarkdown),
  html: async () => printable((await import('./html.js')).renderHtml),
};

export const OUTPUT_FORMATS = Object.keys(RENDERERS) as OutputFormat[];
