// The zookeeper-diagnostics example, loaded exactly as a user loads it (`--plugin <dir>`: an
// external package, run in a child process) against real ZooKeeper servers: healthy, 4lw
// restricted, silent and stopped. Also the contract kit against the live server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/core/schemas.js';
import { PluginTester, startHangingServer } from '../../../src/testing/index.js';
import { EXAMPLE_DIR, ksa, linkKsa, requireBuild } from './example-plugin.js';
import { startZooKeeper, zookeeperInstalled, type ZooKeeper } from './zookeeper-server.js';
import type { Report } from '../../../src/core/types.js';

const WHITELIST_SETTING = '4lw.commands.whitelist=mntr,srvr,ruok,cons';
let healthy: ZooKeeper;
let restricted: ZooKeeper;

function report(stdout: string): Report {
  return ReportSchema.parse(JSON.parse(stdout));
}

const diagnose = (endpoint: string, ...extra: string[]) => ksa(['--plugin', EXAMPLE_DIR, 'diagnose', 'zookeeper', endpoint, '--json', ...extra]);

beforeAll(async () => {
  if (!zookeeperInstalled()) throw new Error('ZooKeeper is not installed: apt-get install -y zookeeper (see docs/PLUGINS.md)');
  requireBuild();
  linkKsa();
  // restricted: an empty whitelist (ZooKeeper 3.5+ still answers srvr, nothing else).
  [healthy, restricted] = await Promise.all([startZooKeeper('*'), startZooKeeper('')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([healthy?.stop(), restricted?.stop()]);
});

describe('zookeeper-diagnostics through `ksa diagnose` (external package, child process)', () => {
  it('is listed as an external plugin for middleware zookeeper', async () => {
    const run = await ksa(['--plugin', EXAMPLE_DIR, 'plugin', 'info', 'zookeeper-diagnostics', '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info).toMatchObject({ id: 'zookeeper-diagnostics', source: 'external', middleware: 'zookeeper', operations: ['RUOK', 'SRVR', 'MNTR', 'CONS'] });
  });

  it('validates with `ksa plugin validate` (manifest only, no code run)', async () => {
    const run = await ksa(['plugin', 'validate', EXAMPLE_DIR]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^ok: zookeeper-diagnostics 1\.0\.0 \(6 categories, 4 operations\)/);
  });

  it('reports a healthy standalone server: every category evaluated, mode as advice, real metrics', async () => {
    const run = await diagnose(healthy.endpoint);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const r = report(run.stdout);
    const result = r.results[0]!;
    expect(result.status).toBe('healthy');
    expect(result.errors).toEqual([]);
    expect(result.categories.map((c) => [c.name, c.status, c.skipped])).toEqual(
      ['server', 'requests', 'data', 'quorum', 'resources', 'connections'].map((c) => [c, 'healthy', undefined]),
    );
    expect(result.findings.map((f) => [f.id, f.severity, f.observed?.value])).toEqual([['zookeeper.server.mode', 'info', 'standalone']]);
    expect(result.metrics).toMatchObject({ mode: 'standalone', outstanding_requests: 0 });
    expect(result.metrics.znode_count).toBeGreaterThanOrEqual(5);
    expect(result.metrics.open_file_descriptors).toBeGreaterThan(0);
    expect(result.metrics.connections).toBeGreaterThanOrEqual(1);
  });

  it('skips what 4lw.commands.whitelist refuses, naming the setting to change', async () => {
    const run = await diagnose(restricted.endpoint);
    const result = report(run.stdout).results[0]!;
    const byName = Object.fromEntries(result.categories.map((c) => [c.name, c]));
    // srvr is always answered by ZooKeeper 3.5+, so server and requests are still evaluated;
    // the refused ruok is a partial skip of server, with the fix.
    expect(byName.server?.status).toBe('healthy');
    expect(byName.server?.skipped).toBe('ruok is not in 4lw.commands.whitelist: add it (4lw.commands.whitelist=mntr,srvr,ruok,cons)');
    expect(byName.requests?.status).toBe('healthy');
    for (const c of ['data', 'quorum', 'resources', 'connections']) {
      expect(byName[c]?.status, c).toBe('unknown');
      expect(byName[c]?.skipped, c).toContain(WHITELIST_SETTING);
    }
    expect(byName.data?.skipped).toMatch(/^mntr is not in the server's 4lw\.commands\.whitelist/);
    expect(byName.connections?.skipped).toMatch(/^cons is not in the server's 4lw\.commands\.whitelist/);
    expect(result.findings.map((f) => f.id)).toEqual(['zookeeper.server.mode']);
    expect(run.code).toBe(0);
  });

  it('a server that accepts but never answers ends at the deadline as unknown (KSA_ERR_TIMEOUT)', async () => {
    const silent = await startHangingServer();
    try {
      const run = await diagnose(silent.endpoint, '--timeout', '1s');
      const result = report(run.stdout).results[0]!;
      expect(result.status).toBe('unknown');
      expect(result.errors[0]?.code).toBe('KSA_ERR_TIMEOUT');
      expect(run.code).toBe(3);
      expect(run.ms).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('the contract kit passes against the live server (abort, guard, declared operations only)', async () => {
    const plugin = (await import('../../../examples/zookeeper-plugin/src/index.js' as string)).default;
    const tester = new PluginTester(plugin, `${EXAMPLE_DIR}/package.json`);
    tester.validateManifest();
    await tester.assertAbortable();
    await tester.assertGuarded({ target: { endpoints: healthy.endpoint } });
    const live = await tester.run({ endpoints: healthy.endpoint });
    expect(live.result.status).toBe('healthy');
    expect(Object.keys(live.snapshot.data as object).sort()).toEqual(['cons', 'maxClientCnxns', 'mntr', 'notServing', 'refused', 'ruok', 'srvr']);
  });

  // Last: it stops the healthy server.
  it('reports a stopped server as unknown with KSA_ERR_CONNECT and exit 3', async () => {
    await healthy.stop();
    const run = await diagnose(healthy.endpoint);
    expect(run.code).toBe(3);
    const result = report(run.stdout).results[0]!;
    expect(result.status).toBe('unknown');
    expect(result.errors.map((e) => e.code)).toEqual(['KSA_ERR_CONNECT']);
    expect(result.errors[0]?.message).toContain(`cannot reach ZooKeeper at ${healthy.endpoint} (ECONNREFUSED)`);
    expect(result.categories.every((c) => c.status === 'unknown')).toBe(true);
  });
});
