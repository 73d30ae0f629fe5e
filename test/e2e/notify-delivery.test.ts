// Issue 18 durable delivery, as processes: `ksa watch` with fixture targets that are critical from
// the first cycle (no server needed), notifications delivered by the user-hook fixture to real
// HTTP receivers run here. At least once, with the idempotency key as the receiver's dedup key:
// - a receiver answering 500 then 200: delivered once (one 200), both attempts with the same key;
// - a receiver answering 400: failed, logged, in the dead-letter file, never retried;
// - kill -9 of the watcher in the middle of deliveries, restarted on the same state dir: every
//   queued key reaches the receiver; the only repeats are attempts in flight at a kill, same key.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWatch, type WatchProcess } from '../support/watch-process.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { repoRoot } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-delivery-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(answer: Parameters<typeof startHttpReceiver>[0]): Promise<HttpReceiver> {
  const r = await startHttpReceiver(answer);
  cleanups.push(() => r.close());
  return r;
}

function config(name: string, targets: number, receivers: Record<string, string>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    'defaults: {interval: 500ms, timeout: 5s}',
    'targets:',
    ...Array.from({ length: targets }, (_, i) => `  - {name: t${i}, type: fixture, endpoints: ["127.0.0.1:7000"], options: {behavior: critical}}`),
    'plugins:',
    `  discovery: {packages: ["${join(repoRoot, 'test/fixtures/plugins/fixture')}", "${join(repoRoot, 'test/fixtures/plugins/hook-notifier')}"]}`,
    'notify:',
    '  defaults: {groupWindow: 100ms, minBackoff: 300ms, maxBackoff: 1s}',
    '  receivers:',
    ...Object.entries(receivers).map(([n, url]) => `    ${n}: {plugin: hook-notifier, config: {url: "${url}"}, timeout: 5s}`),
    '  routes:',
    `    - {name: all, receivers: [${Object.keys(receivers).join(', ')}]}`,
  ].join('\n'));
  return file;
}

function watch(file: string, state: string): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', join(dir, state), '--output', 'json']);
  cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
  return w;
}

const keyOf = (r: { headers: Record<string, unknown> }) => String(r.headers['idempotency-key']);

describe('durable notification delivery', () => {
  it('500 then 200: delivered once with one key; 400: failed, dead-lettered, not retried', async () => {
    const flaky = await receiver((_r, n) => ({ status: n === 0 ? 500 : 200 }));
    const refusing = await receiver(() => ({ status: 400 }));
    const w = watch(config('codes', 1, { flaky: `${flaky.url}/f`, refusing: `${refusing.url}/r` }), 'codes');
    const sent = await w.next('flaky sent', (e) => e.kind === 'notification' && e.receiver === 'flaky' && e.action === 'sent', 30_000);
    expect(sent.attempts).toBe(2);
    expect(flaky.requests.map((r) => r.json && (r.json as { kinds: string[] }).kinds)).toEqual([['firing'], ['firing']]);
    expect(new Set(flaky.requests.map(keyOf))).toEqual(new Set([sent.key]));
    const retried = w.events.filter((e) => e.kind === 'notification' && e.receiver === 'flaky' && e.action === 'retrying');
    expect(retried.map((e) => e.status)).toEqual([500]);

    const failed = await w.next('refusing failed', (e) => e.kind === 'notification' && e.receiver === 'refusing' && e.action === 'failed', 30_000);
    expect(failed).toMatchObject({ status: 400, detail: 'HTTP 400', attempts: 1 });
    await new Promise((r) => setTimeout(r, 2500)); // more than the backoff: nothing comes again
    expect(refusing.requests).toHaveLength(1);
    expect(w.events.some((e) => e.kind === 'notification' && e.receiver === 'refusing' && e.action === 'retrying')).toBe(false);
    expect(w.stderr()).toMatch(/to refusing failed for good \(attempt 1\), not retried: HTTP 400/);
    const dead = readFileSync(join(dir, 'codes', 'notify-dead-letter.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; status: string; reason: string });
    expect(dead).toEqual([expect.objectContaining({ key: failed.key, status: 'failed', reason: 'HTTP 400' })]);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 90_000);

  it('kill -9 in the middle of deliveries, restart: every queued key arrives; repeats only of attempts in flight, same key', async () => {
    // Each answer takes 700 ms: with 4 notifications the kill lands while one is in flight.
    const slow = await receiver(() => ({ status: 200 }));
    const file = config('kill', 4, { slow: `${slow.url}/s` });
    const delayed = await startDelayProxy(slow, 700);
    writeFileSync(file, readFileSync(file, 'utf8').replace(`${slow.url}/s`, `${delayed.url}/s`));

    const queued = new Set<string>();
    const collect = (w: WatchProcess) => { for (const e of w.events) if (e.kind === 'notification' && e.action === 'queued') queued.add(String(e.key)); };
    let w = watch(file, 'kill');
    let kills = 0;
    for (let round = 0; round < 2; round++) {
      // Kill once a request is in flight (arrived, not answered yet).
      await waitFor('a delivery in flight', () => delayed.inFlight() > 0, 30_000, 10);
      collect(w);
      w.kill('SIGKILL');
      await w.exited;
      kills++;
      w = watch(file, 'kill');
      await w.next('restarted', (e) => e.kind === 'watcher' && e.action === 'started', 30_000);
    }
    await waitFor('every queued notification delivered', () => { collect(w); return queued.size === 4 && [...queued].every((k) => slow.requests.some((r) => keyOf(r) === k)); }, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    collect(w);
    const keys = slow.requests.map(keyOf);
    // Nothing lost: the four targets' firing notifications, each received.
    expect(queued.size).toBe(4);
    expect(new Set(keys)).toEqual(queued);
    // Nothing sent twice beyond the in-flight attempt of each kill (same key: the receiver dedups).
    expect(keys.length - new Set(keys).size).toBeLessThanOrEqual(kills);
    expect(existsSync(join(dir, 'kill', 'notify-dead-letter.jsonl'))).toBe(false);
    w.kill('SIGTERM');
    await w.exited;
  }, 150_000);
});

/** Forwards requests to `to` after `delayMs`, counting the ones not answered yet. */
async function startDelayProxy(to: HttpReceiver, delayMs: number): Promise<{ url: string; inFlight(): number }> {
  let pending = 0;
  // Answers (with `to`'s answer function) after the delay and records into `to`: what arrived counts as received.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    pending++;
    let counted = true;
    const done = () => { if (counted) { counted = false; pending--; } };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json: JSON.parse(raw) as unknown, at: Date.now() };
        const a = to.answer(r, to.requests.length);
        to.requests.push(r);
        done();
        if (!res.destroyed) { res.writeHead(a.status); res.end('ok'); }
      }, delayMs);
    });
    res.on('close', done);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, inFlight: () => pending };
}
