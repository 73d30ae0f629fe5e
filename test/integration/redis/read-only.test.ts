// What the plugin sends: MONITOR proves a diagnosis sends only read-only commands; the guard refuses
// undeclared operations; the one mutating action needs allowWrite; ACL users with fewer rights
// get skips, not failures.
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redisPlugin from '../../../plugins/redis/index.js';
import { loadBuiltinManifest, makeContext, runPlugin } from '../../support/plugin-harness.js';
import { operationsInScope } from '../../../src/core/operation-entries.js';
import { createOperationGuard } from '../../../src/sdk/guard.js';
import { DiagnoseOptionsSchema, MiddlewareTargetSchema } from '../../../src/core/schemas.js';
import { startRedis, sleep, type RedisProcess } from './redis-servers.js';

const PASSWORD = 'ro-test-pw-99';
/**
 * Every command a diagnosis may send: read-only (ACL DRYRUN only checks permissions), plus CLIENT
 * SETNAME, which names ksa's own connection and touches no data.
 */
const READ_ONLY = new Set(['AUTH', 'CLIENT SETNAME', 'INFO', 'CONFIG GET', 'SLOWLOG GET', 'SLOWLOG LEN', 'CLIENT LIST', 'LATENCY LATEST', 'CLUSTER INFO', 'CLUSTER NODES', 'ACL GETUSER', 'ACL DRYRUN', 'COMMAND INFO']);
const SUBCOMMANDS = new Set(['CONFIG', 'SLOWLOG', 'CLIENT', 'LATENCY', 'CLUSTER', 'ACL', 'COMMAND']);
const manifest = loadBuiltinManifest('redis-diagnostics');
let s: RedisProcess;

beforeAll(async () => {
  s = await startRedis({ password: PASSWORD, args: ['--slowlog-log-slower-than', '0'] });
  s.cli('ACL', 'SETUSER', 'limited', 'on', '>limited-pw-1', '+info', '+slowlog|get', '+slowlog|len', '+client|list', '+latency|latest', '+cluster|info', '+cluster|nodes', '+command|info');
});
afterAll(async () => { await s?.stop(); });

const target = (auth: Record<string, string> = { password: PASSWORD }) => MiddlewareTargetSchema.parse({ type: 'redis', name: 'ro', endpoints: [s.endpoint], auth });
const opts = DiagnoseOptionsSchema.parse({ timeoutMs: 10_000 });

describe('redis-diagnostics sends only what it declares', () => {
/** Calls per command (`config|get` -> `CONFIG GET`) from INFO commandstats: counts admin commands too. */
function commandCalls(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of s.cli('INFO', 'commandstats').matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!.replace('|', ' ').toUpperCase(), Number(m[2]));
  return out;
}

  it('a full diagnosis sends only read-only commands (seen by MONITOR and by INFO commandstats)', async () => {
    // A raw MONITOR connection (ioredis' monitor mode trips over the AUTH reply).
    const monitor = createConnection(s.port, '127.0.0.1');
    const seen: string[] = [];
    let buffer = '';
    monitor.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
        if (!line.startsWith('+') || args.length === 0 || line === '+OK') continue;
        const name = args[0]!.toUpperCase();
        seen.push(SUBCOMMANDS.has(name) && args[1] !== undefined ? `${name} ${args[1].toUpperCase()}` : name);
      }
    });
    monitor.write(`AUTH ${PASSWORD}\r\nMONITOR\r\n`);
    await sleep(50);
    const before = commandCalls(); // after MONITOR started: it is this test's, not the plugin's
    const { result } = await runPlugin(redisPlugin, 'redis-diagnostics', target());
    await sleep(100);
    monitor.destroy();
    expect(result.errors).toEqual([]);
    // MONITOR never shows administrative commands (CONFIG, SLOWLOG, CLIENT, ACL...): the rest it does.
    expect(seen).toEqual(expect.arrayContaining(['AUTH', 'INFO', 'CLUSTER INFO', 'CLUSTER NODES', 'COMMAND INFO']));
    expect([...new Set(seen)].filter((c) => !READ_ONLY.has(c))).toEqual([]);
    // commandstats counts every executed command, admin ones included (plus this test's own INFO).
    const after = commandCalls();
    const ran = [...after].filter(([c, n]) => n > (before.get(c) ?? 0)).map(([c]) => c);
    expect(ran).toEqual(expect.arrayContaining(['CLIENT SETNAME', 'CONFIG GET', 'SLOWLOG GET', 'CLIENT LIST', 'LATENCY LATEST', 'ACL GETUSER', 'ACL DRYRUN']));
    expect(ran.filter((c) => !READ_ONLY.has(c))).toEqual([]);
    // Every one of them is admitted by the manifest's diagnosis entries (exact, `*` for arguments).
    const guard = createOperationGuard(manifest.id, operationsInScope(manifest));
    expect([...new Set([...seen, ...ran])].filter((c) => !guard.allows(c))).toEqual([]);
  });

  it('refuses an operation the manifest does not declare (KSA_ERR_OPERATION_DENIED)', async () => {
    const ctx = makeContext({ ...manifest, operations: manifest.operations.filter((o) => o !== 'CLIENT LIST') });
    const plugin = redisPlugin.create();
    await plugin.connect(ctx, target());
    try {
      await expect(plugin.collect(ctx, opts)).rejects.toMatchObject({ code: 'KSA_ERR_OPERATION_DENIED', message: expect.stringContaining('CLIENT LIST') });
    } finally {
      await plugin.disconnect(ctx);
    }
  });

  it("ksa's own commands are named (CLIENT SETNAME ksa) and left out of the slow-log finding; an application's are not", async () => {
    await runPlugin(redisPlugin, 'redis-diagnostics', target()); // logged: this server logs every command
    s.cli('GET', 'app-key-5');
    const { result } = await runPlugin(redisPlugin, 'redis-diagnostics', target(), { categories: ['performance'], thresholds: { 'redis.performance.slowlog': { warning: 0 } } });
    const f = result.findings.find((x) => x.id === 'redis.performance.slowlog');
    expect(f, JSON.stringify(result.findings.map((x) => x.id))).toBeDefined();
    const top = f!.evidence.top as Array<{ command: string; clientName: string }>;
    expect(f!.evidence.ksaEntriesLeftOut).toBeGreaterThan(0);
    expect(top.filter((e) => e.clientName === 'ksa')).toEqual([]);
  });

  it('slowlog-reset is refused without allowWrite and clears the slow log with it; metrics are numbers', async () => {
    s.cli('GET', 'probe-key-77');
    expect(s.cli('SLOWLOG', 'GET', '128')).toMatch(/^probe-key-77$/m);
    // The action's call: SLOWLOG RESET is declared for slowlog-reset only.
    const ctx = makeContext(manifest, 10_000, { operations: operationsInScope(manifest, 'slowlog-reset') });
    const plugin = redisPlugin.create();
    await plugin.connect(ctx, target());
    try {
      await plugin.diagnose(ctx, opts);
      const metrics = await plugin.getMetrics(ctx);
      expect(metrics).toMatchObject({ nodes: 1, connected_clients: expect.any(Number), used_memory: expect.any(Number), ops_per_sec: expect.any(Number) });
      expect(Object.values(metrics).every((v) => typeof v === 'number')).toBe(true);
      // Refusal without --allow-write is the manager's (test/e2e/plugin-lifecycle.test.ts, reliability case 13).
      expect(Number(s.cli('SLOWLOG', 'LEN'))).toBeGreaterThan(0);
      const outcome = await plugin.execute(ctx, 'slowlog-reset', {});
      expect(outcome).toMatchObject({ ok: true, data: { reset: [s.endpoint] } });
      expect(s.cli('SLOWLOG', 'GET', '128')).not.toMatch(/^probe-key-77$/m);
    } finally {
      await plugin.disconnect(ctx);
    }
  });

  it('an ACL user without CONFIG/ACL rights gets the rest of the checks and the reasons for the gaps', async () => {
    const { result } = await runPlugin(redisPlugin, 'redis-diagnostics', target({ username: 'limited', password: 'limited-pw-1' }));
    expect(result.errors).toEqual([]);
    const cats = Object.fromEntries(result.categories.map((c) => [c.name, c]));
    expect(cats.persistence?.skipped).toMatch(/CONFIG GET refused \(NOPERM/);
    expect(cats.security?.skipped).toMatch(/ACL GETUSER refused \(NOPERM.*\+acl\|getuser/);
    expect(cats.memory?.skipped).toBeUndefined();
    expect(cats.performance?.skipped).toMatch(/latency monitor setting not checked/);
    // Its CLIENT SETNAME is refused too: ignored, the name is a courtesy.
    expect(result.categories.filter((c) => /SETNAME/i.test(c.skipped ?? ''))).toEqual([]);
    expect(result.metrics.used_memory).toBeGreaterThan(0);
  });
});
