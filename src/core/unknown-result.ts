// The result for a run that could not diagnose. It lives in core because the manager and the CLI
// build it without loading the sdk; the sdk re-exports it for plugin authors and tests.
import { SCHEMA_VERSION } from './versions.js';
import { redactEndpoint } from './redact.js';
import type { DiagnosticResult, ErrorInfo, MiddlewareTarget } from './types.js';

/** The result shape for a run that could not diagnose: status unknown with the coded error. */
export function unknownResult(
  plugin: { id: string; version: string },
  target: Pick<MiddlewareTarget, 'type' | 'name' | 'group' | 'endpoints'>,
  error: ErrorInfo,
  startedAt: number,
  categories: readonly string[] = [],
): DiagnosticResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    plugin,
    target: { type: target.type, name: target.name, ...(target.group ? { group: target.group } : {}), endpoints: target.endpoints.map(redactEndpoint) },
    status: 'unknown',
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, Date.now() - startedAt),
    categories: categories.map((name) => ({ name, status: 'unknown', durationMs: 0, skipped: `not evaluated: ${error.code}` })),
    findings: [],
    metrics: {},
    errors: [error],
  };
}
