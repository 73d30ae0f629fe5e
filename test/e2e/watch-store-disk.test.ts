// The state store and the audit log on a real full disk and a real read-only file system: a small
// tmpfs mounted by the test (root, as CI runs). Events keep flowing to bus subscribers, one
// `store degraded` event says so, and `store recovered` once space is back, with nothing lost.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStateStore } from '../../src/watch/state-store.js';
import { loadStateDir } from '../../src/watch/state-file.js';
import { EventBus } from '../../src/watch/event-bus.js';
import { AuditLog } from '../../src/watch/audit-log.js';
import type { WatchEvent, WatchEventDraft } from '../../src/watch/events.js';
import { waitFor } from '../support/wait-for.js';

const mnt = mkdtempSync(join(tmpdir(), 'ksa-disk-'));
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
/** Mounting needs root with CAP_SYS_ADMIN (CI runs as root); without it there is no real full disk to test on. */
const canMount = (() => {
  try {
    mount('-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt);
    return true;
  } catch {
    return false;
  }
})();

beforeAll(() => {
  if (!canMount) process.stderr.write('watch-store-disk: cannot mount a tmpfs here (not root?): the injected-error cases in test/unit/watch/state-store.test.ts still run\n');
});
afterAll(() => {
  if (canMount) execFileSync('umount', ['-l', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

const reload = (i: number): WatchEventDraft => ({ kind: 'config-reload', at: new Date().toISOString(), outcome: 'refused', reason: `config ${i} ${'x'.repeat(300)}`, added: [], removed: [], changed: [] });

/** Fills the file system with a filler file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(!canMount)('watch state dir on a real tmpfs', () => {
  it('full disk: events keep flowing, one degraded event, recovered after space is freed, nothing lost', async () => {
    const dir = join(mnt, 'full');
    mkdirSync(dir);
    const store = await openStateStore(dir);
    const bus = new EventBus({ acks: store });
    const seen: WatchEvent[] = [];
    bus.subscribe({ name: 'live', handler: (e) => { seen.push(e); } });
    const audit = new AuditLog(join(dir, 'audit.log'), { onHealth: (d) => void store.commit({ events: [d] }).then((es) => bus.publish(es)) });
    audit.subscribe(bus);

    const filler = fill(mnt);
    const published: WatchEvent[] = [];
    let i = 0;
    // Appends may still fit in the journal's last page: commit until the disk says no.
    while (!published.some((e) => e.kind === 'store') && i < 200) {
      const out = await store.commit({ events: [reload(i++)] });
      bus.publish(out);
      published.push(...out);
    }
    const degraded = published.find((e) => e.kind === 'store');
    expect(degraded).toMatchObject({ kind: 'store', action: 'degraded', error: { code: 'KSA_ERR_STATE_DIR' } });
    expect(degraded!.kind === 'store' && degraded!.error!.message).toMatch(/ENOSPC/);
    for (let k = 0; k < 3; k++) {
      const out = await store.commit({ events: [reload(i++)] });
      bus.publish(out);
      published.push(...out);
    }
    // The audit log (same disk) may add its own store events: every published one must arrive, in order.
    await waitFor('the live subscriber to get every event', () => published.every((p) => seen.some((e) => e.id === p.id)));
    const order = seen.map((e) => e.seq);
    expect(order).toEqual([...order].sort((a, b) => a - b));

    rmSync(filler);
    const after = await store.commit({ events: [reload(i++)] });
    bus.publish(after);
    expect(after.map((e) => (e.kind === 'store' ? `store ${e.action} ${e.file}` : e.kind)).filter((k) => !k.endsWith('audit'))).toEqual(['config-reload', 'store recovered journal']);
    await bus.drain(5000);
    // The audit log shares the disk: a line it could not write was reported as a store event of its own.
    if (audit.lost > 0) expect(seen.some((e) => e.kind === 'store' && e.file === 'audit' && e.action === 'degraded')).toBe(true);
    await audit.close();
    await store.close(); // (open files would keep the next case from remounting read-only)
    // Everything committed while the disk was full reached it once space was back.
    expect(loadStateDir(dir, () => 'x').file.lastSeq).toBeGreaterThanOrEqual(after.at(-1)!.seq);
    const reopened = await openStateStore(dir);
    expect(reopened.seq).toBeGreaterThanOrEqual(after.at(-1)!.seq);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('read-only file system: opened degraded (in memory), events flow, recovered once writable', async () => {
    const dir = join(mnt, 'ro');
    mkdirSync(dir);
    mount('-o', 'remount,ro', mnt);
    try {
      const store = await openStateStore(dir);
      expect(store.degraded?.code).toBe('KSA_ERR_STATE_DIR');
      const out = await store.commit({ events: [reload(1)] });
      expect(out.map((e) => (e.kind === 'store' ? `store ${e.action}` : e.kind))).toEqual(['config-reload', 'store degraded']);
      expect(out[1]!.kind === 'store' && out[1]!.error!.message).toMatch(/EROFS|read-only/);
      mount('-o', 'remount,rw', mnt);
      const back = await store.commit({ events: [reload(2)] });
      expect(back.map((e) => (e.kind === 'store' ? `store ${e.action}` : e.kind))).toEqual(['config-reload', 'store recovered']);
      await store.close();
      // No lock was taken while read-only: the store says so by having none, and a later open works.
      const again = await openStateStore(dir);
      expect(again.seq).toBe(4);
      await again.close();
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
  });
});
