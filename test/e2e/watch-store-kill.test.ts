// Kill -9 proof of the watch state store (docs/WATCH.md "Guarantees"): a driver process runs
// synthetic cycles through the real state machine, store and bus (dist/), is SIGKILLed at random
// moments 24 times and restarted each time, then runs to the end. Its durable subscriber logs
// `D <seq> <id> ...` per delivery and `A <seq>` once an acknowledgement is on disk (fsynced, one
// file, in order). Asserted: the deduplicated deliveries are exactly the transitions of an
// uninterrupted run (none lost, none extra, gap-free seq), no acknowledged event is delivered
// again, and no episode fires twice under two ids.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

import { repoRoot } from '../support/services.js';

const driver = join(repoRoot, 'test/fixtures/watch/kill-driver.mjs');
const KILLS = 22;
const work = mkdtempSync(join(tmpdir(), 'ksa-watch-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [driver, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('ready')) resolve(); });
  });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`driver failed (${code}): ${err}\n`);
    resolve(code);
  }));
  return { child, ready, exited };
}

describe('watch state store under kill -9', () => {
  it(`${KILLS} SIGKILLs at random moments: no lost transition, no duplicate after acknowledgement, no re-fired episode`, async () => {
    const stateDir = join(work, 'state');
    const logFile = join(work, 'deliveries.log');
    let killedMidRun = 0;
    for (let i = 0; i < KILLS; i++) {
      // Every other run kills itself right after its k-th delivery (the moment a store that
      // published before persisting would lose an event); the others are killed from outside.
      // The first run dies at its very first delivery: nothing has been acknowledged (written) yet.
      const self = i % 2 === 0;
      const dieAfter = i === 0 ? 1 : 1 + Math.floor(Math.random() * 6);
      const run = start([stateDir, logFile, ...(self ? ['--die-after', String(dieAfter)] : [])]);
      await run.ready;
      if (!self) await sleep(5 + Math.random() * 80);
      else await Promise.race([run.exited, sleep(10_000)]);
      const finished = run.child.exitCode === 0;
      run.child.kill('SIGKILL');
      await run.exited;
      if (!finished) killedMidRun++;
    }
    const last = start([stateDir, logFile, '--fast']);
    expect(await last.exited).toBe(0);

    const expected = JSON.parse(execFileSync(process.execPath, [driver, '--expected'], { encoding: 'utf8' })) as string[];
    const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    const acked = new Set<number>();
    const bySeq = new Map<number, { id: string; episode: string; what: string }>();
    let redelivered = 0;
    for (const l of lines) {
      const [tag, seqText, id, episode, ...rest] = l.split(' ');
      const seq = Number(seqText);
      if (tag === 'A') {
        // An acknowledgement covers everything up to its seq.
        for (const s of bySeq.keys()) if (s <= seq) acked.add(s);
        continue;
      }
      expect(acked.has(seq), `seq ${seq} delivered again after its acknowledgement was on disk`).toBe(false);
      const seen = bySeq.get(seq);
      if (seen) {
        redelivered++;
        expect(seen.id, `seq ${seq} redelivered with another id`).toBe(id);
        continue;
      }
      bySeq.set(seq, { id: id!, episode: episode!, what: rest.join(' ') });
    }
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // gap-free from 1
    expect(seqs.map((s) => bySeq.get(s)!.what)).toEqual(expected); // exactly the uninterrupted run's transitions
    const firedIds = new Map<string, Set<string>>();
    for (const { id, episode, what } of bySeq.values()) {
      if (!/->firing /.test(what) || /firing->firing/.test(what)) continue;
      firedIds.set(episode, (firedIds.get(episode) ?? new Set()).add(id));
    }
    for (const [episode, ids] of firedIds) expect(ids.size, `episode ${episode} fired under ${[...ids].join(', ')}`).toBe(1);

    // The runs were really interrupted, and the interesting windows were hit.
    expect(killedMidRun).toBeGreaterThanOrEqual(20);
    expect(expected.length).toBeGreaterThan(100);
    process.stdout.write(`watch-store-kill: ${killedMidRun} kills mid-run, ${expected.length} transitions, ${redelivered} redelivered (unacknowledged at the kill)\n`);
  }, 60_000);
});
