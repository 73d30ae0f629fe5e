// replication: a replica's link to its primary (status, last I/O, sync), each replica's offset lag
// against the backlog as the primary sees it, and a primary without persistence feeding replicas.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import type { Finding } from '../../../src/sdk/index.js';
import { configValue, dataNodes, infoFields, infoNumber } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import type { NodeSnapshot, RedisSnapshot } from '../snapshot.js';

export const LAST_IO = defineThreshold({
  id: 'redis.replication.last-io', warning: 30, critical: 60, direction: 'above', unit: 's',
  source: 'redis.conf: the primary pings every repl-ping-replica-period (10 s); repl-timeout (60 s) drops the link (warning at 3 missed pings: ksa) https://raw.githubusercontent.com/redis/redis/7.2/redis.conf',
});
export const REPLICA_LAG = defineThreshold({
  id: 'redis.replication.lag', warning: 50, critical: 100, direction: 'above', unit: '% of backlog',
  source: 'redis replication docs: a replica further behind than repl-backlog-size needs a full resync (warning at half: ksa) https://redis.io/docs/latest/operate/oss_and_stack/management/replication/',
});

const isReplica = (n: NodeSnapshot) => n.info.role === 'slave';

const link = defineCheck<RedisSnapshot>({
  id: 'redis.replication.link',
  category: 'replication',
  run(data, ctx) {
    const nodes = dataNodes(data, ctx);
    // No node replicates or has replicas: there is no replication to judge (not a failure).
    if (nodes.length > 0 && nodes.every((n) => !isReplica(n) && (infoNumber(n, 'connected_slaves') ?? 0) === 0)) {
      ctx.notApplicable(`no replication: ${nodes.length === 1 ? `${nodes[0]!.address} is a primary` : 'every node is a primary'} without replicas (connected_slaves:0)`);
    }
    return nodes.filter(isReplica).flatMap((node): Array<Finding | null> => {
      const status = node.info.master_link_status ?? 'unknown';
      const primary = `${node.info.master_host ?? '?'}:${node.info.master_port ?? '?'}`;
      const evidence = {
        master: primary, master_link_status: status,
        master_link_down_since_seconds: infoNumber(node, 'master_link_down_since_seconds'),
        master_sync_in_progress: infoNumber(node, 'master_sync_in_progress'),
      };
      const down = status !== 'up' ? ctx.finding({
        id: 'redis.replication.link', threshold: stateRule('redis.replication.link'), severity: 'critical', node: node.address, observed: { value: status }, evidence,
        title: 'Replica link to its primary is down',
        detail: `${node.address} replicates ${primary} but master_link_status is ${status}${evidence.master_link_down_since_seconds !== undefined ? ` for ${evidence.master_link_down_since_seconds} s` : ''}: its data is going stale.`,
        suggestion: `Check that ${primary} is up and reachable from the replica, masterauth/masteruser, and the replica log for the sync error.`,
      }) : null;
      const syncing = infoNumber(node, 'master_sync_in_progress') === 1 ? ctx.finding({
        id: 'redis.replication.link.syncing', threshold: stateRule('redis.replication.link.syncing'), severity: 'warning', node: node.address, observed: { value: 'syncing' }, evidence,
        title: 'Replica full sync in progress',
        detail: `${node.address} is loading a full copy from ${primary}.`,
        suggestion: 'Wait for it to finish; repeated full syncs mean repl-backlog-size is too small or the link keeps dropping.',
      }) : null;
      return [down, syncing];
    });
  },
});

const lastIo = defineCheck<RedisSnapshot>({
  id: 'redis.replication.last-io',
  category: 'replication',
  run(data, ctx) {
    return dataNodes(data, ctx).filter((n) => isReplica(n) && n.info.master_link_status === 'up').map((node) => {
      const seconds = infoNumber(node, 'master_last_io_seconds_ago');
      if (seconds === undefined) return null;
      return ctx.judge(LAST_IO, seconds, {
        node: node.address, evidence: { master_last_io_seconds_ago: seconds, master: `${node.info.master_host}:${node.info.master_port}` },
        title: 'Replica has not heard from its primary',
        detail: `${node.address} last received data from its primary ${seconds} s ago.`,
        suggestion: 'Check the network between replica and primary and whether the primary is blocked (slow log, latency).',
      });
    });
  },
});

const lag = defineCheck<RedisSnapshot>({
  id: 'redis.replication.lag',
  category: 'replication',
  run(data, ctx) {
    return dataNodes(data, ctx).filter((n) => n.info.role === 'master').flatMap((node) => {
      const offset = infoNumber(node, 'master_repl_offset') ?? 0;
      const backlog = infoNumber(node, 'repl_backlog_size') ?? 1024 * 1024;
      const count = infoNumber(node, 'connected_slaves') ?? 0;
      return Array.from({ length: count }, (_, i) => infoFields(node, `slave${i}`)).flatMap((r): Array<Finding | null> => {
        const replica = `${r.ip ?? '?'}:${r.port ?? '?'}`;
        const lagBytes = Math.max(0, offset - Number(r.offset ?? offset));
        const evidence = { replica, state: r.state, lagBytes, repl_backlog_size: backlog, master_repl_offset: offset, replica_offset: Number(r.offset ?? 0), lagSeconds: Number(r.lag ?? 0) };
        return [
          r.state !== 'online' ? ctx.finding({
            id: 'redis.replication.lag.state', threshold: stateRule('redis.replication.lag.state'), severity: 'warning', node: node.address, observed: { value: r.state ?? 'unknown' }, evidence,
            title: 'Replica not online',
            detail: `${node.address} sees replica ${replica} in state ${r.state}.`,
            suggestion: 'A replica in wait_bgsave/send_bulk is doing a full sync; if it repeats, raise repl-backlog-size.',
          }) : null,
          ctx.judge(REPLICA_LAG, (lagBytes / backlog) * 100, {
            node: node.address, evidence,
            title: 'Replica far behind its primary',
            detail: `${node.address}: replica ${replica} is ${lagBytes} bytes behind; the backlog holds ${backlog} bytes.`,
            suggestion: 'Raise repl-backlog-size so a reconnect does not need a full resync, and check the replica\'s network and load.',
          }),
        ];
      });
    });
  },
});

const noPersistence = defineCheck<RedisSnapshot>({
  id: 'redis.replication.no-persistence',
  category: 'replication',
  run(data, ctx) {
    return dataNodes(data, ctx).filter((n) => n.info.role === 'master' && (infoNumber(n, 'connected_slaves') ?? 0) > 0).map((node) => {
      const save = configValue(node, 'save', ctx, 'primary without persistence');
      const aof = node.info.aof_enabled === '1';
      if (save === undefined || save.trim() !== '' || aof) return null;
      return ctx.finding({
        id: 'redis.replication.no-persistence', threshold: stateRule('redis.replication.no-persistence'), severity: 'warning', node: node.address,
        observed: { value: 'save "" and appendonly no' },
        evidence: { save, aof_enabled: node.info.aof_enabled, connected_slaves: infoNumber(node, 'connected_slaves') },
        title: 'Primary without persistence has replicas',
        detail: `${node.address} persists nothing but has replicas: if it restarts (e.g. auto-restart) it comes back empty and the replicas sync the empty dataset.`,
        suggestion: 'Enable RDB or AOF on the primary, or make sure it cannot restart automatically (redis docs: safety of replication when the master has persistence off).',
      });
    });
  },
});

export const replicationChecks = [link, lastIo, lag, noPersistence];
