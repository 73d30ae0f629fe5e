// JSON output: exactly the published report schema (`ksa schema`).
import type { Report } from '../core/types.js';

export function renderJson(report: Report, _options?: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
