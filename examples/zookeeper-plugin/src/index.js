// zookeeper-diagnostics: a ksa external plugin. Everything it uses comes from the public SDK.
import { defineMiddlewarePlugin, thresholdsIn } from '@kubestack/ksa/sdk';
import { connect } from './connect.js';
import { collect } from './collect.js';
import * as thresholds from './thresholds.js';
import { serverChecks } from './checks/server.js';
import { requestChecks } from './checks/requests.js';
import { dataChecks } from './checks/data.js';
import { quorumChecks } from './checks/quorum.js';
import { resourceChecks } from './checks/resources.js';
import { connectionChecks } from './checks/connections.js';

export default defineMiddlewarePlugin({
  info: {
    id: 'zookeeper-diagnostics', version: '1.0.0', middleware: 'zookeeper', name: 'ZooKeeper Diagnostics',
    description: 'ZooKeeper health from the four-letter words', supportedVersions: ['>=3.5.0'],
  },
  categories: ['server', 'requests', 'data', 'quorum', 'resources', 'connections'],
  connect,
  // Nothing to close: every four-letter word used (and closed) its own connection.
  async disconnect() {},
  collect,
  checks: [...serverChecks, ...requestChecks, ...dataChecks, ...quorumChecks, ...resourceChecks, ...connectionChecks],
  thresholds: thresholdsIn(thresholds),
  metrics: (d) => {
    const m = {};
    const mode = d.srvr?.mode ?? d.mntr?.zk_server_state;
    if (mode) m.mode = mode;
    const numbers = {
      outstanding_requests: d.mntr?.zk_outstanding_requests ?? d.srvr?.outstanding,
      avg_latency_ms: d.mntr?.zk_avg_latency ?? d.srvr?.latencyAvg,
      max_latency_ms: d.mntr?.zk_max_latency ?? d.srvr?.latencyMax,
      znode_count: d.mntr?.zk_znode_count ?? d.srvr?.nodeCount,
      watch_count: d.mntr?.zk_watch_count,
      open_file_descriptors: d.mntr?.zk_open_file_descriptor_count,
      connections: d.cons?.total ?? d.srvr?.connections,
    };
    for (const [k, v] of Object.entries(numbers)) if (typeof v === 'number') m[k] = v;
    return m;
  },
});
