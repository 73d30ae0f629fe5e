import { defineCheck } from '@kubestack/ksa/sdk';
import { PER_CLIENT } from '../thresholds.js';

export const connectionChecks = [
  defineCheck({
    id: 'zookeeper.connections.per-client', category: 'connections',
    run(d, ctx) {
      if (!d.cons) return null;
      const [client, count] = Object.entries(d.cons.byClient).sort((a, b) => b[1] - a[1])[0] ?? [];
      if (client === undefined) return null;
      return ctx.judge(PER_CLIENT, (count / d.maxClientCnxns) * 100, {
        title: 'A client is near maxClientCnxns', detail: `${client} holds ${count} connections; the server refuses more than ${d.maxClientCnxns} from one address`,
        suggestion: 'share one ZooKeeper session per process (connection leak?) or raise maxClientCnxns in zoo.cfg',
        evidence: { client, connections: count, maxClientCnxns: d.maxClientCnxns, totalConnections: d.cons.total },
      });
    },
  }),
];
