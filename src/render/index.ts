// Output formats as one table: adding a format is adding a row.
import type { Report } from '../core/types.js';

export type OutputFormat = 'table' | 'json';

export const RENDERERS: Record<OutputFormat, () => Promise<(report: Report) => string>> = {
  table: async () => (await import('./table.js')).renderTable,
  json: async () => (await import('./json.js')).renderJson,
};

export const OUTPUT_FORMATS = Object.keys(RENDERERS) as OutputFormat[];
