// A kept Redis session (ksa watch) does not ask again on its connection what the server cannot
// change while it lives (connection-facts.ts), and still sees every change that CAN happen at run
// time in the very next cycle: CONFIG SET and ACL SETUSER, on a throwaway server started here.
import { afterAll, describe, expect, it } from 'vitest';
import { PluginManager } from '../../../src/core/manager.js';
import { repoRoot } from '../../support/services.js';
import { startRedis, type RedisProcess } from './redis-servers.js';
import type { Logger } from '../../../src/core/types.js';
import type { NodeSnapshot } from '../../../plugins/redis/snapshot.js';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const PASSWORD = 'kept-S3cret-pw';
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

/** Calls per command on the server (commandstats), e.g. `acl|dryrun`. */
function calls(s: RedisProcess): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of s.cli('INFO', 'commandstats').matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Calls made between two commandstats readings, minus the second reading's own AUTH and INFO (redis-cli -a). */
function sent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const n = v - (before[k] ?? 0) - (k === 'info' || k === 'auth' ? 1 : 0);
    if (n > 0) out[k] = n;
  }
  return out;
}

describe('kept Redis connection', () => {
  it('asks once per connection what cannot change, every cycle what can, and sees CONFIG SET and ACL SETUSER in the next cycle', async () => {
    const s = await startRedis({ password: PASSWORD });
    cleanups.push(() => s.stop());
    const mgr = await new PluginManager({ packageRoot: repoRoot, logger: silent }).load();
    cleanups.push(() => mgr.close());
    const session = mgr.session({
      pluginId: 'redis-diagnostics',
      target: { type: 'redis', name: 'kept', endpoints: [s.endpoint], auth: { password: PASSWORD }, options: {} },
      opts: { categories: [], thresholds: {}, timeoutMs: 8000, allowWrite: false },
    }, { withSnapshot: true });
    cleanups.push(() => session.close());
    let cycles = 0;
    const cycle = async () => {
      const before = calls(s);
      const c = await session.diagnose();
      expect(c.result.errors).toEqual([]);
      expect(c.connects).toBe(cycles++ === 0 ? 1 : 0); // one connection for the whole test
      const node = (c.snapshot!.data as { nodes: NodeSnapshot[] }).nodes[0]!;
      return { sent: sent(before, calls(s)), node, findings: c.result.findings.map((f) => f.id).sort() };
    };

    const first = await cycle();
    expect(first.sent).toMatchObject({ 'client|setname': 1, 'config|get': 11, 'command|info': 1, 'acl|dryrun': 6, 'cluster|info': 1, 'acl|getuser': 1, info: 1 });
    expect(first.node.security.dangerousCommands).toMatchObject({ FLUSHALL: 'allowed', CONFIG: 'allowed' });

    // Warm: the name, the renamed-command table, cluster support and DRYRUN for unchanged rules are known;
    // INFO, CONFIG (in one command on Redis 7) and the ACL rules are read again.
    const warm = await cycle();
    expect(warm.sent).toEqual({ info: 1, 'config|get': 1, 'acl|getuser': 1, 'client|list': 1, 'slowlog|get': 1, 'slowlog|len': 1, 'latency|latest': 1 });
    expect(warm.node.config).toEqual(first.node.config);
    expect(warm.node.security).toEqual(first.node.security);
    expect(warm.findings).toEqual(first.findings);

    s.cli('CONFIG', 'SET', 'maxmemory', '12345678');
    const resized = await cycle();
    expect(resized.node.config?.maxmemory).toBe('12345678');

    // The rules changed: DRYRUN is asked again in the same cycle (a second round trip), and the new answers are kept.
    s.cli('ACL', 'SETUSER', 'default', '-flushall');
    const restricted = await cycle();
    expect(restricted.sent['acl|dryrun']).toBe(6);
    expect(restricted.node.security.dangerousCommands).toMatchObject({ FLUSHALL: 'denied', CONFIG: 'allowed' });
    const after = await cycle();
    expect(after.sent['acl|dryrun']).toBeUndefined();
    expect(after.node.security.dangerousCommands).toEqual(restricted.node.security.dangerousCommands);
  }, 30_000);
});
