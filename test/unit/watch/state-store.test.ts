// The state store on real files: reopen, replay, torn lines, the lock (other live and dead
// processes), compaction, the bounded outbox, and degradation on write errors (an injected
// ENOSPC/EROFS here; a real full and read-only tmpfs in test/e2e/watch-store-disk.test.ts).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { openStateStore, type StoreIo } from '../../../src/watch/state-store.js';
import { loadStateDir } from '../../../src/watch/state-file.js';
import { writeFileAtomic } from '../../../src/watch/atomic-file.js';
import type { WatchEventDraft } from '../../../src/watch/events.js';
import type { TargetRecord } from '../../../src/watch/target-record.js';
import { repoRoot } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';

const work = mkdtempSync(join(tmpdir(), 'ksa-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(work, `s${++n}`);

const record = (target: string, at: number): TargetRecord => ({ target, plugin: 'p', state: 'ok', since: 0, last: { at, status: 'healthy', durationMs: 1 }, findings: {} });
const reload = (target: string): WatchEventDraft => ({ kind: 'config-reload', at: new Date(0).toISOString(), target, outcome: 'accepted', added: [target], removed: [], changed: [] });
const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string; message: string }) => `${e.code}: ${e.message}`);

describe('persistence', () => {
  it('a reopened store has the records, continues the seq, and gives new ids a new epoch', async () => {
    const dir = freshDir();
    const s1 = await openStateStore(dir);
    const [e1, e2] = await s1.commit({ targets: { a: record('a', 1) }, events: [reload('a'), reload('b')] });
    expect([e1!.seq, e2!.seq]).toEqual([1, 2]);
    expect(e1!.id).toMatch(/^ev-[0-9a-f]{8}-1-1$/);
    await s1.close();
    const s2 = await openStateStore(dir);
    expect(s2.get('a')).toEqual(record('a', 1));
    const [e3] = await s2.commit({ events: [reload('c')] });
    expect(e3!.seq).toBe(3);
    expect(e3!.id).toBe(`ev-${s2.instance}-2-3`);
    await s2.close();
  });

  it('records changed without events are written lazily (with the next write, flush or close)', async () => {
    const dir = freshDir();
    const s = await openStateStore(dir);
    expect(await s.commit({ targets: { a: record('a', 5) } })).toEqual([]);
    expect(loadStateDir(dir, () => 'x').targets.get('a')).toBeUndefined();
    await s.flush();
    expect(loadStateDir(dir, () => 'x').targets.get('a')).toEqual(record('a', 5));
    await s.close();
  });

  it('a durable subscriber gets what it did not acknowledge again after a restart, with the same ids, and nothing acknowledged', async () => {
    const dir = freshDir();
    const s1 = await openStateStore(dir);
    expect(s1.pending('notify')).toEqual([]); // registers at seq 0
    const events = await s1.commit({ events: [reload('a'), reload('b'), reload('c')] });
    await s1.ack('notify', events[0]!.seq);
    // Simulate kill -9: no close(), the lock is left behind by "a dead process" (ourselves: released by hand).
    (s1 as unknown as { lock: { release(): void } }).lock.release();
    const s2 = await openStateStore(dir);
    expect(s2.pending('notify').map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
    await s2.close();
  });

  it('a torn last journal line (a crash mid-write) is ignored, everything before it kept', async () => {
    const dir = freshDir();
    const s1 = await openStateStore(dir);
    s1.pending('sub');
    await s1.commit({ events: [reload('a')] });
    (s1 as unknown as { lock: { release(): void } }).lock.release();
    const journal = readdirSync(dir).find((f) => f.startsWith('journal-'))!;
    appendFileSync(join(dir, journal), '{"e":[{"schemaVersion":1,"seq":2,"id":"ev-');
    const warnings: string[] = [];
    const s2 = await openStateStore(dir, { logger: { error: () => {}, warn: (m) => warnings.push(m), info: () => {}, debug: () => {} } });
    expect(s2.seq).toBe(1);
    expect(s2.pending('sub').map((e) => e.seq)).toEqual([1]);
    expect(warnings.join()).toMatch(/torn/);
    await s2.close();
  });

  it('compaction rewrites state.json and starts a new journal; nothing is lost across it', async () => {
    const dir = freshDir();
    const s = await openStateStore(dir, { compactBytes: 2048 });
    s.pending('sub');
    for (let i = 0; i < 30; i++) await s.commit({ targets: { [`t${i}`]: record(`t${i}`, i) }, events: [reload(`t${i}`)] });
    const journals = readdirSync(dir).filter((f) => f.startsWith('journal-'));
    expect(journals).toHaveLength(1);
    expect(Number(/\d+/.exec(journals[0]!)![0])).toBeGreaterThan(2);
    (s as unknown as { lock: { release(): void } }).lock.release();
    const loaded = loadStateDir(dir, () => 'x');
    expect(loaded.targets.size).toBe(30);
    expect(loaded.outbox.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('sections (the state of recovery, notify, serve) persist whole; sync writes at once; null removes one', async () => {
    const dir = freshDir();
    const s = await openStateStore(dir);
    await s.commit({ sections: { recovery: { inFlight: { target: 'a', action: 'restart' } } }, sync: true });
    expect(loadStateDir(dir, () => 'x').sections.get('recovery')).toEqual({ inFlight: { target: 'a', action: 'restart' } });
    await s.commit({ sections: { recovery: { cooldowns: { a: 1 } }, notify: { queue: [] } } });
    await s.close();
    const again = await openStateStore(dir);
    expect(again.section('recovery')).toEqual({ cooldowns: { a: 1 } });
    expect(again.section('notify')).toEqual({ queue: [] });
    await again.commit({ sections: { notify: null }, sync: true });
    expect(again.section('notify')).toBeUndefined();
    await expect(again.commit({ sections: { 'Bad Name': 1 } })).rejects.toThrow(/lowercase/);
    await again.close();
    expect((await openStateStore(dir).then(async (x) => { const v = x.section('notify'); await x.close(); return v; }))).toBeUndefined();
  });

  it('a commit after close (a cycle that outlived the shutdown) records and returns nothing', async () => {
    const dir = freshDir();
    const s = await openStateStore(dir);
    await s.close();
    expect(await s.commit({ targets: { a: record('a', 1) }, events: [reload('a')] })).toEqual([]);
    expect(loadStateDir(dir, () => 'x').file.lastSeq).toBe(0);
  });

  it('acknowledged events leave the outbox; with no durable subscriber nothing is kept', async () => {
    const s = await openStateStore(freshDir());
    await s.commit({ events: [reload('a')] });
    expect(s.stats().outbox).toBe(0);
    s.pending('sub');
    const [e] = await s.commit({ events: [reload('b')] });
    expect(s.stats().outbox).toBe(1);
    await s.ack('sub', e!.seq);
    expect(s.stats().outbox).toBe(0);
    await s.close();
  });

  it('the outbox is bounded: past maxOutbox the oldest undelivered events go, with a store overflow event', async () => {
    const s = await openStateStore(freshDir(), { maxOutbox: 5 });
    s.pending('slow');
    const out = await s.commit({ events: Array.from({ length: 8 }, (_, i) => reload(`t${i}`)) });
    const overflow = out.find((e) => e.kind === 'store');
    expect(overflow).toMatchObject({ kind: 'store', action: 'overflow', dropped: 3 });
    // The overflow event itself (seq 9) joins the outbox after the bound was applied (the bound is
    // exceeded by at most the store's own events until the next commit).
    expect(s.pending('slow').map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(s.stats().dropped).toBe(3);
    await s.close();
  });
});

describe('the lock', () => {
  it('a second store on the same dir is refused, naming the holder pid', async () => {
    const dir = freshDir();
    const s = await openStateStore(dir);
    expect(await codeOf(openStateStore(dir))).toMatch(new RegExp(`^KSA_ERR_STATE_LOCKED: state dir .* is in use by another ksa watcher \\(pid ${process.pid}, since `));
    await s.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    await (await openStateStore(dir)).close();
  });

  it('held by another live process: refused with its pid; after that process is killed -9, taken over', async () => {
    const dir = freshDir();
    const script = `const { openStateStore } = await import(${JSON.stringify(join(repoRoot, 'dist/src/watch/state-store.js'))}); await openStateStore(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    await waitFor('the child holding the lock', () => out.includes('held'));
    expect(await codeOf(openStateStore(dir))).toContain(`pid ${child.pid}`);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const s = await openStateStore(dir);
    await s.close();
  });
});

describe('a disk that fails (injected ENOSPC / EROFS)', () => {
  function failingIo(fail: { on: boolean; code: string }): StoreIo {
    const check = () => { if (fail.on) throw Object.assign(new Error(`${fail.code}: simulated`), { code: fail.code }); };
    return {
      openJournal: async (path) => { check(); return open(path, 'a+', 0o600); },
      append: async (h, data, pos) => { check(); await h.write(data, 0, data.length, pos); await h.datasync(); },
      writeFileAtomic: (path, data) => { check(); writeFileAtomic(path, data); },
    };
  }

  it.each(['ENOSPC', 'EROFS'])('%s: commits still return their events plus one store degraded event; once writable, recovered and everything persisted', async (code) => {
    const dir = freshDir();
    const fail = { on: false, code };
    const s = await openStateStore(dir, { io: failingIo(fail) });
    s.pending('sub');
    fail.on = true;
    const first = await s.commit({ targets: { a: record('a', 1) }, events: [reload('a')] });
    expect(first.map((e) => e.kind)).toEqual(['config-reload', 'store']);
    expect(first[1]).toMatchObject({ action: 'degraded', file: 'journal', error: { code: 'KSA_ERR_STATE_DIR' } });
    expect(first[1]!.kind === 'store' && first[1]!.error!.message).toContain(code);
    const second = await s.commit({ events: [reload('b')] });
    expect(second.map((e) => e.kind)).toEqual(['config-reload']); // reported once, not per commit
    expect(s.degraded?.code).toBe('KSA_ERR_STATE_DIR');
    fail.on = false;
    const third = await s.commit({ events: [reload('c')] });
    expect(third.map((e) => (e.kind === 'store' ? `store ${e.action}` : e.kind))).toEqual(['config-reload', 'store recovered']);
    await s.flush();
    (s as unknown as { lock: { release(): void } }).lock.release();
    const loaded = loadStateDir(dir, () => 'x');
    expect(loaded.outbox.map((e) => e.kind)).toEqual(['config-reload', 'store', 'config-reload', 'config-reload', 'store']); // nothing lost, the store events included
    expect(loaded.outbox.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(loaded.targets.get('a')).toEqual(record('a', 1));
  });
});
