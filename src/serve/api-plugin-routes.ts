// /api/v1/plugins: list and inspect (state, health, thresholds), enable/disable (persisted in the
// state dir, applied through a reload of the loop so a config reload keeps it), reload, install
// and uninstall (admin; the same installer and lock file as `ksa plugin install/uninstall`).
import { z } from 'zod';
import { json, problem, type Route } from './route-table.js';
import { disabledPlugins, setPluginEnabled } from './plugin-switches.js';
import { installPlugin, uninstallPlugin } from '../install/index.js';
import { pluginHome } from '../install/plugin-home.js';
import { packageDirectory } from '../core/package-root.js';
import { toErrorInfo } from '../core/errors.js';
import type { ServeContext } from './serve-context.js';
import type { RegistryEntry } from '../core/registry.js';

const DESCRIBE_MS = 10_000;
const InstallBodySchema = z.strictObject({ spec: z.string().min(1).max(500) });

function pluginView(ctx: ServeContext, e: RegistryEntry) {
  const health = ctx.loop.watcher.selfHealth().plugins.find((p) => p.plugin === e.manifest.id);
  const m = e.manifest;
  return {
    id: m.id, name: m.name, version: m.version, type: m.type, ...(m.middleware ? { middleware: m.middleware } : {}),
    source: e.source, state: e.state, enabled: !disabledPlugins(ctx.loop.sink).has(m.id),
    targets: ctx.loop.watcher.view().filter((t) => t.plugin === m.id).map((t) => t.name),
    ...(health ? { health: { cycles: health.cycles, latencyMs: health.latencyMs, errorRate: health.errorRate, hostRestarts: health.hostRestarts, windowMs: health.windowMs } } : {}),
    ...(e.lastError ? { lastError: e.lastError } : {}),
  };
}

function entryOf(ctx: ServeContext, id: string): RegistryEntry | undefined {
  return ctx.loop.watcher.pluginManager.registry.list().find((e) => e.manifest.id === id);
}

const unknownPlugin = (id: string) => problem(404, 'unknown_plugin', `no plugin ${JSON.stringify(id.slice(0, 100))}: GET /api/v1/plugins lists them`);

async function switchPlugin(ctx: ServeContext, id: string, enabled: boolean) {
  if (!entryOf(ctx, id)) return unknownPlugin(id);
  const changed = await setPluginEnabled(ctx.loop.sink, id, enabled);
  // The loop applies it as it applies a changed ksa.yaml: its targets leave or rejoin the schedule.
  if (changed) await ctx.loop.reload(`plugin ${id} ${enabled ? 'enabled' : 'disabled'} through the API`);
  const targets = ctx.loop.watcher.view().filter((t) => t.plugin === id).map((t) => t.name);
  return json(200, { plugin: id, enabled, changed, targets }, { detail: `${enabled ? 'enabled' : 'disabled'} ${id}${changed ? '' : ' (no change)'}` });
}

export const apiPluginRoutes: Route<ServeContext>[] = [
  { method: 'GET', path: '/api/v1/plugins', scope: 'read', handle: (_req, ctx) => json(200, { plugins: ctx.loop.watcher.pluginManager.registry.list().map((e) => pluginView(ctx, e)) }) },
  {
    method: 'GET', path: '/api/v1/plugins/{id}', scope: 'read',
    async handle(req, ctx) {
      const e = entryOf(ctx, req.params.id!);
      if (!e) return unknownPlugin(req.params.id!);
      const described = e.manifest.type === 'middleware' ? await ctx.loop.watcher.pluginManager.describe(e.manifest.id, DESCRIBE_MS) : undefined;
      return json(200, {
        ...pluginView(ctx, e),
        description: e.manifest.description, categories: e.manifest.categories ?? [], checks: e.manifest.checks ?? [],
        operations: e.manifest.operations ?? [], actions: e.manifest.actions ?? [],
        ...(described?.ok ? { thresholds: described.description.thresholds } : described ? { thresholdsError: described.error } : {}),
      });
    },
  },
  { method: 'POST', path: '/api/v1/plugins/{id}/enable', scope: 'admin', handle: (req, ctx) => switchPlugin(ctx, req.params.id!, true) },
  { method: 'POST', path: '/api/v1/plugins/{id}/disable', scope: 'admin', handle: (req, ctx) => switchPlugin(ctx, req.params.id!, false) },
  {
    method: 'POST', path: '/api/v1/plugins/{id}/reload', scope: 'admin',
    async handle(req, ctx) {
      const id = req.params.id!;
      if (!entryOf(ctx, id)) return unknownPlugin(id);
      try {
        await ctx.loop.watcher.pluginManager.reload(id, DESCRIBE_MS);
      } catch (error) {
        const info = toErrorInfo(error);
        return problem(409, info.code, info.message);
      }
      return json(200, { plugin: id, state: entryOf(ctx, id)?.state }, { detail: `reloaded ${id}` });
    },
  },
  {
    method: 'POST', path: '/api/v1/plugins', scope: 'admin',
    async handle(req, ctx) {
      const body = InstallBodySchema.safeParse(req.body);
      if (!body.success) return problem(400, 'bad_request', 'send {"spec": "<npm package, name@version, or a local package path>"}');
      try {
        const entry = await installPlugin({ home: pluginHome(ctx.pluginHome), spec: body.data.spec, ksaRoot: packageDirectory('plugin install'), log: (line) => ctx.logger.info(line) });
        await ctx.loop.reload(`plugin ${entry.pluginId} installed through the API`, { freshPlugins: true });
        return json(201, { plugin: entry.pluginId, package: entry.name, version: entry.version, integrity: entry.integrity }, { detail: `installed ${entry.name}@${entry.version} (${entry.pluginId})` });
      } catch (error) {
        const info = toErrorInfo(error);
        return problem(info.code === 'KSA_ERR_INTERNAL' ? 500 : 400, info.code, info.message);
      }
    },
  },
  {
    method: 'DELETE', path: '/api/v1/plugins/{id}', scope: 'admin',
    async handle(req, ctx) {
      const id = req.params.id!;
      try {
        const entry = await uninstallPlugin({ home: pluginHome(ctx.pluginHome), id, log: (line) => ctx.logger.info(line) });
        await ctx.loop.reload(`plugin ${entry.pluginId} uninstalled through the API`, { freshPlugins: true });
        return json(200, { plugin: entry.pluginId, package: entry.name, removed: true }, { detail: `uninstalled ${entry.name} (${entry.pluginId})` });
      } catch (error) {
        const info = toErrorInfo(error);
        return problem(info.code === 'KSA_ERR_UNKNOWN_PLUGIN' ? 404 : 400, info.code, info.message);
      }
    },
  },
];
