// /api/v1/targets: the targets this process runs with their watch state, a target's last result
// as a schemaVersion 1 report (as `ksa diagnose --output json`), a diagnosis on demand (a cycle of
// the loop's own scheduler, shared with one in flight) and a declared action of its plugin (admin;
// a mutating one needs "allowWrite": true) through the recovery engine's manual path, as `ksa
// action --target`: one action in flight per target, the rate limit, a snapshot first, recorded in
// the journal, the audit log and `ksa recovery history` (rule manual).
import { z } from 'zod';
import { json, problem, type Route } from './route-table.js';
import { buildReport } from '../cli/report.js';
import { toErrorInfo } from '../core/errors.js';
import { admitAction } from '../core/action-policy.js';
import type { ServeContext } from './serve-context.js';
import type { TargetView } from '../watch/watcher.js';

const ActionBodySchema = z.strictObject({
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  allowWrite: z.boolean().default(false),
});

/** How a refused action maps to HTTP: a caller's mistake or a gate (nothing ran), not a server fault. */
const ACTION_REFUSALS: Record<string, number> = { KSA_ERR_UNKNOWN_ACTION: 404, KSA_ERR_WRITE_NOT_ALLOWED: 403, KSA_ERR_BAD_INPUT: 400, KSA_ERR_ACTION_IN_FLIGHT: 409, KSA_ERR_RATE_LIMITED: 429 };

function targetView(ctx: ServeContext, t: TargetView) {
  const record = ctx.loop.sink.records().get(t.name);
  const findings = Object.entries(record?.findings ?? {})
    .filter(([, f]) => f.state !== 'resolved')
    .map(([key, f]) => ({ key, state: f.state, since: new Date(f.since).toISOString(), id: f.finding.id, severity: f.finding.severity, title: f.finding.title, ...(f.finding.node ? { node: f.finding.node } : {}) }));
  return {
    name: t.name, type: t.type, plugin: t.plugin, labels: t.labels, intervalSeconds: t.periodMs / 1000,
    state: record?.state ?? 'waiting', ...(record ? { since: new Date(record.since).toISOString() } : {}),
    ...(t.last ? { last: { at: new Date(t.last.at).toISOString(), status: t.last.result.status, durationMs: t.last.result.durationMs } } : {}),
    ...(record?.error ? { error: record.error } : {}),
    findings,
  };
}

function find(ctx: ServeContext, name: string): TargetView | undefined {
  return ctx.loop.watcher.view().find((t) => t.name === name);
}

const unknownTarget = (name: string) => problem(404, 'unknown_target', `no target ${JSON.stringify(name.slice(0, 100))} in this process: GET /api/v1/targets lists them`);

export const apiTargetRoutes: Route<ServeContext>[] = [
  { method: 'GET', path: '/api/v1/targets', scope: 'read', handle: (_req, ctx) => json(200, { targets: ctx.loop.watcher.view().map((t) => targetView(ctx, t)) }) },
  {
    method: 'GET', path: '/api/v1/targets/{name}', scope: 'read',
    handle(req, ctx) {
      const t = find(ctx, req.params.name!);
      return t ? json(200, targetView(ctx, t)) : unknownTarget(req.params.name!);
    },
  },
  {
    method: 'GET', path: '/api/v1/targets/{name}/result', scope: 'read',
    handle(req, ctx) {
      const t = find(ctx, req.params.name!);
      if (!t) return unknownTarget(req.params.name!);
      if (!t.last) return problem(404, 'no_result', `${t.name} has had no cycle yet: POST /api/v1/targets/${t.name}/diagnose runs one`);
      return json(200, buildReport([t.last.result], ctx.failOn()));
    },
  },
  {
    method: 'POST', path: '/api/v1/targets/{name}/diagnose', scope: 'admin',
    async handle(req, ctx) {
      const name = req.params.name!;
      const last = await ctx.loop.watcher.runNow(name);
      if (!ctx.loop.watcher.hasTarget(name)) return unknownTarget(name);
      if (!last) return problem(409, 'no_result', `the cycle of ${name} ended without a result (the target was restarted or removed meanwhile)`, { target: name });
      return json(200, buildReport([last.result], ctx.failOn()), { target: name, detail: `diagnosed ${name}: ${last.result.status}` });
    },
  },
  {
    method: 'POST', path: '/api/v1/targets/{name}/actions/{action}', scope: 'admin',
    async handle(req, ctx) {
      const { name, action } = req.params as { name: string; action: string };
      const target = ctx.loop.targets().find((t) => t.name === name);
      if (!target) return unknownTarget(name);
      const body = ActionBodySchema.safeParse(req.body);
      if (!body.success) return problem(400, 'bad_request', 'send {"params": {"key": "value"}, "allowWrite": false} (both optional)', { target: name });
      const request = target.request;
      try {
        const manager = ctx.loop.watcher.pluginManager;
        const spec = admitAction(manager.registry.require(request.pluginId).manifest, action, body.data.allowWrite);
        const { outcome, entry } = await ctx.loop.runManual({ manager, pluginId: request.pluginId, spec, target: request.target, params: body.data.params, timeoutMs: request.opts.timeoutMs, secrets: () => ctx.secrets(), via: 'the API' });
        return json(outcome.ok ? 200 : 502, { target: name, action, ...outcome, history: entry }, { target: name, detail: `${request.pluginId}/${action}${body.data.allowWrite ? ' (allowWrite)' : ''}: ${outcome.ok ? 'ok' : 'failed'}: ${outcome.detail}` });
      } catch (error) {
        const info = toErrorInfo(error);
        return problem(ACTION_REFUSALS[info.code] ?? 500, info.code, info.message, { target: name });
      }
    },
  },
];
