import { defineCheck } from '@kubestack/ksa/sdk';
import { FILE_DESCRIPTORS } from '../thresholds.js';

export const resourceChecks = [
  defineCheck({
    id: 'zookeeper.resources.file-descriptors', category: 'resources',
    run(d, ctx) {
      const open = d.mntr?.zk_open_file_descriptor_count;
      const max = d.mntr?.zk_max_file_descriptor_count;
      if (typeof open !== 'number' || typeof max !== 'number' || max <= 0) return null;
      return ctx.judge(FILE_DESCRIPTORS, (open / max) * 100, {
        title: 'File descriptors running out', detail: `${open} of ${max} file descriptors are open`,
        suggestion: 'raise the limit (LimitNOFILE / ulimit -n) and look for clients leaking connections (`cons`)',
        evidence: { open, max },
      });
    },
  }),
];
