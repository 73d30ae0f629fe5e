// The exporter face of ksa serve: /metrics (the whole loop), /probe?target= (one target, on
// demand, blackbox_exporter style), /healthz (the process answers) and /readyz (the loop runs).
import { CONTENT_TYPES, negotiateFormat, writeExposition } from './exposition.js';
import { loopMetricFamilies } from './loop-metrics.js';
import { probeBudgetMs, probeFamilies, probeTarget } from './target-probe.js';
import { adhocAllowed, adhocSnapshot } from './adhoc-probe.js';
import { json, problem, type Route } from './route-table.js';
import { loopSnapshot, serveConfig, type ServeContext } from './serve-context.js';
import { parseDuration } from '../core/duration.js';
import { toErrorInfo } from '../core/errors.js';

export const metricsRoutes: Route<ServeContext>[] = [
  {
    method: 'GET', path: '/metrics', scope: 'metrics',
    handle(req, ctx) {
      const format = negotiateFormat(req.headers.accept);
      return { status: 200, type: CONTENT_TYPES[format], body: writeExposition(loopMetricFamilies(loopSnapshot(ctx, true)), format) };
    },
  },
  {
    method: 'GET', path: '/probe', scope: 'metrics',
    async handle(req, ctx) {
      const name = req.query.get('target') ?? '';
      const cacheMs = parseDuration(serveConfig(ctx).probe.cache, 'serve.probe.cache');
      const module = req.query.get('module');
      if (module !== null) {
        // Ad-hoc endpoints only as ksa.yaml allows them: never a host that is not configured (SSRF).
        if (!adhocAllowed(ctx.loop.config(), module, name)) {
          return problem(403, 'adhoc_refused', `ad-hoc probes of ${JSON.stringify(name.slice(0, 100))} as ${JSON.stringify(module.slice(0, 40))} are not allowed: probe a configured target by its name (/probe?target=<name>), or allow the endpoint in serve.probe.adhoc`);
        }
        const t0 = Date.now();
        let answer;
        try {
          answer = await ctx.adhoc.probe({ config: ctx.loop.config(), file: ctx.loop.file, manager: ctx.loop.watcher.pluginManager, module, endpoint: name, cacheMs, failOn: ctx.failOn() });
        } catch (error) {
          const info = toErrorInfo(error);
          return problem(400, info.code, info.message);
        }
        const { result, cached, at } = answer;
        const format = negotiateFormat(req.headers.accept);
        const families = [...probeFamilies({ cached, timedOut: false, durationMs: cached ? 0 : Date.now() - t0, result }), ...loopMetricFamilies(adhocSnapshot(ctx.version, name, module, result, at, ctx.failOn()))];
        return { status: 200, type: CONTENT_TYPES[format], body: writeExposition(families, format) };
      }
      // Only targets this process runs: the probe never reaches a host that is not configured (SSRF).
      if (!ctx.loop.watcher.hasTarget(name)) {
        return problem(404, 'unknown_target', `no target ${JSON.stringify(name.slice(0, 100))} in this process's ksa.yaml (shard and enabled plugins): /api/v1/targets lists them`);
      }
      const outcome = await probeTarget(ctx.loop.watcher, name, probeBudgetMs(req.headers['x-prometheus-scrape-timeout-seconds']), cacheMs);
      if (!outcome) return problem(404, 'unknown_target', `target ${JSON.stringify(name)} left this process`);
      const format = negotiateFormat(req.headers.accept);
      const families = [...probeFamilies(outcome), ...(outcome.result ? loopMetricFamilies(loopSnapshot(ctx, false), name) : [])];
      return { status: 200, type: CONTENT_TYPES[format], body: writeExposition(families, format) };
    },
  },
  { method: 'GET', path: '/healthz', scope: 'public', handle: () => json(200, { status: 'ok' }) },
  {
    method: 'GET', path: '/readyz', scope: 'public',
    handle(_req, ctx) {
      const targets = ctx.loop.watcher.view();
      const diagnosed = targets.filter((t) => t.last !== undefined).length;
      const ready = ctx.ready();
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', targets: targets.length, diagnosed });
    },
  },
];
