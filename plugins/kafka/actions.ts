// Read-only actions (`ksa action kafka <name> <endpoint> --param k=v`). None of them writes.
import { ksaError, type ActionDefinition } from '../../src/sdk/index.js';
import type { KafkaConnection } from './connect.js';
import { collectKafka } from './collect.js';

/** kafka-consumer-groups.sh --describe for one group: committed, log-end and lag per partition. */
const groupOffsets: ActionDefinition<KafkaConnection> = {
  mutating: false,
  description: 'Per-partition committed offset, high watermark, log start and lag of one consumer group (param group=<id>)',
  async run(ctx, conn, params) {
    const group = params.group;
    if (typeof group !== 'string' || group === '') throw ksaError('KSA_ERR_BAD_INPUT', 'group-offsets needs --param group=<consumer group id>');
    const { data } = await collectKafka(ctx, { ...conn, options: { ...conn.options, groups: [group], samples: 1 } }, { categories: ['consumer'] });
    const g = data.groups[0];
    if (!g || g.error) return { ok: false, detail: `group ${group}: ${g?.error ?? 'not found'}` };
    const lag = g.partitions.reduce((s, p) => s + (p.lag ?? 0), 0);
    return {
      ok: true,
      detail: `group ${group}: ${g.partitions.length} partitions, total lag ${lag}`,
      data: { group, coordinator: g.coordinator, state: g.state, totalLag: lag, partitions: g.partitions },
    };
  },
};

export const kafkaActions: Record<string, ActionDefinition<KafkaConnection>> = { 'group-offsets': groupOffsets };
