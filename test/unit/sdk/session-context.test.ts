// A kept connection sees the call in progress: its deadline, and its abort (which ends the session).
import { describe, expect, it } from 'vitest';
import { createSessionContext } from '../../../src/sdk/session-context.js';
import type { PluginContext } from '../../../src/core/types.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const call = (deadline: number, controller = new AbortController()): PluginContext =>
  ({ pluginId: 'p', signal: controller.signal, logger: silent, config: {}, deadline, operations: [], allowWrite: false });

describe('the session context', () => {
  it('shows the deadline of the call in progress, not of the call that connected', async () => {
    const live = createSessionContext(call(100));
    expect(live.ctx.deadline).toBe(100);
    const seen = await live.during(call(200), async () => live.ctx.deadline);
    expect(seen).toBe(200);
    expect(await live.during(call(300), async () => live.ctx.deadline)).toBe(300);
  });

  it("a call's abort aborts the session for good; a call that ends normally leaves it open", async () => {
    const live = createSessionContext(call(1));
    await live.during(call(2), async () => undefined);
    expect(live.ctx.signal.aborted).toBe(false);
    const c = new AbortController();
    await live.during(call(3, c), async () => { c.abort(new Error('deadline')); });
    expect(live.ctx.signal.aborted).toBe(true);
  });
});
