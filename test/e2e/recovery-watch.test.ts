// The recovery engine in a real `ksa watch --enforce` process (issue 17): a Redis server killed
// with kill -9 is restarted by a `script` rule and verified healthy (one attempt in the history);
// a script that always fails is tried maxAttempts times with growing, measured delays, escalated
// once, and a new outage inside the cooldown runs nothing; kill -9 of the watcher during an action
// and a restart: the action is not run a second time, and the escalation it owed is not lost.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { startWatch, type WatchEventLine, type WatchProcess } from '../support/watch-process.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-e2e-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** A throwaway redis-server that daemonizes with a pid file (so a script can start it again). */
function redisConf(port: number): { conf: string; pidfile: string } {
  const d = join(dir, `redis-${port}`);
  execFileSync('mkdir', ['-p', d]);
  const pidfile = join(d, 'redis.pid');
  const conf = join(d, 'redis.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${d}\nsave ""\nappendonly no\ndaemonize yes\npidfile ${pidfile}\n`);
  cleanups.push(() => { try { process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGKILL'); } catch { /* gone */ } });
  return { conf, pidfile };
}

function killRedis(pidfile: string): void {
  const pid = Number(readFileSync(pidfile, 'utf8'));
  process.kill(pid, 'SIGKILL');
  rmSync(pidfile, { force: true });
}

function config(name: string, port: number, rule: string, defaults = 'settle: 300ms, verifyFor: 5s, backoff: {initial: 1s, max: 8s}, cooldown: 1h'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `defaults: {interval: 300ms, timeout: 2s}
targets:
  - {name: cache, type: redis, endpoints: ["127.0.0.1:${port}"]}
recovery:
  defaults: {${defaults}}
  rules:
${rule}
`);
  return file;
}

function watch(file: string, state: string, extra: string[] = ['--enforce']): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', state, '--output', 'json', ...extra]);
  cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
  return w;
}

const history = (state: string) => JSON.parse(spawnSync(process.execPath, [join(repoRoot, 'bin/ksa.js'), 'recovery', 'history', '--state-dir', state, '--json'], { encoding: 'utf8' }).stdout) as { entries: Array<{ outcome: string; attempt: number; argv?: string[]; exitCode?: number; stderr?: string; snapshot?: string }> };
const of = (w: WatchProcess, kind: string) => w.events.filter((e) => e.kind === kind);
const ms = (e: WatchEventLine) => Date.parse(e.at);

describe('recovery in ksa watch --enforce', () => {
  it('Redis killed with kill -9: detected, restarted by the script rule, verified healthy; one attempt in the history', async () => {
    const port = await freePort();
    const { conf, pidfile } = redisConf(port);
    const calls = join(dir, 'restart-calls');
    const restart = script('restart-redis.sh', `echo "$KSA_TARGET $KSA_ENDPOINT $KSA_ATTEMPT" >> ${calls}\nexec redis-server ${conf}`);
    execFileSync('redis-server', [conf]);
    await waitFor('redis up', () => existsSync(pidfile));
    const file = config('restart', port, `    - name: restart-redis
      match: {unreachable: true, target: "cache"}
      action: {plugin: recovery-script, name: run, params: {argv: ["${restart}"]}}`);
    const state = join(dir, 'state-restart');
    const w = watch(file, state);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    await new Promise((r) => setTimeout(r, 1000)); // a few healthy cycles
    killRedis(pidfile);
    const down = await w.next('target unknown', (e) => e.kind === 'target' && e.to === 'unknown');
    const ok = await w.next('recovery-succeeded', (e) => e.kind === 'recovery-succeeded', 20_000);
    expect(ok).toMatchObject({ target: 'cache', rule: 'restart-redis', attempt: 1, dryRun: false, episode: down.episode, outcome: { ok: true } });
    await w.next('target ok again', (e) => e.kind === 'target' && e.to === 'ok');
    expect(lines(calls)).toEqual([`cache 127.0.0.1:${port} 1`]);
    expect(spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim()).toBe('PONG');
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    const h = history(state).entries;
    expect(h.map((e) => [e.outcome, e.attempt])).toEqual([['succeeded', 1]]);
    expect(h[0]!.argv).toEqual([restart]);
    expect(h[0]!.snapshot).toMatch(/^recovery-snapshots\//); // taken before the action (the target's failure: it was down)
    const audit = readFileSync(join(state, 'audit.log'), 'utf8');
    expect(audit).toContain('"kind":"recovery-started"');
    expect(audit).toContain('"kind":"recovery-succeeded"');
    // recovery: removed from the file: the engine's durable cursor is let go (events do not pile up for it).
    const cursors = () => (JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { cursors: Record<string, number> }).cursors;
    expect(Object.keys(cursors())).toContain('recovery');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\nrecovery:[\s\S]*$/, '\n'));
    const plain = watch(file, state);
    await plain.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    plain.kill('SIGTERM');
    expect((await plain.exited).code).toBe(0);
    expect(Object.keys(cursors())).not.toContain('recovery');
  });

  it('a script that always fails: 3 attempts with growing delays, one escalation, then nothing inside the cooldown', async () => {
    const port = await freePort(); // nothing listens: the target is unreachable
    const calls = join(dir, 'fail-calls');
    const fail = script('always-fails.sh', `echo "attempt $KSA_ATTEMPT" >> ${calls}\necho "cannot fix $KSA_TARGET" >&2\nexit 3`);
    const file = config('fail', port, `    - name: fix
      match: {unreachable: true}
      maxAttempts: 3
      action: {plugin: recovery-script, name: run, params: {argv: ["${fail}"]}}`, 'settle: 200ms, verifyFor: 5s, backoff: {initial: 600ms, max: 8s}, cooldown: 1h');
    const w = watch(file, join(dir, 'state-fail'));
    const escalated = await w.next('recovery-escalated', (e) => e.kind === 'recovery-escalated', 30_000);
    const started = of(w, 'recovery-started');
    expect(started.map((e) => e.attempt)).toEqual([1, 2, 3]);
    const gaps = [ms(started[1]!) - ms(started[0]!), ms(started[2]!) - ms(started[1]!)];
    // Backoff 600 ms doubling, half of each step fixed (equal jitter): the waits are at least 300 ms, then 600 ms.
    process.stdout.write(`recovery backoff gaps (ms): ${gaps.join(', ')}\n`);
    expect(gaps[0]).toBeGreaterThanOrEqual(300);
    expect(gaps[1]).toBeGreaterThanOrEqual(600);
    expect(escalated).toMatchObject({ failedAttempts: 3, attempt: 3, maxAttempts: 3 });
    expect((escalated.attempts as unknown[]).length).toBe(3);
    const failed = of(w, 'recovery-failed');
    expect(failed.map((e) => (e.outcome as unknown as { exitCode: number }).exitCode)).toEqual([3, 3, 3]);
    expect((failed[0]!.outcome as unknown as { stderr: string }).stderr).toContain('cannot fix cache');
    expect(of(w, 'recovery-escalated')).toHaveLength(1);
    // The target comes back, then goes down again: a new episode inside the cooldown runs nothing.
    const { conf, pidfile } = redisConf(port);
    execFileSync('redis-server', [conf]);
    const back = await w.next('target ok', (e) => e.kind === 'target' && e.to === 'ok', 15_000);
    killRedis(pidfile);
    await w.next('target unknown again', (e) => e.kind === 'target' && e.to === 'unknown', 15_000, w.events.indexOf(back));
    const skipped = await w.next('recovery-skipped', (e) => e.kind === 'recovery-skipped', 15_000);
    expect(skipped).toMatchObject({ why: 'cooldown', rule: 'fix' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(lines(calls)).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
    expect(of(w, 'recovery-started')).toHaveLength(3);
  });

  it('kill -9 of the watcher during an action, then a restart: the action is not run again and the escalation is not lost', async () => {
    const port = await freePort();
    const calls = join(dir, 'slow-calls');
    const slow = script('slow.sh', `echo "$$" >> ${calls}\nexec sleep 30`);
    cleanups.push(() => { for (const pid of lines(calls)) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } });
    const file = config('slow', port, `    - name: slow-fix
      match: {unreachable: true}
      maxAttempts: 1
      timeout: 60s
      action: {plugin: recovery-script, name: run, params: {argv: ["${slow}"]}}`, 'settle: 200ms, verifyFor: 1s, cooldown: 1h');
    const state = join(dir, 'state-slow');
    const first = watch(file, state);
    await first.next('recovery-started', (e) => e.kind === 'recovery-started', 15_000);
    await waitFor('the script runs', () => lines(calls).length === 1);
    first.kill('SIGKILL');
    await first.exited;
    const second = watch(file, state);
    const escalated = await second.next('recovery-escalated after the restart', (e) => e.kind === 'recovery-escalated', 20_000);
    expect(escalated).toMatchObject({ rule: 'slow-fix', failedAttempts: 1, attempt: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    // The printer is a durable subscriber: an event the first process had not acknowledged is printed again, same id; none is new.
    const before = new Set(first.events.map((e) => e.id));
    expect(of(second, 'recovery-started').filter((e) => !before.has(e.id))).toEqual([]);
    expect(lines(calls)).toHaveLength(1);
    second.kill('SIGTERM');
    await second.exited;
    expect(history(state).entries.map((e) => e.outcome)).toEqual(['interrupted', 'failed', 'escalated']);
  });
});
