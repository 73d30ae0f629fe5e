// Every default threshold once, with where it comes from. Comparisons are strict (equal is fine).
import { defineThreshold } from '@kubestack/ksa/sdk';

export const OUTSTANDING = defineThreshold({
  id: 'zookeeper.requests.outstanding', warning: 10, critical: 100, direction: 'above', unit: 'requests',
  source: 'ZooKeeper Administrator\'s Guide (outstanding requests queue when the server is overloaded); common zk_outstanding_requests alert > 10 https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_zkCommands',
});

export const LATENCY_AVG = defineThreshold({
  id: 'zookeeper.requests.latency', warning: 10, critical: 100, direction: 'above', unit: 'ms',
  source: 'zookeeper-mixin ZK_AVERAGE_LATENCY_IS_TOO_HIGH (avg_latency > 100) as critical; 10 ms warning (ksa default) https://zookeeper.apache.org/doc/current/zookeeperMonitor.html#Prometheus',
});

export const LATENCY_MAX = defineThreshold({
  id: 'zookeeper.requests.latency.max', warning: 1000, critical: null, direction: 'above', unit: 'ms',
  source: 'common zk_max_latency alert > 1000 ms https://zookeeper.apache.org/doc/current/zookeeperMonitor.html#Prometheus',
});

export const ZNODES = defineThreshold({
  id: 'zookeeper.data.znodes', warning: 1_000_000, critical: null, direction: 'above', unit: 'znodes',
  source: 'ZooKeeper Monitor Guide sample rules / zookeeper-mixin ZK_CREATE_TOO_MANY_ZNODES (znode_count > 1000000) https://zookeeper.apache.org/doc/current/zookeeperMonitor.html#Prometheus',
});

export const WATCHES = defineThreshold({
  id: 'zookeeper.data.watches', warning: 10_000, critical: null, direction: 'above', unit: 'watches',
  source: 'ZooKeeper Monitor Guide sample rules CREATE_TOO_MANY_WATCHES (watch_count > 10000) https://zookeeper.apache.org/doc/current/zookeeperMonitor.html#Prometheus',
});

export const FILE_DESCRIPTORS = defineThreshold({
  id: 'zookeeper.resources.file-descriptors', warning: 70, critical: 90, direction: 'above', unit: '%',
  source: 'Prometheus node-mixin NodeFileDescriptorLimit (> 70% warning, > 90% critical) https://github.com/prometheus/node_exporter/blob/master/docs/node-mixin/alerts/alerts.libsonnet',
});

export const PER_CLIENT = defineThreshold({
  id: 'zookeeper.connections.per-client', warning: 80, critical: 95, direction: 'above', unit: '% of maxClientCnxns',
  source: 'ZooKeeper Administrator\'s Guide: maxClientCnxns (default 60) per client IP, further connections are refused; ksa alerts at 80%/95% https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_advancedConfiguration',
});
