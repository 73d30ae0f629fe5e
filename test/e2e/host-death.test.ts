// A host that dies before or while it is set up: the caller gets the host's own reason (how it
// died), never a lifecycle error and never a wait for the deadline.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginManager } from '../../src/core/manager.js';
import { RemoteHost } from '../../src/core/isolation/remote-host.js';
import { createWorkerTransport } from '../../src/core/isolation/worker-transport.js';
import { repoRoot } from '../support/services.js';
import type { Logger } from '../../src/core/types.js';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const exiting = join(repoRoot, 'test/fixtures/plugins/exit-on-import');

describe('a host that dies during init', () => {
  it('worker isolation: the result carries KSA_ERR_PLUGIN_EXIT and the plugin is Failed with it', async () => {
    const manager = await new PluginManager({ packageRoot: repoRoot, externals: [exiting], isolation: 'worker', logger: silent }).load();
    try {
      const t0 = Date.now();
      const { result } = await manager.diagnose({
        pluginId: 'exit-on-import-diagnostics',
        target: { type: 'exitonimport', name: 't', endpoints: ['127.0.0.1:7000'], auth: {}, options: {} },
        opts: { categories: [], thresholds: {}, timeoutMs: 10_000, allowWrite: false },
      });
      expect(result.status).toBe('unknown');
      expect(result.errors[0]?.code).toBe('KSA_ERR_PLUGIN_EXIT');
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(manager.registry.getState('exit-on-import-diagnostics')).toBe('Failed');
    } finally {
      await manager.close();
    }
  });

  it('a worker that died before anyone listened (prewarm) is adopted as dead, with its reason', async () => {
    const transport = createWorkerTransport({ maxOldGenerationSizeMb: 64 }, () => undefined);
    transport.send({ type: 'preload', entryUrl: pathToFileURL(join(exiting, 'index.js')).href });
    await new Promise((r) => setTimeout(r, 1500)); // the worker imports the module and exits
    const host = new RemoteHost(transport, () => undefined);
    expect(host.alive).toBe(false);
    expect(host.deathReason?.code).toBe('KSA_ERR_PLUGIN_EXIT');
    const outcome = await host.call('health', {}, Date.now() + 10_000);
    expect(outcome.error?.code).toBe('KSA_ERR_PLUGIN_EXIT');
    await host.terminate();
  });
});
