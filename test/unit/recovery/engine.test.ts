// The recovery engine on the real state store and event bus (a temp state dir), with a scripted
// target (what each diagnosis finds) and recorded action calls: dry-run, success after verify,
// retries with growing delays then one escalation and the rollback, the cooldown, the rate limit,
// one action in flight per target, no action on an unreachable target, typed parameters from
// hostile evidence, a restart with an attempt in flight (verified, not run again), and rules
// changed on reload (a new rule takes up what fires now; a removed one closes its episodes).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { EventBus } from '../../../src/watch/event-bus.js';
import { openStateStore, type StateStore } from '../../../src/watch/state-store.js';
import { RecoveryEngine, type RecoverySink } from '../../../src/recovery/engine.js';
import { RecoveryConfigSchema } from '../../../src/recovery/rule-schema.js';
import { RECOVERY_SECTION } from '../../../src/recovery/recovery-state.js';
import type { ActionRef } from '../../../src/recovery/action-catalog.js';
import type { ActionPorts } from '../../../src/recovery/attempt.js';
import type { WatchEvent, WatchEventDraft } from '../../../src/watch/events.js';
import type { WatchTarget } from '../../../src/watch/watch-targets.js';
import type { TargetRecord } from '../../../src/watch/target-record.js';
import type { ActionSpec, DiagnosticResult, Finding, MiddlewareTarget } from '../../../src/core/types.js';
import type { PluginManager } from '../../../src/core/manager.js';
import { waitFor } from '../../support/wait-for.js';

const work = mkdtempSync(join(tmpdir(), 'ksa-recovery-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

const FINDING = 'x.locks.blocked';
const endAction: ActionRef = { kind: 'plugin', pluginId: 'xdb', middleware: 'xdb', spec: { name: 'end', mutating: true, params: { pid: { type: 'integer', min: 1, required: true } } } };
const scriptAction: ActionRef = {
  kind: 'command', pluginId: 'recovery-script',
  spec: { name: 'run', mutating: true, params: { argv: { type: 'list', required: true, min: 1 }, rollback: { type: 'list', min: 1 } } },
  command: { argv: ['{{params.argv}}'], rollback: ['{{params.rollback}}'], mutates: 'x' },
};

function target(name: string, labels: Record<string, string> = {}): WatchTarget {
  return { name, request: { pluginId: 'xdb', target: { type: 'xdb', name, endpoints: ['127.0.0.1:1'], auth: {}, options: {} }, opts: { categories: [], thresholds: {}, timeoutMs: 1000, allowWrite: false } }, periodMs: 1000, config: { name, type: 'xdb', endpoints: [], labels }, defaults: { timeout: '1s', concurrency: 1, interval: '1s' }, readPassword: undefined, fingerprint: name };
}

function result(name: string, findings: Finding[], status: DiagnosticResult['status'] = findings.length ? 'warning' : 'healthy'): DiagnosticResult {
  return { schemaVersion: 1, plugin: { id: 'xdb', version: '1' }, target: { type: 'xdb', name, endpoints: [] }, status, startedAt: new Date().toISOString(), durationMs: 1, categories: [], findings, metrics: {}, errors: status === 'unknown' ? [{ code: 'KSA_ERR_CONNECT', message: 'refused', retryable: true }] : [] };
}
const blocked = (pid: unknown): Finding => ({ id: FINDING, category: 'locks', severity: 'warning', title: 't', detail: 'd', suggestion: 's', evidence: { blockers: [{ pid }] } });

interface Harness {
  store: StateStore;
  engine: RecoveryEngine;
  events: WatchEvent[];
  calls: Array<{ at: number; params: Record<string, unknown>; argv?: readonly string[] }>;
  /** What the next diagnoses of each target find. */
  firing: Map<string, boolean>;
  fire(target: string, episode?: string, evidence?: Record<string, unknown>): Promise<void>;
  /** A config reload: these rules and actions from now on. */
  reload(rules: unknown[], actions: Record<string, ActionRef>): void;
  resolve(target: string, episode?: string): Promise<void>;
  close(): Promise<void>;
  of(kind: string): WatchEvent[];
}

async function harness(opts: { rules: unknown[]; mode?: 'dry-run' | 'enforce'; rateLimit?: unknown; actions: Record<string, ActionRef>; ok?: (n: number) => boolean; dir?: string; targets?: WatchTarget[]; actionMs?: number; unknownTargets?: string[]; records?: TargetRecord[] }): Promise<Harness> {
  const dir = opts.dir ?? join(work, `d${++n}`);
  const store = await openStateStore(dir);
  const bus = new EventBus({ acks: store });
  const events: WatchEvent[] = [];
  bus.subscribe({ name: 'test', handler: (e) => { events.push(e); } });
  const sink: RecoverySink = {
    section: (name) => store.section(name),
    async commit(change) { bus.publish(await store.commit(change)); },
    subscribe(name, handler, o = {}) { const s = bus.subscribe({ name, handler, ...(o.durable ? { durable: true } : {}), ...(o.kinds ? { kinds: o.kinds } : {}) }); return () => s.unsubscribe(); },
    records: () => new Map([...(opts.unknownTargets ?? []).map((t): [string, TargetRecord] => [t, { target: t, plugin: 'xdb', state: 'unknown' as const, since: 0, last: { at: 0, status: 'unknown' as const, durationMs: 1 }, findings: {} }]), ...(opts.records ?? []).map((r): [string, TargetRecord] => [r.target, r])]),
  };
  const firing = new Map<string, boolean>();
  const calls: Harness['calls'] = [];
  const ports: ActionPorts = {
    async execute(_p, _t, _a, params) {
      calls.push({ at: Date.now(), params });
      if (opts.actionMs) await new Promise((r) => setTimeout(r, opts.actionMs));
      return { ok: opts.ok?.(calls.length) ?? true, detail: 'done' };
    },
    async run(argv) {
      calls.push({ at: Date.now(), params: {}, argv });
      const ok = opts.ok?.(calls.length) ?? true;
      return { ok, exitCode: ok ? 0 : 1, signal: null, stdout: 'out', stderr: ok ? '' : 'boom', durationMs: 1 };
    },
  };
  const configOf = (rules: unknown[]) => RecoveryConfigSchema.parse({ mode: opts.mode ?? 'enforce', rules, ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}), defaults: { settle: '50ms', verifyFor: '200ms', backoff: { initial: '100ms', max: '1s' } } });
  let config = configOf(opts.rules);
  let actions = new Map(Object.entries(opts.actions));
  const targets = new Map((opts.targets ?? [target('db')]).map((t) => [t.name, t]));
  const engine = new RecoveryEngine({
    config: () => config, actions: () => actions, enforce: false, targets: () => targets,
    diagnose: async (req) => {
      const name = req.target.name;
      const r = result(name, firing.get(name) ? [blocked(4242)] : []);
      return req.withSnapshot ? { result: r, snapshot: { plugin: 'xdb', collectedAt: new Date().toISOString(), target: r.target, categories: [], skipped: {}, data: { sessions: 1 } } } : { result: r };
    },
    ports, sink, stateDir: dir, logger: { error() {}, warn() {}, info() {}, debug() {} }, tickMs: 20,
  });
  await engine.start();
  const draft = (name: string, to: 'firing' | 'resolved', episode: string, evidence: Record<string, unknown>): WatchEventDraft => ({
    kind: 'finding', at: new Date().toISOString(), target: name, plugin: 'xdb', from: to === 'firing' ? 'pending' : 'firing', to, episode, since: new Date().toISOString(), reason: 'r',
    finding: { id: FINDING, category: 'locks', title: 't', severity: 'warning', evidence, suggestion: 's' },
  });
  return {
    store, engine, events, calls, firing,
    reload(rules, nextActions) {
      config = configOf(rules);
      actions = new Map(Object.entries(nextActions));
      engine.reload();
    },
    async fire(name, episode = `${name}/${FINDING}/1`, evidence = { blockers: [{ pid: 4242 }] }) {
      firing.set(name, true);
      await sink.commit({ events: [draft(name, 'firing', episode, evidence)] });
    },
    async resolve(name, episode = `${name}/${FINDING}/1`) {
      firing.set(name, false);
      await sink.commit({ events: [draft(name, 'resolved', episode, {})] });
    },
    async close() {
      await engine.stop(1000);
      await bus.drain(1000);
      await store.close();
    },
    of: (kind) => events.filter((e) => e.kind === kind),
  };
}

const endRule = (extra: Record<string, unknown> = {}) => ({ name: 'end-blocker', match: { finding: 'x.locks.*' }, action: { plugin: 'xdb', name: 'end', params: { pid: '{{finding.evidence.blockers.0.pid}}' } }, ...extra });

describe('recovery engine', () => {
  it('dry-run: says what would run, with the parameters from the evidence, and runs nothing', async () => {
    const h = await harness({ mode: 'dry-run', rules: [endRule()], actions: { 'end-blocker': endAction } });
    await h.fire('db');
    await waitFor('recovery-planned', () => h.of('recovery-planned').length === 1, 5000);
    await new Promise((r) => setTimeout(r, 200));
    const planned = h.of('recovery-planned')[0] as Extract<WatchEvent, { kind: 'recovery-planned' }>;
    expect(planned).toMatchObject({ dryRun: true, rule: 'end-blocker', action: 'xdb/end', params: { pid: 4242 }, attempt: 0 });
    expect(planned.reason).toMatch(/^dry-run: would run xdb end \{"pid":4242\}/);
    expect(h.calls).toEqual([]);
    expect(h.of('recovery-started')).toEqual([]);
    await h.close();
  });

  it('enforce: snapshot, the action with the typed pid, verify, succeeded; history and section on disk', async () => {
    const h = await harness({ rules: [endRule()], actions: { 'end-blocker': endAction } });
    h.firing.set('db', true);
    await h.fire('db');
    await waitFor('the action', () => h.calls.length === 1, 5000);
    h.firing.set('db', false); // the action worked: the next diagnosis finds nothing
    await waitFor('recovery-succeeded', () => h.of('recovery-succeeded').length === 1, 5000);
    expect(h.calls[0]!.params).toEqual({ pid: 4242 });
    const started = h.of('recovery-started')[0] as Extract<WatchEvent, { kind: 'recovery-started' }>;
    expect(started.snapshot).toMatch(/^recovery-snapshots\/\d+-db-end-blocker-1\.json$/);
    const snap = JSON.parse(readFileSync(join(h.store.dir, started.snapshot!), 'utf8')) as { kind: string; snapshots: unknown[] };
    expect(snap.kind).toBe('ksa-snapshots');
    expect(snap.snapshots).toHaveLength(1);
    expect(h.of('recovery-failed')).toEqual([]);
    const section = h.store.section(RECOVERY_SECTION) as { history: Array<{ outcome: string; attempt: number; snapshot?: string }> };
    expect(section.history.map((e) => [e.outcome, e.attempt])).toEqual([['succeeded', 1]]);
    expect(section.history[0]!.snapshot).toBe(started.snapshot);
    await h.close();
  });

  it('for: the action waits until the finding has fired that long; a finding that resolves first runs nothing', async () => {
    const h = await harness({ rules: [endRule({ match: { finding: 'x.locks.*', for: '600ms' } })], actions: { 'end-blocker': endAction } });
    h.firing.set('db', true);
    const fired = Date.now();
    await h.fire('db');
    await waitFor('the action', () => h.calls.length === 1, 5000);
    expect(h.calls[0]!.at - fired).toBeGreaterThanOrEqual(550); // since is the event's (taken a few ms after `fired`)
    h.firing.set('db', false);
    await waitFor('recovery-succeeded', () => h.of('recovery-succeeded').length === 1, 5000);
    // A second episode that resolves within its for: never acts.
    await h.fire('db', `db/${FINDING}/2`);
    await new Promise((r) => setTimeout(r, 200));
    await h.resolve('db', `db/${FINDING}/2`);
    await new Promise((r) => setTimeout(r, 800));
    expect(h.calls).toHaveLength(1);
    expect(h.of('recovery-skipped')).toEqual([]);
    await h.close();
  });

  it('a failing script: maxAttempts attempts with growing delays, one escalation with the attempts, the rollback, then the cooldown holds a new episode', async () => {
    const rule = { name: 'fix', match: { finding: FINDING }, maxAttempts: 3, cooldown: '1h', action: { plugin: 'recovery-script', name: 'run', params: { argv: ['/bin/fix', '{{target.name}}'], rollback: ['/bin/undo', '{{target.name}}'] } } };
    const h = await harness({ rules: [rule], actions: { fix: scriptAction }, ok: (i) => i === 4 /* only the rollback (4th run) works */ });
    await h.fire('db');
    await waitFor('recovery-escalated', () => h.of('recovery-escalated').length === 1, 10_000);
    const runs = h.calls.filter((c) => c.argv?.[0] === '/bin/fix');
    expect(runs).toHaveLength(3);
    expect(runs[0]!.argv).toEqual(['/bin/fix', 'db']);
    const gaps = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
    // backoff 100 ms doubling (half random): the second wait is at least the first's base (100 ms), the first at least 50 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(h.calls.filter((c) => c.argv?.[0] === '/bin/undo').map((c) => c.argv)).toEqual([['/bin/undo', 'db']]);
    const esc = h.of('recovery-escalated')[0] as Extract<WatchEvent, { kind: 'recovery-escalated' }>;
    expect(esc.failedAttempts).toBe(3);
    expect(esc.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(esc.rollback).toMatchObject({ ok: true });
    const failed = h.of('recovery-failed') as Array<Extract<WatchEvent, { kind: 'recovery-failed' }>>;
    expect(failed.map((f) => [f.attempt, f.nextAttemptAt !== undefined, f.outcome?.exitCode, f.outcome?.stderr])).toEqual([[1, true, 1, 'boom'], [2, true, 1, 'boom'], [3, false, 1, 'boom']]);
    // A new episode of the same finding on the same target, inside the cooldown: skipped, said once, nothing runs.
    await h.resolve('db');
    await h.fire('db', `db/${FINDING}/2`);
    await waitFor('recovery-skipped', () => h.of('recovery-skipped').length === 1, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.of('recovery-skipped')).toMatchObject([{ why: 'cooldown' }]);
    expect(h.calls.filter((c) => c.argv?.[0] === '/bin/fix')).toHaveLength(3);
    await h.close();
  });

  it('the global rate limit stops an action storm and says so; one action in flight per target', async () => {
    const h = await harness({ rules: [endRule()], rateLimit: { actions: 1, per: '1h' }, actions: { 'end-blocker': endAction }, targets: [target('a'), target('b')], actionMs: 100 });
    h.firing.set('a', true);
    h.firing.set('b', true);
    await h.fire('a');
    await h.fire('b');
    await waitFor('recovery-skipped', () => h.of('recovery-skipped').length === 1, 5000);
    expect(h.of('recovery-skipped')[0]).toMatchObject({ why: 'rate-limited' });
    expect(h.calls).toHaveLength(1);
    await h.close();

    const two = await harness({ rules: [endRule(), { ...endRule(), name: 'second' }], actions: { 'end-blocker': endAction, second: endAction }, actionMs: 300 });
    two.firing.set('db', true);
    await two.fire('db');
    await waitFor('in-flight skip', () => two.of('recovery-skipped').length === 1, 5000);
    expect(two.of('recovery-skipped')[0]).toMatchObject({ why: 'in-flight', rule: 'second' });
    await waitFor('both ran', () => two.calls.length === 2, 5000);
    expect(two.calls[1]!.at - two.calls[0]!.at).toBeGreaterThanOrEqual(300); // the second only after the first ended
    await two.close();
  });

  it('never acts on a finding of an unreachable target; hostile evidence is refused before any call', async () => {
    const h = await harness({ rules: [endRule()], actions: { 'end-blocker': endAction }, unknownTargets: ['db'] });
    await h.fire('db');
    await waitFor('unreachable skip', () => h.of('recovery-skipped').length === 1, 5000);
    expect(h.of('recovery-skipped')[0]).toMatchObject({ why: 'unreachable' });
    expect(h.calls).toEqual([]);
    await h.close();

    for (const pid of ['4242; kill -9 1', '--all', '1\n2', { $gt: 1 }]) {
      const bad = await harness({ rules: [endRule()], actions: { 'end-blocker': endAction } });
      await bad.fire('db', undefined, { blockers: [{ pid }] });
      await waitFor('invalid-params', () => bad.of('recovery-skipped').length === 1, 5000);
      expect(bad.of('recovery-skipped')[0]).toMatchObject({ why: 'invalid-params' });
      expect(bad.calls).toEqual([]);
      await bad.close();
    }
  });

  it('a restart with an attempt in flight records it interrupted and verifies it: no second run, the escalation is not lost', async () => {
    const dir = join(work, 'restart');
    const rule = endRule({ maxAttempts: 1 });
    const h = await harness({ dir, rules: [rule], actions: { 'end-blocker': endAction }, actionMs: 60_000 });
    h.firing.set('db', true);
    await h.fire('db');
    await waitFor('the action started', () => h.calls.length === 1, 5000);
    // The process "dies" here: the store is closed as it is (the section says: in flight), the engine never finishes.
    await h.store.close();
    const again = await harness({ dir, rules: [rule], actions: { 'end-blocker': endAction } });
    again.firing.set('db', true); // still firing after the restart
    await waitFor('recovery-escalated', () => again.of('recovery-escalated').length === 1, 5000);
    expect(again.calls).toEqual([]);
    const section = again.store.section(RECOVERY_SECTION) as { history: Array<{ outcome: string }>; inFlight: object };
    expect(section.history.map((e) => e.outcome)).toEqual(['interrupted', 'failed', 'escalated']);
    expect(section.inFlight).toEqual({});
    expect(existsSync(join(dir, 'recovery-snapshots'))).toBe(true);
    await again.close();
  });

  describe('rules changed on reload', () => {
    const firingRecord = (since: number): TargetRecord => ({
      target: 'db', plugin: 'xdb', state: 'ok', since: 0, last: { at: since, status: 'warning', durationMs: 1 },
      findings: { [FINDING]: { state: 'firing', since, episode: `db/${FINDING}/1`, plugin: 'xdb', finding: { id: FINDING, category: 'locks', title: 't', severity: 'warning', evidence: { blockers: [{ pid: 5151 }] }, suggestion: 's' } } },
    });
    const other = { name: 'other', match: { finding: 'y.*' }, action: { plugin: 'xdb', name: 'end', params: { pid: 1 } } };

    it('a rule added takes up the finding firing now (its evidence from the records); reloading it unchanged, or changed, does not open that episode again', async () => {
      const h = await harness({ mode: 'dry-run', rules: [other], actions: { other: endAction }, records: [firingRecord(Date.now() - 60_000)] });
      await new Promise((r) => setTimeout(r, 150));
      expect(h.of('recovery-planned')).toEqual([]); // no event came, and no rule matched what fires
      h.reload([other, endRule()], { other: endAction, 'end-blocker': endAction });
      await waitFor('recovery-planned', () => h.of('recovery-planned').length === 1, 5000);
      expect(h.of('recovery-planned')[0]).toMatchObject({ rule: 'end-blocker', target: 'db', episode: `db/${FINDING}/1`, finding: { id: FINDING, severity: 'warning' }, params: { pid: 5151 }, dryRun: true });
      h.reload([other, endRule()], { other: endAction, 'end-blocker': endAction });
      h.reload([other, endRule({ match: { finding: FINDING, severity: 'warning' } })], { other: endAction, 'end-blocker': endAction });
      await new Promise((r) => setTimeout(r, 200));
      expect(h.of('recovery-planned')).toHaveLength(1); // one action per episode
      // The new episodes were persisted with the section.
      expect(Object.keys((h.store.section(RECOVERY_SECTION) as { episodes: Record<string, unknown> }).episodes)).toEqual([`end-blocker|db/${FINDING}/1`]);
      await h.close();
    });

    it('a rule added across a restart takes up the finding firing now; a restart with the same rules takes up nothing', async () => {
      const dir = join(work, 'restart-rules');
      const records = [firingRecord(Date.now() - 60_000)];
      const first = await harness({ dir, mode: 'dry-run', rules: [other], actions: { other: endAction }, records });
      await first.close();
      // The watcher restarted with one rule more: the finding fired before, so no event will come for it.
      const second = await harness({ dir, mode: 'dry-run', rules: [other, endRule()], actions: { other: endAction, 'end-blocker': endAction }, records });
      await waitFor('recovery-planned', () => second.of('recovery-planned').length === 1, 5000);
      expect(second.of('recovery-planned')[0]).toMatchObject({ rule: 'end-blocker', target: 'db', episode: `db/${FINDING}/1`, params: { pid: 5151 }, dryRun: true });
      await second.close();
      // The same rules again, and the episode forgotten (as after a day): nothing is new, nothing is taken up.
      const stored = await openStateStore(dir);
      const section = stored.section(RECOVERY_SECTION) as { episodes: Record<string, unknown>; rules?: Record<string, string> };
      expect(Object.keys(section.rules ?? {})).toEqual(['other', 'end-blocker']);
      await stored.commit({ sections: { [RECOVERY_SECTION]: { ...section, episodes: {} } } });
      await stored.close();
      const third = await harness({ dir, mode: 'dry-run', rules: [other, endRule()], actions: { other: endAction, 'end-blocker': endAction }, records });
      await new Promise((r) => setTimeout(r, 200));
      expect(third.of('recovery-planned')).toEqual([]);
      await third.close();
    });

    it("a rule added with for: counts it from when the finding started firing, not from the reload", async () => {
      const h = await harness({ mode: 'dry-run', rules: [], actions: {}, records: [firingRecord(Date.now() - 60_000)] });
      h.reload([endRule({ match: { finding: FINDING, for: '1h' } }), endRule({ name: 'after-30s', match: { finding: FINDING, for: '30s' } })], { 'end-blocker': endAction, 'after-30s': endAction });
      await waitFor('recovery-planned', () => h.of('recovery-planned').length === 1, 5000);
      await new Promise((r) => setTimeout(r, 200));
      expect(h.of('recovery-planned').map((e) => (e as { rule: string }).rule)).toEqual(['after-30s']);
      expect(h.engine.episodes()[`end-blocker|db/${FINDING}/1`]).toMatchObject({ phase: 'waiting' });
      await h.close();
    });

    it('a rule removed before its episode is due closes it without acting', async () => {
      // for: 2s: time enough, on a loaded machine, to reload before it is due.
      const h = await harness({ rules: [endRule({ match: { finding: FINDING, for: '2s' } })], actions: { 'end-blocker': endAction } });
      await h.fire('db');
      await waitFor('the episode', () => h.engine.episodes()[`end-blocker|db/${FINDING}/1`] !== undefined, 5000);
      h.reload([], {});
      await waitFor('the episode closed', () => h.engine.episodes()[`end-blocker|db/${FINDING}/1`]?.phase === 'closed', 15_000);
      expect(h.calls).toEqual([]);
      expect(h.of('recovery-started')).toEqual([]);
      await h.close();
    });
  });
});

describe('recovery engine: an action run by hand in the same process (runManual, ksa serve\'s API)', () => {
  const ping: ActionSpec = { name: 'ping', mutating: false };
  const reset: ActionSpec = { name: 'reset', mutating: true };
  /** A plugin manager whose execute waits for `release` (an action that holds the target). */
  function manual(h: Harness) {
    const ran: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    let holding: string | undefined;
    const manager = {
      async execute(_p: string, t: MiddlewareTarget, action: string) { ran.push(`${t.name}/${action}`); if (t.name === holding) await held; return { ok: true, detail: `${action} done` }; },
      async diagnose(req: { target: MiddlewareTarget }) { return { result: result(req.target.name, []), snapshot: { plugin: 'xdb', collectedAt: new Date().toISOString(), target: { type: 'xdb', name: req.target.name, endpoints: [] }, categories: [], skipped: {}, data: {} } }; },
    } as unknown as PluginManager;
    const run = (name: string, spec: ActionSpec = ping) => h.engine.runManual({ manager, pluginId: 'xdb', spec, target: target(name).request.target, params: {}, timeoutMs: 5000, secrets: () => [], via: 'the API' });
    return { ran, run, hold(name: string) { holding = name; }, release: () => release() };
  }
  const code = async (p: Promise<unknown>) => p.then(() => 'ran', (e: { code?: string }) => e.code);

  it("refused (KSA_ERR_ACTION_IN_FLIGHT, nothing run) while a rule's action runs on the target; run and recorded once it ended", async () => {
    const h = await harness({ rules: [endRule()], actions: { 'end-blocker': endAction }, actionMs: 1500 });
    const m = manual(h);
    await h.fire('db');
    await waitFor('the rule\'s action running', () => h.calls.length === 1, 10_000);
    expect(await code(m.run('db'))).toBe('KSA_ERR_ACTION_IN_FLIGHT');
    expect(m.ran).toEqual([]);
    await waitFor('the rule\'s action ended', () => (h.store.section(RECOVERY_SECTION) as { inFlight: object }).inFlight !== undefined && Object.keys((h.store.section(RECOVERY_SECTION) as { inFlight: object }).inFlight).length === 0, 20_000);
    const { outcome, entry } = await m.run('db', reset);
    expect(outcome).toMatchObject({ ok: true, detail: 'reset done' });
    expect(entry).toMatchObject({ target: 'db', rule: 'manual', action: 'xdb/reset', outcome: 'succeeded', snapshot: expect.stringMatching(/-db-manual-1\.json$/) });
    expect(m.ran).toEqual(['db/reset']);
    // In the engine's section (the one it commits), persisted: beside the rule's attempts.
    const stored = h.store.section(RECOVERY_SECTION) as { history: Array<{ rule: string; target: string }>; inFlight: object };
    expect(stored.history.filter((e) => e.rule === 'manual')).toEqual([expect.objectContaining({ target: 'db', outcome: 'succeeded' })]);
    expect(h.engine.history().at(-1)).toMatchObject({ rule: 'manual', target: 'db' });
    expect(stored.inFlight).toEqual({});
    await waitFor('the manual events', () => h.of('recovery-succeeded').some((e) => (e as { rule: string }).rule === 'manual'), 5000);
    expect(h.of('recovery-started').filter((e) => (e as { rule: string }).rule === 'manual')).toEqual([expect.objectContaining({ target: 'db', snapshot: entry.snapshot })]);
    await h.close();
  });

  it("a manual action holds its target: a second one and the rule's action wait for it (in-flight), another target is free", async () => {
    const h = await harness({ rules: [endRule()], actions: { 'end-blocker': endAction }, targets: [target('db'), target('cache')] });
    const m = manual(h);
    m.hold('db');
    const first = m.run('db');
    await waitFor('the manual action running', () => m.ran.length === 1, 5000);
    expect(await code(m.run('db'))).toBe('KSA_ERR_ACTION_IN_FLIGHT');
    expect(await code(m.run('cache'))).toBe('ran');
    await h.fire('db');
    await waitFor('the rule held back', () => h.of('recovery-skipped').length === 1, 10_000);
    expect(h.of('recovery-skipped')[0]).toMatchObject({ why: 'in-flight', rule: 'end-blocker', target: 'db' });
    expect(h.calls).toEqual([]);
    m.release();
    expect((await first).entry).toMatchObject({ target: 'db', rule: 'manual', outcome: 'succeeded' });
    expect(m.ran).toEqual(['db/ping', 'cache/ping']);
    // Freed: the rule's action runs now.
    await waitFor('the rule\'s action', () => h.calls.length === 1, 10_000);
    await h.close();
  });

  it('the global rate limit counts manual actions and refuses past it (KSA_ERR_RATE_LIMITED, nothing run)', async () => {
    const h = await harness({ rules: [], actions: {}, rateLimit: { actions: 2, per: '1h' }, targets: [target('db'), target('cache')] });
    const m = manual(h);
    await m.run('db');
    await m.run('cache');
    const refused = await m.run('db').then(() => undefined, (e: Error & { code?: string }) => e);
    expect(refused?.code).toBe('KSA_ERR_RATE_LIMITED');
    expect(refused?.message).toMatch(/^rate limit: 2 actions per 1h reached over all targets; the next one is allowed at \d{4}-/);
    expect(m.ran).toEqual(['db/ping', 'cache/ping']);
    expect((h.store.section(RECOVERY_SECTION) as { rate: number[] }).rate).toHaveLength(2);
    await h.close();
  });
});
