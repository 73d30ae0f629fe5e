// The audit log: one event per JSON line (the `ksa schema events` schema), secrets redacted by
// core's redaction, size-based rotation with gzip archives and a retention count, and no line lost
// across a restart (it is a durable subscriber of the state store).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

import { AuditLog, auditLogPath } from '../../../src/watch/audit-log.js';
import { EventBus } from '../../../src/watch/event-bus.js';
import { WatchEventSchema, type WatchEvent, type WatchEventDraft } from '../../../src/watch/events.js';
import { openStateStore } from '../../../src/watch/state-store.js';
import { createCliLogger } from '../../../src/cli/logger.js';
import { createRuntime } from '../../../src/cli/runtime.js';

const work = mkdtempSync(join(tmpdir(), 'ksa-audit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const refused = (reason: string): WatchEventDraft => ({ kind: 'config-reload', at: '2026-12-04T10:00:00.000Z', outcome: 'refused', reason, file: 'ksa.yaml', added: [], removed: [], changed: [] });
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => WatchEventSchema.parse(JSON.parse(l)));

describe('audit log', () => {
  it('writes each event as one schema-valid line, secrets redacted (also URL-encoded forms)', async () => {
    const dir = join(work, 'redact');
    const store = await openStateStore(dir);
    const bus = new EventBus({ acks: store });
    const audit = new AuditLog(auditLogPath(dir), { secrets: () => ['s3cr3t/pw'] });
    audit.subscribe(bus);
    bus.publish(await store.commit({ events: [refused('redis://app:s3cr3t/pw@db:6379 refused; url redis://app:s3cr3t%2Fpw@db')] }));
    await bus.drain(5000);
    await audit.close();
    await store.close();
    const [line] = lines(auditLogPath(dir));
    expect(line).toMatchObject({ kind: 'config-reload', seq: 1, outcome: 'refused' });
    expect(line!.kind === 'config-reload' && line!.reason).toBe('redis://app:***@db:6379 refused; url redis://app:***@db');
    expect(readFileSync(auditLogPath(dir), 'utf8')).not.toContain('s3cr3t');
  });

  it('rotates by size into gzip archives and keeps only `keep` of them', async () => {
    const path = join(work, 'rotate', 'audit.log');
    const audit = new AuditLog(path, { maxBytes: 2000, keep: 2 });
    for (let seq = 1; seq <= 60; seq++) {
      await audit.write({ schemaVersion: 1, seq, id: `ev-0000abcd-1-${seq}`, ...refused(`reason ${seq} ${'x'.repeat(100)}`) } as WatchEvent);
    }
    await audit.close();
    const files = readdirSync(join(work, 'rotate')).sort();
    expect(files).toEqual(['audit.log', 'audit.log.1.gz', 'audit.log.2.gz']);
    const newest = gunzipSync(readFileSync(join(work, 'rotate', 'audit.log.1.gz'))).toString().split('\n').filter(Boolean).map((l) => WatchEventSchema.parse(JSON.parse(l)));
    const current = lines(path);
    // The newest archive ends right where the current file begins.
    expect(newest.at(-1)!.seq + 1).toBe(current[0]!.seq);
    expect(current.at(-1)!.seq).toBe(60);
  });

  it('loses no line across a restart: unacknowledged events are written again after reopening (same ids)', async () => {
    const dir = join(work, 'durable');
    const s1 = await openStateStore(dir);
    const bus1 = new EventBus({ acks: s1 });
    s1.pending('audit'); // the audit subscriber is registered (as after a first run)
    const committed = await s1.commit({ events: [refused('one'), refused('two'), refused('three')] });
    // Crash before the audit log got anything: not published, lock left behind.
    void bus1;
    (s1 as unknown as { lock: { release(): void } }).lock.release();
    const s2 = await openStateStore(dir);
    const bus2 = new EventBus({ acks: s2 });
    const audit = new AuditLog(auditLogPath(dir));
    audit.subscribe(bus2);
    await bus2.drain(5000);
    await audit.close();
    await s2.close();
    expect(lines(auditLogPath(dir)).map((e) => e.id)).toEqual(committed.map((e) => e.id));
  });
});

describe("ksa's own log as JSON lines", () => {
  it('one JSON object per line with time, level, msg and fields; level-filtered; secrets redacted', () => {
    const out: string[] = [];
    const log = createCliLogger('info', (l) => out.push(l), 'json');
    log.addSecret('pa"ss');
    log.debug('hidden');
    log.warn('login with pa"ss failed', { target: 'cache', level: 'spoofed' });
    expect(out).toHaveLength(1);
    expect(out[0]!.endsWith('\n')).toBe(true);
    const line = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', msg: 'login with *** failed', target: 'cache' });
    expect(typeof line.time).toBe('string');
  });

  it('--log-format takes text or json; anything else is bad input naming the choices', () => {
    expect(createRuntime({ logLevel: 'warn', logFormat: 'json', color: false, isolation: 'auto' }).logger.level).toBe('warn');
    expect(() => createRuntime({ logLevel: 'warn', logFormat: 'xml', color: false, isolation: 'auto' })).toThrow(/KSA_ERR_BAD_INPUT|--log-format "xml" is not one of text, json/);
  });
});
