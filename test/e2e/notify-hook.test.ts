// Issue 16 (a user hook is an external plugin subscribing to events, isolated like any plugin) and
// issue 18 item 1 (notifier plugins through the PluginManager): `ksa watch` as a process against a
// throwaway Redis replica whose primary link the test breaks and repairs. An external notifier
// package (test/fixtures/plugins/hook-notifier) routed all events gets the firing and the resolved
// event, verbatim, in its own sandboxed child process; a second hook that busy-loops is stopped at
// its receiver's timeout (KSA_ERR_TIMEOUT, retried later) while the watcher and the first hook go on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { repoRoot } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-hook-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function redis(args: string[] = []): Promise<RedisProcess> {
  const s = await startRedis({ args });
  cleanups.push(() => s.stop());
  return s;
}

interface HookBody { key: string; kinds: string[]; events: Array<{ kind: string; to?: string; finding?: { id: string }; id: string }>; pid: number }

describe('a user hook: an external notifier plugin subscribed to watch events', () => {
  it('gets the firing and the resolved event of a real replica fault; a busy-looping hook is stopped at its timeout without stopping the watcher', async () => {
    const primary = await redis();
    const replica = await redis(['--replicaof', '127.0.0.1', String(primary.port)]);
    // Linked before the watch starts: a link still syncing would fire (and resolve) on its own.
    await waitFor('the replica to link to its primary', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')), 20_000);
    const receiver = await startHttpReceiver();
    cleanups.push(() => receiver.close());
    const token = 'hook-token-9f2c41';
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, [
      'defaults: {interval: 300ms, timeout: 3s}',
      'targets:',
      `  - {name: replica, type: redis, endpoints: ["${replica.endpoint}"], categories: [replication], labels: {team: db}}`,
      'plugins:',
      `  discovery: {packages: ["${join(repoRoot, 'test/fixtures/plugins/hook-notifier')}"]}`,
      'notify:',
      '  defaults: {groupWindow: 200ms, minBackoff: 300ms, maxBackoff: 2s}',
      '  receivers:',
      `    hook: {plugin: hook-notifier, config: {url: "${receiver.url}/hook?token=${token}"}, timeout: 5s}`,
      `    looping: {plugin: hook-notifier, config: {url: "${receiver.url}/never?token=${token}", mode: loop}, timeout: 1s}`,
      '  routes:',
      '    - {name: db-team, receivers: [hook, looping], match: {labels: {team: db}, kinds: [firing, resolved]}}',
    ].join('\n'));
    const w: WatchProcess = startWatch(['--config', file, '--state-dir', join(dir, 'state'), '--output', 'json']);
    cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
    await w.next('watcher started', (e) => e.kind === 'watcher' && e.action === 'started');
    await new Promise((r) => setTimeout(r, 800));

    replica.cli('REPLICAOF', '127.0.0.1', '1'); // a dead port: the link stays down
    const fired = await w.next('redis.replication.link firing', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'firing', 20_000);
    const hooked = () => receiver.requests.filter((r) => r.path.startsWith('/hook')).map((r) => r.json as HookBody);
    await waitFor('the hook to receive the firing notification', () => hooked().length > 0, 20_000);
    // The watch event itself, verbatim (same id as the watcher printed). On a loaded machine a cycle
    // can time out and the finding resolve and fire again in between: each such event reaches the hook too.
    await waitFor('the firing event in a hook notification', () => hooked().some((b) => b.events.some((e) => e.id === fired.id)), 20_000);
    const first = hooked().find((b) => b.events.some((e) => e.id === fired.id))!;
    expect(first.kinds).toContain('firing');
    expect(first.pid).not.toBe(w.child.pid); // ran in a process of its own

    // The looping hook: stopped at its 1 s timeout, reported and retried; nothing else waits for it.
    const timedOut = await w.next('the looping hook timed out', (e) => e.kind === 'notification' && e.receiver === 'looping' && e.action === 'retrying', 20_000);
    expect(String(timedOut.detail)).toMatch(/KSA_ERR_TIMEOUT/);
    const queuedLoop = w.events.find((e) => e.kind === 'notification' && e.receiver === 'looping' && e.action === 'queued')!;
    expect(Date.parse(timedOut.at) - Date.parse(queuedLoop.at)).toBeLessThan(1000 + 6000);

    const fixedAt = w.events.length;
    replica.cli('REPLICAOF', '127.0.0.1', String(primary.port));
    const resolved = await w.next('redis.replication.link resolved', (e) => e.kind === 'finding' && e.finding?.id === 'redis.replication.link' && e.to === 'resolved', 20_000, fixedAt);
    await waitFor('the resolved event in a hook notification', () => hooked().some((b) => b.events.some((e) => e.id === resolved.id)), 20_000);
    expect(hooked().find((b) => b.events.some((e) => e.id === resolved.id))!.kinds).toContain('resolved');
    const hookBodies = hooked();
    // Every notification once: one key each.
    expect(new Set(hookBodies.map((b) => b.key)).size).toBe(hookBodies.length);
    expect(receiver.requests.some((r) => r.path.startsWith('/never'))).toBe(false);

    // The watcher kept cycling meanwhile and still stops cleanly.
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    // The receiver URL's token is a secret option: never in the output, the log or the audit log.
    const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8');
    for (const text of [JSON.stringify(w.events), w.stderr(), audit]) expect(text).not.toContain(token);
    // Delivery status is in the audit log: queued, sent, retrying (the looping hook).
    const deliveries = audit.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; receiver?: string; action?: string }).filter((e) => e.kind === 'notification');
    const hookActions = deliveries.filter((e) => e.receiver === 'hook').map((e) => e.action);
    expect(hookActions.filter((a) => a === 'sent')).toHaveLength(hookBodies.length);
    expect(hookActions.filter((a) => a === 'queued')).toHaveLength(hookBodies.length);
    expect(deliveries.some((e) => e.receiver === 'looping' && e.action === 'retrying')).toBe(true);

    // `ksa notify status` of the stopped watcher: the hook's all sent, the looping hook's still queued.
    const status = await spawnKsa(['notify', 'status', '--state-dir', join(dir, 'state'), '--json'], {}, /^KSA_/);
    expect(status.code).toBe(0);
    const queue = JSON.parse(status.stdout) as { notifications: Array<{ receiver: string; status: string; attempts: number; lastDetail?: string }> };
    expect(queue.notifications.filter((n) => n.receiver === 'hook').map((n) => n.status)).toEqual(hookBodies.map(() => 'sent'));
    const looping = queue.notifications.filter((n) => n.receiver === 'looping');
    expect(looping.length).toBe(hookBodies.length);
    expect(new Set(looping.map((n) => n.status))).toEqual(new Set(['queued']));
    expect(looping[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(looping[0]!.lastDetail).toMatch(/KSA_ERR_TIMEOUT/);
    expect(status.stdout).not.toContain(token);
  }, 120_000);
});
