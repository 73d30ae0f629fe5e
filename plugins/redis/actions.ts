// Declared actions. slowlog-reset writes (it clears server state), so the SDK refuses it without
// --allow-write.
import type { ActionDefinition } from '../../src/sdk/index.js';
import type { RedisConnection } from './connect.js';

export const redisActions: Record<string, ActionDefinition<RedisConnection>> = {
  'slowlog-reset': {
    mutating: true,
    description: 'SLOWLOG RESET on every connected node (after the slow commands are fixed)',
    async run(_ctx, conn) {
      const done: string[] = [];
      const failed: Record<string, string> = {};
      for (const seed of conn.seeds) {
        if (!seed.client) continue;
        const [reply] = await conn.pipeline(seed.client, [['SLOWLOG', 'RESET']]);
        if (reply?.ok) done.push(seed.address);
        else failed[seed.address] = reply?.error ?? 'no reply';
      }
      const ok = done.length > 0 && Object.keys(failed).length === 0;
      return { ok, detail: ok ? `slow log cleared on ${done.join(', ')}` : `slow log reset failed on ${Object.keys(failed).join(', ') || 'every node (none connected)'}`, data: { reset: done, failed } };
    },
  },
};
