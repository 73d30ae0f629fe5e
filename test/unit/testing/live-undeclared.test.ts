// The contract kit fails a plugin that sends an undeclared command, also when the plugin catches
// the guard's refusal and turns it into a skipped category.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/testing/live.js';
import { createOperationGuard, defineCheck, defineMiddlewarePlugin, type OperationGuard } from '../../../src/sdk/index.js';
import { ManifestSchema } from '../../../src/core/schemas.js';

const manifest = ManifestSchema.parse({
  id: 'stats-diagnostics', name: 'S', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'statsd', entry: './i.js',
  categories: ['stats'], checks: ['statsd.stats.items'], operations: ['stats'],
});

function plugin(swallow: boolean) {
  return defineMiddlewarePlugin<OperationGuard, { ok: boolean }>({
    info: { id: 'stats-diagnostics', version: '1.0.0', middleware: 'statsd' },
    categories: ['stats'],
    connect: async (ctx) => createOperationGuard(ctx.pluginId, ctx.operations),
    async collect(_ctx, guard) {
      guard.assert('stats');
      try {
        guard.assert('stats reset');
      } catch (e) {
        if (!swallow) throw e;
        return { data: { ok: false }, skipped: { stats: (e as Error).message } };
      }
      return { data: { ok: true } };
    },
    checks: [defineCheck({ id: 'statsd.stats.items', category: 'stats', run: () => null })],
  });
}

describe('runLive: undeclared operations', () => {
  it('a refusal that propagates is a contract failure', async () => {
    await expect(runLive(plugin(false), manifest, { endpoints: '127.0.0.1:1' })).rejects.toMatchObject({ code: 'KSA_ERR_OPERATION_DENIED', contract: true });
  });

  it('a refusal the plugin swallows into a skipped category is reported as a problem', async () => {
    const run = await runLive(plugin(true), manifest, { endpoints: '127.0.0.1:1' });
    expect(run.problems).toEqual([expect.stringMatching(/^undeclared operation, refused by the guard and swallowed by the plugin: plugin stats-diagnostics tried STATS RESET/)]);
  });
});
