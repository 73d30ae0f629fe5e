import { defineCheck } from '@kubestack/ksa/sdk';
import { WATCHES, ZNODES } from '../thresholds.js';

export const dataChecks = [
  defineCheck({
    id: 'zookeeper.data.znodes', category: 'data',
    run: (d, ctx) => (typeof d.mntr?.zk_znode_count !== 'number' ? null : ctx.judge(ZNODES, d.mntr.zk_znode_count, {
      title: 'Very large data tree', detail: `${d.mntr.zk_znode_count} znodes (${d.mntr.zk_approximate_data_size ?? '?'} bytes) held in memory on every server`,
      suggestion: 'find the application creating znodes (e.g. leaked sequential or ephemeral nodes) and clean up; the whole tree is in heap and in every snapshot',
      evidence: { znodes: d.mntr.zk_znode_count, ephemerals: d.mntr.zk_ephemerals_count ?? null, approximateDataSizeBytes: d.mntr.zk_approximate_data_size ?? null },
    })),
  }),
  defineCheck({
    id: 'zookeeper.data.watches', category: 'data',
    run: (d, ctx) => (typeof d.mntr?.zk_watch_count !== 'number' ? null : ctx.judge(WATCHES, d.mntr.zk_watch_count, {
      title: 'Many watches', detail: `${d.mntr.zk_watch_count} watches are registered`,
      suggestion: 'watch storms after a change slow every server: check clients that set a watch per znode (`wchc` shows them per session)',
      evidence: { watches: d.mntr.zk_watch_count },
    })),
  }),
];
