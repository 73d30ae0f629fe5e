// Read-only scenarios on the shared healthy MariaDB primary + replica (scripts/services.sh), and
// the failure paths: refused port, silent server, wrong password (no secret in the error).
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import plugin from '../../../plugins/mysql/index.js';
import { PluginTester } from '../../../src/testing/index.js';
import { loadBuiltinManifest, runPlugin } from '../../support/plugin-harness.js';
import { loadServicesEnv } from '../../support/services.js';
import { freePort } from './mariadb.js';

const env = loadServicesEnv();
const auth = { username: env.KSA_MYSQL_USER, password: env.KSA_MYSQL_PASSWORD };
const target = (endpoint: string, extra: Record<string, unknown> = {}) => ({ type: 'mysql', name: 'shared', endpoints: [endpoint], auth, ...extra });

describe('mysql against the shared MariaDB primary + replica', () => {
  it('replication healthy on the replica; the primary lists its attached replica', async () => {
    const replica = await runPlugin(plugin, 'mysql-diagnostics', target(env.KSA_MYSQL_REPLICA!));
    expect(replica.result.categories.find((c) => c.name === 'replication')).toMatchObject({ status: 'healthy' });
    expect(replica.result.findings.filter((f) => f.category === 'replication')).toEqual([]);
    expect(replica.result.metrics).toMatchObject({ flavor: 'mariadb', replication_sources: 1, replication_lag_seconds_max: 0 });
    const primary = await runPlugin(plugin, 'mysql-diagnostics', target(env.KSA_MYSQL_PRIMARY!), { categories: ['replication'] });
    expect(primary.result.status).toBe('healthy');
    expect(Number(primary.result.metrics.replicas_attached)).toBeGreaterThanOrEqual(1);
  });

  it('contract live run: declared operations only, plain-JSON snapshot, schema-valid result', async () => {
    const tester = new PluginTester(plugin, loadBuiltinManifest('mysql-diagnostics'));
    const run = await tester.run({ endpoints: `mysql://${env.KSA_MYSQL_USER}@${env.KSA_MYSQL_REPLICA}`, auth });
    expect(run.result.errors).toEqual([]);
    expect(run.result.status).not.toBe('unknown');
  });

  it('a refused port fails fast with KSA_ERR_CONNECT', async () => {
    const port = await freePort();
    const t0 = Date.now();
    await expect(runPlugin(plugin, 'mysql-diagnostics', target(`127.0.0.1:${port}`), { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'KSA_ERR_CONNECT' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a server that accepts and never answers is bounded by the deadline', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => { sockets.push(s); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const t0 = Date.now();
    try {
      await expect(runPlugin(plugin, 'mysql-diagnostics', target(`127.0.0.1:${port}`), { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'KSA_ERR_CONNECT' });
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a wrong password is KSA_ERR_AUTH and the message does not contain it', async () => {
    const wrong = 'Wrong-Secret-123';
    const error = await runPlugin(plugin, 'mysql-diagnostics', { ...target(env.KSA_MYSQL_PRIMARY!), auth: { username: 'ksa', password: wrong } }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'KSA_ERR_AUTH' });
    expect((error as Error).message).toMatch(/Access denied for user 'ksa'/);
    expect((error as Error).message).not.toContain(wrong);
  });
});
