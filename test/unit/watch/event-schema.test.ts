// `ksa schema events`: the JSON Schema generated from the zod event schema accepts the events the
// state machine and the store really produce (checked with Ajv, not with our own zod schema),
// and names every kind.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

import { jsonSchemaOf } from '../../../src/cli/commands/schema.js';
import { WATCH_EVENT_KINDS, type WatchEvent } from '../../../src/watch/events.js';
import { advance } from '../../../src/watch/state-machine.js';
import { DEFAULT_WATCH_POLICY } from '../../../src/watch/policy.js';
import { summarizeEvidence } from '../../../src/watch/evidence-summary.js';
import { unknownResult } from '../../../src/core/unknown-result.js';
import { analyze, healthySnapshot, node0 } from '../redis/fixture.js';

describe('ksa schema events', () => {
  const schema = jsonSchemaOf('events');
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it('is a versioned JSON Schema with one branch per kind', () => {
    expect(schema.$id).toBe('https://kubestack.ai/ksa/schemas/events-v1.json');
    expect((schema.oneOf as unknown[]).length).toBe(WATCH_EVENT_KINDS.length);
    expect(WATCH_EVENT_KINDS).toEqual(['finding', 'target', 'host', 'plugin', 'config-reload', 'watcher', 'store', 'health', 'recovery-planned', 'recovery-skipped', 'recovery-started', 'recovery-succeeded', 'recovery-failed', 'recovery-escalated', 'api-call', 'notification']);
  });

  it("accepts the state machine's real finding and target events once enveloped; refuses a missing seq", () => {
    const s = healthySnapshot();
    node0(s).info.maxmemory = '1000';
    node0(s).info.used_memory = '990';
    const firing = advance(undefined, { target: 'cache', result: analyze(s) }, DEFAULT_WATCH_POLICY, 1_000);
    const down = advance(firing.next, { target: 'cache', result: unknownResult({ id: 'redis', version: '1' }, { type: 'redis', name: 'cache', endpoints: [] }, { code: 'KSA_ERR_TIMEOUT', message: 't', retryable: true }, 0) }, DEFAULT_WATCH_POLICY, 2_000);
    const drafts = [...firing.events, ...down.events];
    expect(drafts.map((d) => d.kind)).toEqual(['finding', 'target']);
    drafts.forEach((d, i) => {
      const event = { schemaVersion: 1, seq: i + 1, id: `ev-0123abcd-1-${i + 1}`, ...d } as WatchEvent;
      expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    });
    const { seq: _seq, ...noSeq } = { schemaVersion: 1, seq: 1, id: 'ev-0123abcd-1-1', ...drafts[0]! };
    expect(validate(noSeq)).toBe(false);
  });
});

describe('evidence summary', () => {
  it('bounds keys, list items, string length, depth and total size', () => {
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    const out = summarizeEvidence({ ...big, list: Array.from({ length: 30 }, (_, i) => i), deep: { a: { b: { c: { d: 1 } } } } });
    expect(Object.keys(out).length).toBeLessThanOrEqual(20);
    expect(JSON.stringify(out).length).toBeLessThanOrEqual(4096);
    expect(summarizeEvidence({ list: Array.from({ length: 30 }, (_, i) => i) }).list).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, '… 20 more']);
    expect(summarizeEvidence({ deep: { a: { b: { c: { d: 1 } } } } })).toEqual({ deep: { a: { b: { c: '…' } } } }); // three levels below the top
    expect(summarizeEvidence({ pid: 4242, query: 'SELECT 1' })).toEqual({ pid: 4242, query: 'SELECT 1' });
  });
});
