// The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. Written here as data, apart
// from the route table (serve-routes.ts): test/e2e/serve-api.test.ts checks that every API route
// is documented and that every documented operation answers. Bodies and results reuse the JSON
// Schemas of `ksa schema report` and `ksa schema events` (one source: the zod schemas).
import { jsonSchemaOf } from '../cli/commands/schema.js';

type Scope = 'public' | 'read' | 'admin';

interface Operation {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  scope: Scope;
  ok: number;
  /** The schema of the 2xx body (a $ref or an inline schema). */
  result?: Record<string, unknown>;
  body?: Record<string, unknown>;
  query?: Array<{ name: string; description: string; required?: boolean }>;
  /** Error answers of this operation besides the common ones (ERRORS). */
  errors?: Record<number, string>;
  /** Content type of the 2xx answer when not JSON. */
  type?: string;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const API_OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/api/v1/plugins', summary: 'List plugins: state, enabled, health (cycle latency, error rate, host restarts), their targets', scope: 'read', ok: 200 },
  { method: 'post', path: '/api/v1/plugins', summary: 'Install a plugin (npm package or local path), as `ksa plugin install`; the loop reloads on a fresh plugin manager', scope: 'admin', ok: 201, body: { type: 'object', required: ['spec'], properties: { spec: { type: 'string' } }, additionalProperties: false } },
  { method: 'get', path: '/api/v1/plugins/{id}', summary: 'Inspect a plugin: its manifest facts, thresholds with defaults, health', scope: 'read', ok: 200 },
  { method: 'delete', path: '/api/v1/plugins/{id}', summary: 'Uninstall an installed plugin, as `ksa plugin uninstall`', scope: 'admin', ok: 200 },
  { method: 'post', path: '/api/v1/plugins/{id}/enable', summary: 'Enable a plugin: its targets rejoin the schedule (persisted in the state dir)', scope: 'admin', ok: 200 },
  { method: 'post', path: '/api/v1/plugins/{id}/disable', summary: 'Disable a plugin: its targets leave the schedule (persisted in the state dir, kept across restarts and config reloads)', scope: 'admin', ok: 200 },
  { method: 'post', path: '/api/v1/plugins/{id}/reload', summary: "Re-initialise a plugin's instance with its current config", scope: 'admin', ok: 200 },
  { method: 'get', path: '/api/v1/targets', summary: 'List the targets this process runs with their watch state, last cycle and live findings', scope: 'read', ok: 200 },
  { method: 'get', path: '/api/v1/targets/{name}', summary: "A target's watch state, last cycle and live findings", scope: 'read', ok: 200 },
  { method: 'get', path: '/api/v1/targets/{name}/result', summary: "The target's last result as a report (schemaVersion 1, as `ksa diagnose --output json`)", scope: 'read', ok: 200, result: ref('Report') },
  { method: 'post', path: '/api/v1/targets/{name}/diagnose', summary: "Diagnose now: a cycle of the loop's scheduler (shared with one in flight); the report", scope: 'admin', ok: 200, result: ref('Report') },
  { method: 'post', path: '/api/v1/targets/{name}/actions/{action}', summary: "Run a declared action of the target's plugin (a mutating one needs allowWrite: true) through the recovery engine's manual path, as `ksa action --target`: one in flight per target (409 KSA_ERR_ACTION_IN_FLIGHT), the recovery rate limit (429 KSA_ERR_RATE_LIMITED), a snapshot first, recorded in the audit log and `ksa recovery history` (rule manual); the outcome and its history entry", scope: 'admin', ok: 200, errors: { 409: 'Another action (a recovery rule\'s or a manual one) is in flight on the target (KSA_ERR_ACTION_IN_FLIGHT): nothing ran', 429: 'recovery.rateLimit reached (KSA_ERR_RATE_LIMITED): nothing ran', 502: 'The action ran and failed: the outcome and its history entry' }, body: { type: 'object', properties: { params: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }, allowWrite: { type: 'boolean' } }, additionalProperties: false } },
  { method: 'get', path: '/api/v1/config', summary: 'The effective ksa.yaml, secrets redacted', scope: 'read', ok: 200 },
  { method: 'get', path: '/api/v1/events', summary: 'The event stream (Server-Sent Events): each data line one event of `ksa schema events`', scope: 'read', ok: 200, type: 'text/event-stream', result: ref('WatchEvent'), query: [{ name: 'kinds', description: 'comma-separated event kinds (default: all)' }] },
  { method: 'get', path: '/api/v1/history', summary: 'Past events from the audit log: recovery, notification, api-call, finding, target or config-reload', scope: 'read', ok: 200, query: [{ name: 'kind', description: 'recovery | notification | api-call | finding | target | config-reload', required: true }, { name: 'limit', description: 'the last N (default 100, at most 1000)' }] },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document', scope: 'public', ok: 200 },
];

const ERRORS = { 400: 'Bad request', 401: 'No valid bearer token', 403: 'The token lacks the scope', 404: 'Unknown plugin, target or action', 409: 'Conflict', 413: 'Body over serve.maxBodyBytes' } as const;

function pathParameters(path: string) {
  return [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const responses: Record<string, unknown> = {
      [op.ok]: { description: 'OK', content: { [op.type ?? 'application/json']: { schema: op.result ?? { type: 'object' } } } },
    };
    for (const [code, description] of Object.entries({ ...ERRORS, ...op.errors })) responses[code] = { description, content: { 'application/json': { schema: code === '502' ? { type: 'object' } : ref('Error') } } };
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      'x-ksa-scope': op.scope,
      ...(op.scope === 'public' ? { security: [] } : {}),
      parameters: [...pathParameters(op.path), ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: q.required === true, description: q.description, schema: { type: 'string' } }))],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ksa serve management API', version: '1', description: 'docs/SERVE.md. Read calls need a token of scope read or admin; write calls (POST, DELETE) admin, and each is recorded in the audit log (event kind api-call).' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'serve.auth.tokens of ksa.yaml (scope read or admin)' } },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
        Report: jsonSchemaOf('report'),
        WatchEvent: jsonSchemaOf('events'),
      },
    },
  };
}
