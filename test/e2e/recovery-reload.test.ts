// Recovery rules changed while `ksa watch` runs (dry-run: each recovery-planned event says what
// would run), against a throwaway Redis whose slow log fires redis.performance.slowlog on demand
// (a Lua busy loop) and resolves on SLOWLOG RESET. SIGHUP after rewriting ksa.yaml: a rule added,
// and one changed to match, take up the finding firing at that moment; a removed rule acts no
// more, on that episode or the next; a broken recovery section (an unknown key, an unknown action)
// is refused with one line each and the old rules act on the next episode. --watch-config: a
// rule written into a running watcher's file acts without a signal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { startWatch, type WatchEventLine, type WatchProcess } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-reload-'));
let redis: RedisProcess;
const watches: WatchProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  // 50 ms: ksa's own commands stay out of the slow log even on a loaded machine (32 of them would
  // push our entry out of the newest 32 that the check reads).
  redis.cli('CONFIG', 'SET', 'slowlog-log-slower-than', '50000');
}, 60_000);
afterAll(async () => {
  for (const w of watches) { w.kill('SIGKILL'); await w.exited; }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A Lua busy loop of 3 x 10^7 steps (about 150 ms): a slow-log entry over the 50 ms and 1 ms thresholds. */
const slowCommand = () => redis.cli('EVAL', 'for i = 1, 30000000 do end return 1', '0');

const SLOWLOG = 'redis.performance.slowlog';

function writeConfig(file: string, rules: string): string {
  writeFileSync(file, `defaults: {interval: 300ms, timeout: 3s}
targets:
  - name: cache
    type: redis
    endpoints: ["${redis.endpoint}"]
    categories: [performance]
    thresholds: {${SLOWLOG}: {warning: 1000}}
recovery:
  rules:${rules === '' ? ' []' : `\n${rules}`}
`);
  return file;
}

const echoRule = (name: string, match: string, word: string) => `    - name: ${name}
      match: ${match}
      action: {plugin: recovery-script, name: run, params: {argv: [/bin/echo, ${word}]}}`;

const RESET_RULE = `    - name: reset-old
      match: {finding: ${SLOWLOG}}
      action: {plugin: redis-diagnostics, name: slowlog-reset}`;

function watch(file: string, state: string, extra: string[] = []): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', join(dir, state), '--output', 'json', ...extra]);
  watches.push(w);
  return w;
}

const planned = (w: WatchProcess, rule: string, after = 0) => w.events.slice(after).filter((e) => e.kind === 'recovery-planned' && e.rule === rule);
/**
 * Ceilings, not waits: from start to the first firing took 2-5 s beside 4 busy loops, and 90 s
 * with the test niced under them (plugin host starts timing out, retried with backoff).
 */
const FIRST_MS = 180_000;
const NEXT_MS = 60_000;
const firing = (w: WatchProcess, after: number, timeoutMs = NEXT_MS) => w.next(`${SLOWLOG} firing`, (e) => e.kind === 'finding' && e.finding?.id === SLOWLOG && e.to === 'firing', timeoutMs, after);

/** SLOWLOG RESET until the finding resolves, then a slow command until it fires again: a new episode. */
async function nextEpisode(w: WatchProcess): Promise<WatchEventLine> {
  const at = w.events.length;
  redis.cli('SLOWLOG', 'RESET');
  await w.next(`${SLOWLOG} resolved`, (e) => e.kind === 'finding' && e.finding?.id === SLOWLOG && e.to === 'resolved', NEXT_MS, at);
  const again = w.events.length;
  slowCommand();
  return firing(w, again);
}

describe('recovery rules changed on reload', () => {
  it('SIGHUP: added and changed rules take up the firing finding, a removed one stops; a broken recovery section is refused and the old rules run on', async () => {
    slowCommand();
    const file = writeConfig(join(dir, 'sighup.yaml'), [RESET_RULE, echoRule('retarget', '{finding: redis.no-such-check.*}', 'retarget-v1')].join('\n'));
    const w = watch(file, 'sighup');
    const first = await firing(w, 0, FIRST_MS);
    const old = await w.next('reset-old planned', (e) => e.kind === 'recovery-planned' && e.rule === 'reset-old', NEXT_MS);
    expect(old).toMatchObject({ target: 'cache', episode: first.episode, dryRun: true, action: 'redis-diagnostics/slowlog-reset' });
    expect(String(old.reason)).toMatch(/^dry-run: would run redis-diagnostics slowlog-reset/);

    // reset-old removed, retarget changed to match the slow log, add-new added: while it fires.
    writeConfig(file, [echoRule('retarget', `{finding: ${SLOWLOG}}`, 'retarget-v2'), echoRule('add-new', '{finding: "redis.performance.*", target: cache}', 'added')].join('\n'));
    const reloadAt = w.events.length;
    w.kill('SIGHUP');
    expect(await w.next('reload accepted', (e) => e.kind === 'config-reload', NEXT_MS, reloadAt)).toMatchObject({ outcome: 'accepted' });
    for (const [rule, word] of [['retarget', 'retarget-v2'], ['add-new', 'added']] as const) {
      const p = await w.next(`${rule} planned`, (e) => e.kind === 'recovery-planned' && e.rule === rule, NEXT_MS, reloadAt);
      // The episode that was firing at the reload: no new event was needed.
      expect(p).toMatchObject({ target: 'cache', episode: first.episode, dryRun: true, action: 'recovery-script/run', argv: ['/bin/echo', word] });
      expect(p.reason).toBe(`dry-run: would run /bin/echo ${word}`);
    }

    // The next episode: the new rules plan, the removed one does not.
    const second = await nextEpisode(w);
    expect(second.episode).not.toBe(first.episode);
    for (const rule of ['retarget', 'add-new']) await w.next(`${rule} planned again`, (e) => e.kind === 'recovery-planned' && e.rule === rule && e.episode === second.episode, NEXT_MS, reloadAt);

    // A broken recovery section: refused with one line each, naming the fix.
    const brokenKey = w.events.length;
    writeConfig(file, [echoRule('retarget', `{finding: ${SLOWLOG}, severty: warning}`, 'retarget-v3'), echoRule('add-new', '{finding: "redis.performance.*"}', 'added-v3')].join('\n'));
    w.kill('SIGHUP');
    const refusedKey = await w.next('reload refused (unknown key)', (e) => e.kind === 'config-reload' && e.outcome === 'refused', NEXT_MS, brokenKey);
    expect(String(refusedKey.reason)).toMatch(/^KSA_ERR_CONFIG_INVALID .*recovery\.rules\[0\]\.match: unknown key "severty" \(did you mean "severity"\?\)/);
    const brokenAction = w.events.length;
    writeConfig(file, `${echoRule('retarget', `{finding: ${SLOWLOG}}`, 'retarget-v3')}\n    - name: add-new\n      match: {finding: ${SLOWLOG}}\n      action: {plugin: redis-diagnostics, name: slowlog-rest}`);
    w.kill('SIGHUP');
    const refusedAction = await w.next('reload refused (unknown action)', (e) => e.kind === 'config-reload' && e.outcome === 'refused', NEXT_MS, brokenAction);
    expect(String(refusedAction.reason)).toMatch(/^KSA_ERR_CONFIG_INVALID .*recovery\.rules\[1\]\.action\.name: .*slowlog-rest.*did you mean slowlog-reset/);
    const refusedLines = w.stderr().split('\n').filter((l) => l.includes('refused'));
    expect(refusedLines).toHaveLength(2);
    for (const line of refusedLines) expect(line).toMatch(/config reload \(SIGHUP\) refused, the running config stays: KSA_ERR_CONFIG_INVALID /);

    // The running rules are still v2's: they plan on the next episode, with v2's argv.
    const third = await nextEpisode(w);
    for (const [rule, word] of [['retarget', 'retarget-v2'], ['add-new', 'added']] as const) {
      const p = await w.next(`${rule} planned on the third episode`, (e) => e.kind === 'recovery-planned' && e.rule === rule && e.episode === third.episode, NEXT_MS, brokenKey);
      expect(p.argv).toEqual(['/bin/echo', word]);
    }
    // reset-old planned once, before it was removed; each rule once per episode.
    expect(planned(w, 'reset-old').map((e) => e.episode)).toEqual([first.episode]);
    expect(planned(w, 'retarget').map((e) => e.episode)).toEqual([first.episode, second.episode, third.episode]);
    expect(planned(w, 'add-new').map((e) => e.episode)).toEqual([first.episode, second.episode, third.episode]);
    expect(w.child.exitCode).toBeNull();
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 600_000);

  it('--watch-config: a rule written into the running watcher\'s file takes up the firing finding, no signal needed', async () => {
    slowCommand();
    const file = writeConfig(join(dir, 'watched.yaml'), '');
    const w = watch(file, 'watched', ['--watch-config']);
    const fired = await firing(w, 0, FIRST_MS);
    const at = w.events.length;
    writeConfig(file, echoRule('written-later', `{finding: ${SLOWLOG}}`, 'later'));
    await w.next('reload accepted', (e) => e.kind === 'config-reload' && e.outcome === 'accepted', NEXT_MS, at);
    const p = await w.next('written-later planned', (e) => e.kind === 'recovery-planned' && e.rule === 'written-later', NEXT_MS, at);
    expect(p).toMatchObject({ episode: fired.episode, argv: ['/bin/echo', 'later'], dryRun: true });
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 300_000);
});
