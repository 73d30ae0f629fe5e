// Output formats as one table: adding a format is adding a row.
import type { Report } from '../core/types.js';

export type OutputFormat = 'table' | 'json' | 'nagios' | 'junit';

export interface RenderOptions {
  color: boolean;
  /** Terminal width when stdout is a terminal; tables fit it. */
  columns?: number;
}

export type Renderer = (report: Report, options: RenderOptions) => string;

/** Lazy: each renderer loads its own libraries (chalk, cli-table3) only when used. */
export const RENDERERS: Record<OutputFormat, () => Promise<Renderer>> = {
  table: async () => (await import('./table.js')).renderTable,
  json: async () => (await import('./json.js')).renderJson,
  nagios: async () => (await import('./nagios.js')).renderNagios,
  junit: async () => (await import('./junit.js')).renderJunit,
};

export const OUTPUT_FORMATS = Object.keys(RENDERERS) as OutputFormat[];
