// A declared check (ksa.yaml `options.checks`, typed by the manifest's `records` fields): what to
// GET and what to assert. No check declared: one GET of the endpoint itself, expecting 2xx.
export interface HttpCheckSpec {
  id: string;
  /** Path (and query) under the endpoint's base URL; or mbean + attribute for Jolokia. */
  path?: string;
  mbean?: string;
  attribute?: string;
  /** Expected status codes: `200`, `2xx`, `200,204`. */
  status: string;
  jsonPath?: string;
  regex?: string;
  equals?: string;
  warning?: number;
  critical?: number;
  direction?: 'above' | 'below';
  unit?: string;
  source?: string;
  latencyWarning?: number;
  latencyCritical?: number;
  title?: string;
}

export const DEFAULT_CHECK_ID = 'endpoint';

export function declaredChecks(raw: unknown): HttpCheckSpec[] {
  const list = Array.isArray(raw) ? (raw as Array<Partial<HttpCheckSpec>>) : [];
  if (list.length === 0) return [{ id: DEFAULT_CHECK_ID, status: '2xx' }];
  return list.map((c) => ({ ...c, id: String(c.id), status: c.status ?? '2xx', ...(c.mbean && !c.jsonPath && !c.regex ? { jsonPath: '$.value' } : {}) }));
}

/** `2xx,404` admits 200..299 and 404. */
export function statusAdmitted(pattern: string, status: number): boolean {
  return pattern.split(',').some((p) => new RegExp(`^${p.trim().replace(/x/g, '\\d')}$`).test(String(status)));
}

/** Whether the check asserts anything about the body. */
export function assertsContent(check: HttpCheckSpec): boolean {
  return check.jsonPath !== undefined || check.regex !== undefined;
}
