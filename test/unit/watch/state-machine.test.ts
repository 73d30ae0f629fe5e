// The watch state machine on real analyses: the recorded Redis snapshot with used_memory edited so
// redis.memory.usage (warning > 90% of maxmemory, strict) sits exactly where each case needs it.
import { describe, expect, it } from 'vitest';

import { advance, clearOf, FINDING_TRANSITIONS, TARGET_TRANSITIONS, type Observation } from '../../../src/watch/state-machine.js';
import { DEFAULT_WATCH_POLICY, resolvePolicy, type WatchPolicy } from '../../../src/watch/policy.js';
import { unknownResult } from '../../../src/core/unknown-result.js';
import type { DiagnosticResult } from '../../../src/core/types.js';
import type { FindingState, WatchEventDraft } from '../../../src/watch/events.js';
import type { TargetRecord } from '../../../src/watch/target-record.js';
import { analyze, healthySnapshot, node0 } from '../redis/fixture.js';

const KEY = 'redis.memory.usage@127.0.0.1:6379';
const MAX = 100_000;

/** A real analysis with memory usage at `pct` % of maxmemory. */
function at(pct: number): DiagnosticResult {
  const s = healthySnapshot();
  node0(s).info.maxmemory = String(MAX);
  node0(s).info.used_memory = String(Math.round((pct / 100) * MAX));
  return analyze(s);
}

const unreachable = (): DiagnosticResult => unknownResult({ id: 'redis', version: '1' }, { type: 'redis', name: 'cache', endpoints: ['127.0.0.1:1'] }, { code: 'KSA_ERR_CONNECT', message: 'connect ECONNREFUSED', retryable: true }, 0, ['memory']);

interface Run {
  rec: TargetRecord | undefined;
  events: WatchEventDraft[];
  now: number;
}

/** Feeds results one cycle each (10 s apart), collecting every event. */
function run(results: DiagnosticResult[], policy: WatchPolicy = DEFAULT_WATCH_POLICY, start: Run = { rec: undefined, events: [], now: 0 }): Run {
  let { rec, now } = start;
  const events = [...start.events];
  for (const result of results) {
    now += 10_000;
    const obs: Observation = { target: 'cache', result };
    const out = advance(rec, obs, policy, now);
    rec = out.next;
    events.push(...out.events);
  }
  return { rec, events, now };
}

const moves = (events: WatchEventDraft[]) => events.flatMap((e) => (e.kind === 'finding' || e.kind === 'target' ? [`${e.kind}:${e.from}->${e.to}`] : []));
const stateOf = (r: Run): FindingState => r.rec?.findings[KEY]?.state ?? 'ok';

describe('transition tables', () => {
  it('every state has an entry and only moves to states of the table', () => {
    for (const [from, tos] of Object.entries(FINDING_TRANSITIONS)) for (const to of tos) expect(Object.keys(FINDING_TRANSITIONS)).toContain(to), expect(from).not.toBe('');
    for (const tos of Object.values(TARGET_TRANSITIONS)) for (const to of tos) expect(Object.keys(TARGET_TRANSITIONS)).toContain(to);
    expect(FINDING_TRANSITIONS.firing).not.toContain('ok'); // a firing finding always passes through resolved
  });
});

describe('threshold boundaries (for: 0, hysteresis 5%)', () => {
  it('exactly at the threshold (90.0%) does not fire: the comparison is strict', () => {
    const r = run([at(90)]);
    expect(moves(r.events)).toEqual([]);
    expect(stateOf(r)).toBe('ok');
  });

  it('just above (90.1%) fires on the first cycle, with value, threshold and its source', () => {
    const r = run([at(90.1)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing']);
    const e = r.events[0]!;
    if (e.kind !== 'finding') throw new Error('not a finding event');
    expect(e.finding).toMatchObject({ id: 'redis.memory.usage', node: '127.0.0.1:6379', severity: 'warning', observed: { value: 90.1, unit: '%' }, threshold: { warning: 90, critical: 95, direction: 'above' } });
    expect(e.finding.threshold!.source).toMatch(/maxmemory/);
    expect(e.finding.suggestion).not.toBe('');
    expect(e.episode).toBe(`cache/${KEY}/10000`);
  });

  it('firing, back to exactly the threshold (90.0%): still firing (inside the deadband)', () => {
    const r = run([at(91), at(90)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing']);
    expect(stateOf(r)).toBe('firing');
    expect(r.rec!.findings[KEY]!.finding.observed).toEqual({ value: 90, unit: '%' });
  });

  it('firing, at threshold - margin + 0.01 (85.51%): still firing', () => {
    expect(stateOf(run([at(91), at(85.51)]))).toBe('firing');
  });

  it('firing, at exactly threshold - margin (85.5% = 90 - 5% of 90): resolved, saying why', () => {
    const r = run([at(91), at(85.5)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing', 'finding:firing->resolved']);
    const e = r.events[1]!;
    if (e.kind !== 'finding') throw new Error('not a finding event');
    expect(e.reason).toBe('value 85.5 back past 85.5 (90 - 5%)');
    expect(e.episode).toBe(r.events[0]!.kind === 'finding' ? r.events[0]!.episode : '');
    expect(e.finding.observed).toEqual({ value: 85.5, unit: '%' });
  });

  it('hysteresis 0 resolves at the threshold itself', () => {
    expect(stateOf(run([at(91), at(90)], resolvePolicy({ hysteresis: 0 })))).toBe('resolved');
  });

  it('a `below` threshold mirrors the deadband (value must rise past limit + margin)', () => {
    const m = { id: 'x.y.z', value: 10.49, unit: 'ratio', warning: 10, critical: null, direction: 'below' as const };
    expect(clearOf(m, 0.05).ok).toBe(false);
    expect(clearOf({ ...m, value: 10.5 }, 0.05).ok).toBe(true);
    expect(clearOf(undefined, 0.05)).toEqual({ ok: true, reason: 'finding absent' });
  });
});

describe('for:', () => {
  it('3 cycles: pending, pending, firing', () => {
    const r = run([at(91), at(92), at(93)], resolvePolicy({ for: 3 }));
    expect(moves(r.events)).toEqual(['finding:ok->pending', 'finding:pending->firing']);
    expect(r.events[1]!.kind === 'finding' && r.events[1]!.reason).toMatch(/3 cycle/);
  });

  it('a duration: fires once the breach lasted 30 s (first breach at 10 s, fires at 40 s)', () => {
    const r = run([at(91), at(91), at(91), at(91)], resolvePolicy({ for: '30s' }));
    expect(moves(r.events)).toEqual(['finding:ok->pending', 'finding:pending->firing']);
    expect(r.events[1]!.at).toBe(new Date(40_000).toISOString());
  });

  it('both: 2 cycles AND 25 s (the duration decides here: 20 s after the first breach is not enough)', () => {
    const r = run([at(91), at(91), at(91), at(91)], resolvePolicy({ for: { cycles: 2, duration: '25s' } }));
    expect(r.events.map((e) => e.at)).toEqual([new Date(10_000).toISOString(), new Date(40_000).toISOString()]);
  });

  it('a breach that clears before for: goes pending -> ok and fires nothing', () => {
    const r = run([at(91), at(50)], resolvePolicy({ for: 3 }));
    expect(moves(r.events)).toEqual(['finding:ok->pending', 'finding:pending->ok']);
    expect(r.rec!.findings).toEqual({});
  });

  it('flapping every cycle (well past the deadband both ways) with for: 3 never fires', () => {
    const flap = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? at(99) : at(50)));
    const r = run(flap, resolvePolicy({ for: 3 }));
    expect(moves(r.events).filter((m) => m.endsWith('firing'))).toEqual([]);
  });

  it('flapping around the threshold (89 <-> 91) fires once and never resolves: the deadband holds it', () => {
    const flap = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? at(91) : at(89)));
    const r = run(flap, resolvePolicy({ for: 1 }));
    expect(moves(r.events)).toEqual(['finding:ok->firing']);
  });

  it('a value swinging across the whole deadband gives at most one fire/resolve pair per for: window', () => {
    // 2 cycles high, 1 low, repeated: each re-fire needs for: 2 cycles again after the resolve.
    const pattern = [99, 99, 50];
    const values = Array.from({ length: 60 }, (_, i) => pattern[i % 3]!);
    const policy = resolvePolicy({ for: '20s' }); // 2 cycles of 10 s: the first breach cycle + 20 s
    const r = run(values.map(at), policy);
    const fires = r.events.filter((e) => e.kind === 'finding' && e.to === 'firing').map((e) => Date.parse(e.at));
    const resolves = r.events.filter((e) => e.kind === 'finding' && e.to === 'resolved');
    expect(resolves.length).toBeLessThanOrEqual(fires.length);
    // No two fires closer than the for: window.
    for (let i = 1; i < fires.length; i++) expect(fires[i]! - fires[i - 1]!).toBeGreaterThanOrEqual(policy.forMs);
  });
});

describe('resolved and again', () => {
  it('resolved -> firing again opens a new episode (for: 0)', () => {
    const r = run([at(91), at(50), at(92)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing', 'finding:firing->resolved', 'finding:resolved->firing']);
    const [first, , again] = r.events as Array<Extract<WatchEventDraft, { kind: 'finding' }>>;
    expect(again!.episode).not.toBe(first!.episode);
    expect(again!.episode).toBe(`cache/${KEY}/30000`);
  });

  it('resolved -> pending -> firing with for: 2, the resolved state is kept until then', () => {
    const r = run([at(91), at(91), at(50), at(50), at(91), at(91)], resolvePolicy({ for: 2 }));
    expect(moves(r.events)).toEqual(['finding:ok->pending', 'finding:pending->firing', 'finding:firing->resolved', 'finding:resolved->pending', 'finding:pending->firing']);
  });

  it('severity rising while firing is announced as firing -> firing', () => {
    const r = run([at(91), at(96)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing', 'finding:firing->firing']);
    expect(r.events[1]!.kind === 'finding' && r.events[1]!.finding.severity).toBe('critical');
  });
});

describe('unknown', () => {
  it('an unreachable target in the middle of firing does not resolve the finding', () => {
    const r = run([at(91), unreachable(), unreachable(), at(89)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing', 'target:ok->unknown', 'target:unknown->ok']);
    expect(stateOf(r)).toBe('firing');
    const unknownEvent = r.events[1]!;
    expect(unknownEvent.kind === 'target' && unknownEvent.error?.code).toBe('KSA_ERR_CONNECT');
  });

  it('after the unknown stretch the finding resolves by its value as usual', () => {
    const r = run([at(91), unreachable(), at(80)]);
    expect(moves(r.events)).toEqual(['finding:ok->firing', 'target:ok->unknown', 'target:unknown->ok', 'finding:firing->resolved']);
  });

  it('for: applies to unknown too: one failed cycle is pending, not unknown', () => {
    const r = run([at(50), unreachable(), at(50), unreachable(), unreachable()], resolvePolicy({ for: 2 }));
    expect(moves(r.events)).toEqual(['target:ok->pending', 'target:pending->ok', 'target:ok->pending', 'target:pending->unknown']);
    const [open, close] = r.events as Array<Extract<WatchEventDraft, { kind: 'target' }>>;
    expect(close!.episode).toBe(open!.episode);
  });

  it('a pending finding is held (not advanced, not cleared) while the target is unknown', () => {
    const r = run([at(91), unreachable(), at(91)], resolvePolicy({ for: 2 }));
    // The unreachable cycle did not count: the second breaching cycle is the third cycle.
    expect(moves(r.events)).toEqual(['finding:ok->pending', 'target:ok->pending', 'target:pending->ok', 'finding:pending->firing']);
    expect(r.rec!.findings[KEY]!.streak!.cycles).toBe(2);
  });

  it('a category not evaluated this cycle holds its findings', () => {
    const skipped = at(50);
    skipped.categories = skipped.categories.map((c) => (c.name === 'memory' ? { ...c, status: 'unknown', skipped: 'INFO memory failed' } : c));
    skipped.measurements = [];
    skipped.status = 'warning'; // diagnosed, other categories fine
    const r = run([at(91), skipped]);
    expect(stateOf(r)).toBe('firing');
  });
});

describe('what counts as a breach', () => {
  it('baselined, below --fail-on and info findings never fire', () => {
    const quiet = (mark: 'baselined' | 'belowFailOn') => {
      const r = at(91);
      r.findings = r.findings.map((f) => ({ ...f, [mark]: true }));
      return r;
    };
    expect(run([quiet('baselined'), quiet('belowFailOn')]).events).toEqual([]);
  });

  it('the record keeps the last cycle for `watch status`', () => {
    const r = run([at(91)]);
    expect(r.rec).toMatchObject({ target: 'cache', plugin: 'redis-diagnostics', state: 'ok', last: { at: 10_000, status: 'warning' } });
  });
});
