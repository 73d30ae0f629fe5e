// Check cases for the contract kit: snapshot data -> exactly these findings.
// Boundary rule: a value equal to a threshold is fine; just above it is a finding.
const mntr = (over = {}) => ({
  zk_version: '3.8.0', zk_server_state: 'follower', zk_avg_latency: 0.5, zk_max_latency: 12, zk_outstanding_requests: 0,
  zk_znode_count: 5, zk_watch_count: 0, zk_ephemerals_count: 0, zk_approximate_data_size: 44, zk_num_alive_connections: 1,
  zk_open_file_descriptor_count: 38, zk_max_file_descriptor_count: 20000, ...over,
});
const srvr = (over = {}) => ({ version: '3.8.0', mode: 'follower', latencyMin: 0, latencyAvg: 0.5, latencyMax: 12, outstanding: 0, nodeCount: 5, connections: 1, ...over });
const data = (over = {}) => ({
  ruok: 'imok', refused: [], notServing: false, srvr: srvr(), mntr: mntr(), cons: { total: 1, byClient: { '127.0.0.1': 1 }, maxQueued: 0 }, maxClientCnxns: 60, ...over,
});
const F = (id, severity, observed) => ({ id, severity, ...(observed === undefined ? {} : { observed }) });

export const cases = [
  { name: 'healthy follower', data: data(), expect: { findings: [], status: 'healthy' } },
  { name: 'standalone is advice only', data: data({ srvr: srvr({ mode: 'standalone' }), mntr: mntr({ zk_server_state: 'standalone' }) }), expect: { findings: [F('zookeeper.server.mode', 'info', 'standalone')], status: 'healthy' } },
  { name: 'read-only mode', data: data({ srvr: srvr({ mode: 'read-only' }) }), expect: { findings: [F('zookeeper.server.mode', 'critical', 'read-only')], status: 'critical' } },
  { name: 'not serving', data: data({ notServing: true, srvr: null, mntr: null, cons: null }), categories: ['server'], expect: { findings: [F('zookeeper.server.mode', 'critical')], status: 'critical' } },
  { name: 'ruok answers something else', data: data({ ruok: 'error' }), categories: ['server'], expect: { findings: [F('zookeeper.server.ruok', 'critical')] } },
  { name: 'ruok not whitelisted: partial skip', data: data({ ruok: 'ruok is not executed because it is not in the whitelist.' }), categories: ['server'], expect: { findings: [], skipped: ['server'] } },

  { name: 'outstanding at warning: fine', data: data({ mntr: mntr({ zk_outstanding_requests: 10 }) }), categories: ['requests'], expect: { findings: [] } },
  { name: 'outstanding just above warning', data: data({ mntr: mntr({ zk_outstanding_requests: 11 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.outstanding', 'warning', 11)] } },
  { name: 'outstanding at critical: warning', data: data({ mntr: mntr({ zk_outstanding_requests: 100 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.outstanding', 'warning', 100)] } },
  { name: 'outstanding above critical', data: data({ mntr: mntr({ zk_outstanding_requests: 101 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.outstanding', 'critical', 101)] } },
  { name: 'outstanding from srvr when mntr is refused', data: data({ mntr: null, refused: ['mntr'], srvr: srvr({ outstanding: 150 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.outstanding', 'critical', 150)] } },
  { name: 'avg latency at 10 ms: fine', data: data({ mntr: mntr({ zk_avg_latency: 10 }) }), categories: ['requests'], expect: { findings: [] } },
  { name: 'avg latency 10.5 ms', data: data({ mntr: mntr({ zk_avg_latency: 10.5 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.latency', 'warning', 10.5)] } },
  { name: 'avg latency 101 ms', data: data({ mntr: mntr({ zk_avg_latency: 101 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.latency', 'critical', 101)] } },
  { name: 'max latency 1000 ms: fine; 1001: warning', data: data({ mntr: mntr({ zk_max_latency: 1001 }) }), categories: ['requests'], expect: { findings: [F('zookeeper.requests.latency.max', 'warning', 1001)] } },

  { name: 'znodes at 1M: fine', data: data({ mntr: mntr({ zk_znode_count: 1_000_000 }) }), categories: ['data'], expect: { findings: [] } },
  { name: 'znodes above 1M', data: data({ mntr: mntr({ zk_znode_count: 1_000_001 }) }), categories: ['data'], expect: { findings: [F('zookeeper.data.znodes', 'warning')] } },
  { name: 'watches above 10k', data: data({ mntr: mntr({ zk_watch_count: 10_001 }) }), categories: ['data'], expect: { findings: [F('zookeeper.data.watches', 'warning', 10001)] } },
  { name: 'mntr refused: data, quorum, resources skipped with the setting', data: data({ mntr: null, refused: ['mntr'] }), categories: ['data', 'quorum', 'resources'], skipped: { data: 'mntr is not in the whitelist', quorum: 'mntr is not in the whitelist', resources: 'mntr is not in the whitelist' }, expect: { findings: [], skipped: ['data', 'quorum', 'resources'], status: 'unknown' } },

  { name: 'leader with all followers synced', data: data({ srvr: srvr({ mode: 'leader' }), mntr: mntr({ zk_server_state: 'leader', zk_followers: 2, zk_synced_followers: 2 }) }), categories: ['quorum'], expect: { findings: [] } },
  { name: 'leader with one of 4 followers behind', data: data({ mntr: mntr({ zk_server_state: 'leader', zk_followers: 4, zk_synced_followers: 3 }) }), categories: ['quorum'], expect: { findings: [F('zookeeper.quorum.synced-followers', 'warning', 3)] } },
  { name: 'leader of 3 with no synced follower', data: data({ mntr: mntr({ zk_server_state: 'leader', zk_followers: 2, zk_synced_followers: 0 }) }), categories: ['quorum'], expect: { findings: [F('zookeeper.quorum.synced-followers', 'critical', 0)] } },
  { name: 'follower: no quorum finding', data: data({ mntr: mntr({ zk_followers: 2, zk_synced_followers: 0 }) }), categories: ['quorum'], expect: { findings: [] } },

  { name: 'fds at 70%: fine', data: data({ mntr: mntr({ zk_open_file_descriptor_count: 700, zk_max_file_descriptor_count: 1000 }) }), categories: ['resources'], expect: { findings: [] } },
  { name: 'fds 70.1%', data: data({ mntr: mntr({ zk_open_file_descriptor_count: 701, zk_max_file_descriptor_count: 1000 }) }), categories: ['resources'], expect: { findings: [F('zookeeper.resources.file-descriptors', 'warning', 70.1)] } },
  { name: 'fds 95%', data: data({ mntr: mntr({ zk_open_file_descriptor_count: 950, zk_max_file_descriptor_count: 1000 }) }), categories: ['resources'], expect: { findings: [F('zookeeper.resources.file-descriptors', 'critical', 95)] } },

  { name: '48 of 60 connections from one client: fine', data: data({ cons: { total: 50, byClient: { '10.0.0.5': 48, '10.0.0.6': 2 }, maxQueued: 0 } }), categories: ['connections'], expect: { findings: [] } },
  { name: '49 of 60 from one client', data: data({ cons: { total: 49, byClient: { '10.0.0.5': 49 }, maxQueued: 0 } }), categories: ['connections'], expect: { findings: [F('zookeeper.connections.per-client', 'warning')] } },
  { name: '58 of 60 from one client', data: data({ cons: { total: 58, byClient: { '10.0.0.5': 58 }, maxQueued: 0 } }), categories: ['connections'], expect: { findings: [F('zookeeper.connections.per-client', 'critical')] } },
  { name: 'maxClientCnxns from --option', data: data({ maxClientCnxns: 10, cons: { total: 9, byClient: { '10.0.0.5': 9 }, maxQueued: 0 } }), categories: ['connections'], expect: { findings: [F('zookeeper.connections.per-client', 'warning', 90)] } },
];
