// /api/v1: the effective config (redacted), the event stream, the audit history of other rooms
// (recovery-*, notification-*, api-call) and the OpenAPI document of the API.
import { readFileSync } from 'node:fs';
import { json, problem, type Route } from './route-table.js';
import { eventStream } from './event-stream.js';
import { redactedConfig } from './redacted-config.js';
import { openApiDocument } from './openapi.js';
import { auditLogPath } from '../watch/audit-log.js';
import type { ServeContext } from './serve-context.js';

const MAX_HISTORY = 1000;

/** The last `limit` audit-log lines whose kind starts with `prefix` (the current file; rotated archives are gzip). */
function history(ctx: ServeContext, prefix: string, limit: number): unknown[] {
  let text = '';
  try {
    text = readFileSync(auditLogPath(ctx.loop.sink.stateDir), 'utf8');
  } catch {
    return [];
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(`"kind":"${prefix}`)) continue;
    try {
      const event = JSON.parse(line) as { kind?: unknown };
      if (typeof event.kind === 'string' && event.kind.startsWith(prefix)) out.push(event);
    } catch {
      // a torn last line (a crash while writing) is not history
    }
  }
  return out.slice(-limit);
}

const HISTORY_KINDS = ['recovery', 'notification', 'api-call', 'finding', 'target', 'config-reload'];

export const apiMiscRoutes: Route<ServeContext>[] = [
  { method: 'GET', path: '/api/v1/config', scope: 'read', handle: (_req, ctx) => json(200, redactedConfig(ctx.loop.config(), ctx.secrets())) },
  { method: 'GET', path: '/api/v1/events', scope: 'read', handle: (req, ctx) => eventStream(ctx, req.query.get('kinds')) },
  {
    method: 'GET', path: '/api/v1/history', scope: 'read',
    handle(req, ctx) {
      const kind = req.query.get('kind') ?? '';
      if (!HISTORY_KINDS.includes(kind)) return problem(400, 'bad_request', `kind must be one of ${HISTORY_KINDS.join(', ')} (recovery: every recovery-* event)`);
      const limit = Math.min(MAX_HISTORY, Math.max(1, Number(req.query.get('limit') ?? 100) || 100));
      return json(200, { kind, events: history(ctx, kind, limit) });
    },
  },
  { method: 'GET', path: '/api/v1/openapi.json', scope: 'public', handle: () => json(200, openApiDocument()) },
];
