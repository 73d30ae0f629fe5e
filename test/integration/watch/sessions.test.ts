// Kept sessions (ksa watch) against real servers started here: the server's own connection list
// stays the same across 100 cycles (connect once, collect many in a warm host), a rotated password
// file is picked up without a restart, a dead server is reconnected with backoff, and a plugin
// whose host keeps dying is Failed with its cause while another plugin goes on.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginManager } from '../../../src/core/manager.js';
import { passwordReader } from '../../../src/config/password-reader.js';
import { repoRoot } from '../../support/services.js';
import { startRedis, type RedisProcess } from '../redis/redis-servers.js';
import { startMariadb, startPostgres } from '../../reliability/support/throwaway-servers.js';
import type { DiagnoseRequest } from '../../../src/core/manager.js';
import type { Logger, MiddlewareTarget } from '../../../src/core/types.js';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const opts = (timeoutMs = 5000) => ({ categories: [], thresholds: {}, timeoutMs, allowWrite: false });
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

async function manager(extra: Partial<ConstructorParameters<typeof PluginManager>[0]> = {}): Promise<PluginManager> {
  const m = await new PluginManager({ packageRoot: repoRoot, logger: silent, ...extra }).load();
  cleanups.push(() => m.close());
  return m;
}

async function redis(password?: string): Promise<RedisProcess> {
  const s = await startRedis(password ? { password } : {});
  cleanups.push(() => s.stop());
  return s;
}

const request = (pluginId: string, target: Omit<MiddlewareTarget, 'options'> & { options?: MiddlewareTarget['options'] }, timeoutMs = 5000): DiagnoseRequest =>
  ({ pluginId, target: { options: {}, ...target }, opts: opts(timeoutMs) });

/** Client ids Redis lists, minus the connection asking. */
const redisClients = (s: RedisProcess) => s.cli('CLIENT', 'LIST').split('\n').filter((l) => l && !l.includes('cmd=client|list')).map((l) => /id=(\d+)/.exec(l)![1]).sort();

describe('kept sessions on real servers', () => {
  it('Redis, PostgreSQL and MariaDB: the server\'s own connection list is the same after 1 and after 100 cycles', async () => {
    // One after another: three servers starting at once on a loaded 2-core machine is slow.
    const r = await redis();
    const p = await startPostgres();
    const m = await startMariadb();
    cleanups.push(() => p.stop(), () => m.stop());
    const mgr = await manager();
    const sessions = [
      mgr.session(request('redis-diagnostics', { type: 'redis', name: 'r', endpoints: [r.endpoint], auth: {} })),
      mgr.session(request('postgres-diagnostics', { type: 'postgres', name: 'p', endpoints: [p.address], auth: { username: p.user, password: p.password } })),
      mgr.session(request('mysql-diagnostics', { type: 'mysql', name: 'm', endpoints: [m.address], auth: { username: m.user, password: m.password } })),
    ];
    const pgClient = new pg.Client({ connectionString: `postgres://${p.user}:${p.password}@${p.address}/postgres` });
    await pgClient.connect();
    cleanups.push(() => pgClient.end());
    const lists = async () => ({
      redis: redisClients(r),
      postgres: (await pgClient.query("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY pid")).rows.map((x: { pid: number }) => String(x.pid)),
      mysql: m.rootSql("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND <> 'Daemon' ORDER BY ID").trim().split('\n').filter(Boolean),
    });
    const first = await Promise.all(sessions.map((s) => s.diagnose()));
    for (const c of first) {
      expect(c.result.errors, c.result.target.name).toEqual([]);
      expect(c.connects).toBe(1);
    }
    const after1 = await lists();
    for (const ids of Object.values(after1)) expect(ids).toHaveLength(1);
    let connects = 0;
    for (let i = 2; i <= 100; i++) {
      const cycle = await Promise.all(sessions.map((s) => s.diagnose()));
      for (const c of cycle) {
        expect(c.result.errors, `cycle ${i} ${c.result.target.name}`).toEqual([]);
        connects += c.connects;
      }
    }
    expect(connects).toBe(0);
    expect(await lists()).toEqual(after1);
    await Promise.all(sessions.map((s) => s.close()));
    expect(redisClients(r)).toEqual([]);
  });

  it('a password rotated on the server and in the password file is picked up: the next cycle reconnects with it and succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksa-rotate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'redis-password');
    const oldPassword = randomBytes(8).toString('hex');
    writeFileSync(file, `${oldPassword}\n`);
    const s = await redis(oldPassword);
    const mgr = await manager();
    const readPassword = passwordReader({ name: 'r', type: 'redis', endpoints: [s.endpoint], auth: { passwordFile: file } }, {});
    const session = mgr.session(request('redis-diagnostics', { type: 'redis', name: 'r', endpoints: [s.endpoint], auth: { password: readPassword!() } }), { readPassword: readPassword! });
    expect((await session.diagnose()).result.errors).toEqual([]);
    const newPassword = randomBytes(8).toString('hex');
    s.cli('CONFIG', 'SET', 'requirepass', newPassword); // the old connection stays logged in
    writeFileSync(file, `${newPassword}\n`);
    // The old secret no longer opens a connection (what a restart-less watcher would be stuck with).
    expect(s.cli('-a', oldPassword, '--no-auth-warning', 'PING')).toMatch(/NOAUTH|WRONGPASS|invalid/i);
    const next = await session.diagnose();
    expect(next.result.errors).toEqual([]);
    expect(next.connects).toBe(1);
    for (let i = 0; i < 3; i++) expect((await session.diagnose()).result.errors).toEqual([]);
    expect(JSON.stringify(next)).not.toContain(newPassword);
    await session.close();
  });

  it('a killed server: unknown with KSA_ERR_CONNECT, reconnect attempts spaced by growing backoff, healthy again once it is back', async () => {
    const s = await redis();
    const mgr = await manager();
    const session = mgr.session(request('redis-diagnostics', { type: 'redis', name: 'r', endpoints: [s.endpoint], auth: {} }, 1500), { reconnect: { baseMs: 200, maxMs: 800 } });
    expect((await session.diagnose()).result.status).not.toBe('unknown');
    await s.stop();
    const down = await session.diagnose();
    expect(down.result.status).toBe('unknown');
    expect(down.result.errors[0]?.code).toBe('KSA_ERR_CONNECT');
    // Retried within the deadline (KSA_ERR_CONNECT is retryable), spaced by the backoff: a few, not hundreds.
    expect(down.attempts).toBeGreaterThan(1);
    expect(down.attempts).toBeLessThan(10);
    expect(session.consecutiveFailures).toBe(down.attempts);
    // Back on the same port: the next cycle reconnects.
    cleanups.push(await startRedis({ port: s.port }).then((b) => () => b.stop()));
    const up = await session.diagnose();
    expect(up.result.errors).toEqual([]);
    expect(session.consecutiveFailures).toBe(0);
    await session.close();
  });

  it('a plugin whose host keeps dying is Failed with its cause and waits before each restart; a Redis session beside it is untouched', async () => {
    const s = await redis();
    const mgr = await manager({ externals: [join(repoRoot, 'test/fixtures/plugins/fixture')], isolation: 'worker', hostRestartBackoff: { baseMs: 2000, maxMs: 2000 } });
    const crashing = mgr.session(request('fixture-diagnostics', { type: 'fixture', name: 'f', endpoints: ['127.0.0.1:7000'], auth: {}, options: { behavior: 'exit' } }, 1000));
    const healthy = mgr.session(request('redis-diagnostics', { type: 'redis', name: 'r', endpoints: [s.endpoint], auth: {} }));
    const c1 = await crashing.diagnose();
    expect(c1.result.errors[0]?.code).toBe('KSA_ERR_PLUGIN_EXIT');
    expect(mgr.registry.require('fixture-diagnostics').state).toBe('Failed');
    expect(mgr.registry.require('fixture-diagnostics').lastError?.code).toBe('KSA_ERR_PLUGIN_EXIT');
    // First death: restarted at once; second: the plugin waits (backoff) and says so.
    await crashing.diagnose();
    const waiting = await crashing.diagnose();
    expect(waiting.result.errors[0]?.message).toMatch(/is Failed \(.*\); its host restarts in/);
    expect(mgr.registry.require('redis-diagnostics').state).not.toBe('Failed');
    expect((await healthy.diagnose()).result.errors).toEqual([]);
    const restarts = mgr.hostRestarts('fixture-diagnostics');
    await new Promise((r) => setTimeout(r, 2100));
    await crashing.diagnose(); // retried after the wait: the host is started again (and dies again)
    expect(mgr.hostRestarts('fixture-diagnostics')).toBe(restarts + 1);
    await Promise.all([crashing.close(), healthy.close()]);
  });
});
