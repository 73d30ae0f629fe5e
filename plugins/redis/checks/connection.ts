// connection: unreachable nodes, clients vs maxclients, rejected connections, blocked and idle
// clients, client distribution by source and name, clients with large output buffers.
import { defineCheck, defineThreshold, roundToHundredths } from '../../../src/sdk/index.js';
import type { Finding } from '../../../src/sdk/index.js';
import { configValue, dataNodes, infoNumber, MB, skipOnce } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import type { ClientEntry, RedisSnapshot } from '../snapshot.js';

export const CLIENT_USAGE = defineThreshold({
  id: 'redis.connection.usage', warning: 90, critical: 95, direction: 'above', unit: '%',
  source: 'awesome-prometheus-alerts redis RedisTooManyConnections: connected_clients/maxclients > 90% (critical 95%: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-12',
});
export const REJECTED = defineThreshold({
  id: 'redis.connection.rejected', warning: 0, critical: null, direction: 'above', unit: 'connections',
  source: 'awesome-prometheus-alerts redis RedisRejectedConnections (any rejected connection; one sample gives the count since restart) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-14',
});
export const OUTPUT_BUFFER = defineThreshold({
  id: 'redis.connection.output-buffers', warning: 8 * MB, critical: 32 * MB, direction: 'above', unit: 'bytes',
  source: 'redis.conf client-output-buffer-limit pubsub 32mb 8mb 60 (soft limit: warning, hard limit: critical) https://redis.io/docs/latest/develop/reference/clients/',
});
/** RedisInsight recommends reviewing connections above 100 clients. */
export const MANY_CLIENTS = 100;
/** A client idle for an hour is most likely leaked by a pool. */
export const IDLE_SECONDS = 3600;

const unreachable = defineCheck<RedisSnapshot>({
  id: 'redis.connection.unreachable',
  category: 'connection',
  run(data, ctx) {
    return data.nodes.filter((n) => !n.reachable).map((node) => ctx.finding({
      id: 'redis.connection.unreachable', threshold: stateRule('redis.connection.unreachable'), severity: 'critical', node: node.address,
      observed: { value: 'unreachable' }, evidence: { error: node.error ?? 'unknown' },
      title: 'Node unreachable',
      detail: `${node.address} could not be read: ${node.error ?? 'unknown error'}.`,
      suggestion: 'Check that redis-server runs on that host and port, the network path and the firewall; in a cluster or Sentinel setup it is also flagged there.',
    }));
  },
});

const usage = defineCheck<RedisSnapshot>({
  id: 'redis.connection.usage',
  category: 'connection',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const connected = infoNumber(node, 'connected_clients') ?? 0;
      // INFO carries maxclients since Redis 7; older servers need CONFIG GET.
      const max = infoNumber(node, 'maxclients') ?? Number(configValue(node, 'maxclients', ctx, 'clients vs maxclients') ?? NaN);
      if (!(max > 0)) return null;
      return ctx.judge(CLIENT_USAGE, (connected / max) * 100, {
        node: node.address, evidence: { connected_clients: connected, maxclients: max },
        title: 'Clients close to maxclients',
        detail: `${node.address} has ${connected} of ${max} client connections.`,
        suggestion: 'Find who holds the connections (CLIENT LIST by addr and name), fix pool sizes or leaks, or raise maxclients (and the file descriptor limit).',
      });
    });
  },
});

const rejected = defineCheck<RedisSnapshot>({
  id: 'redis.connection.rejected',
  category: 'connection',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const count = infoNumber(node, 'rejected_connections') ?? 0;
      const uptimeMin = Math.max(1, (infoNumber(node, 'uptime_in_seconds') ?? 60) / 60);
      return ctx.judge(REJECTED, count, {
        node: node.address,
        evidence: { rejected_connections: count, uptime_in_seconds: infoNumber(node, 'uptime_in_seconds'), per_minute_since_start: roundToHundredths(count / uptimeMin), maxclients: infoNumber(node, 'maxclients') },
        title: 'Connections rejected',
        detail: `${node.address} rejected ${count} connections since restart (maxclients reached).`,
        suggestion: 'Clients were refused: raise maxclients (and ulimit -n) or reduce connections per client (pool sizes, leaked connections).',
      });
    });
  },
});

const blocked = defineCheck<RedisSnapshot>({
  id: 'redis.connection.blocked',
  category: 'connection',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const count = infoNumber(node, 'blocked_clients') ?? 0;
      if (count === 0) return null;
      return ctx.finding({
        id: 'redis.connection.blocked', threshold: stateRule('redis.connection.blocked'), severity: 'info', node: node.address,
        observed: { value: count, unit: 'clients' }, evidence: { blocked_clients: count, connected_clients: infoNumber(node, 'connected_clients') },
        title: 'Clients blocked',
        detail: `${node.address} has ${count} clients waiting in a blocking command (BLPOP, XREAD BLOCK, WAIT...).`,
        suggestion: 'Normal for queue workers; if unexpected, look for consumers waiting on keys nobody writes.',
      });
    });
  },
});

/** Normal clients only: replicas, masters and pub/sub subscribers are long-lived and idle by design. */
function normalClients(clients: ClientEntry[]): ClientEntry[] {
  return clients.filter((c) => !/[SMP]/.test(c.flags));
}

function topBy(clients: ClientEntry[], key: (c: ClientEntry) => string): Array<{ value: string; clients: number }> {
  const counts = new Map<string, number>();
  for (const c of clients) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([value, n]) => ({ value, clients: n }));
}

const clientList = (data: RedisSnapshot, ctx: Parameters<typeof skipOnce>[0]) => dataNodes(data, ctx).filter((node) => {
  if (node.clients === null) skipOnce(ctx, `${node.address}: CLIENT LIST refused (${node.refused['CLIENT LIST'] ?? 'not collected'}): idle, distribution and buffer checks not run; allow +client|list`);
  return node.clients !== null;
});

const idle = defineCheck<RedisSnapshot>({
  id: 'redis.connection.idle',
  category: 'connection',
  run(data, ctx) {
    return clientList(data, ctx).map((node) => {
      const idleClients = normalClients(node.clients!).filter((c) => c.idleSec > IDLE_SECONDS);
      if (idleClients.length === 0) return null;
      return ctx.finding({
        id: 'redis.connection.idle', threshold: stateRule('redis.connection.idle'), severity: 'info', node: node.address,
        observed: { value: idleClients.length, unit: 'clients' },
        evidence: { idleOverSeconds: IDLE_SECONDS, bySource: topBy(idleClients, (c) => c.host), byName: topBy(idleClients, (c) => c.name || '(no name)'), timeout: node.config?.timeout },
        title: 'Long-idle clients',
        detail: `${node.address} has ${idleClients.length} clients idle for more than an hour.`,
        suggestion: 'Usually leaked or oversized pools: fix the pool settings, or set timeout (seconds) so Redis closes idle clients.',
      });
    });
  },
});

const distribution = defineCheck<RedisSnapshot>({
  id: 'redis.connection.distribution',
  category: 'connection',
  run(data, ctx) {
    return clientList(data, ctx).map((node) => {
      const clients = normalClients(node.clients!);
      if (clients.length <= MANY_CLIENTS) return null;
      return ctx.finding({
        id: 'redis.connection.distribution', threshold: stateRule('redis.connection.distribution'), severity: 'info', node: node.address,
        observed: { value: clients.length, unit: 'clients' },
        evidence: { bySource: topBy(clients, (c) => c.host), byName: topBy(clients, (c) => c.name || '(no name)') },
        title: 'Many clients: who holds them',
        detail: `${node.address} has ${clients.length} client connections (RedisInsight reviews more than ${MANY_CLIENTS}).`,
        suggestion: 'Check the top sources and names in the evidence; name connections (CLIENT SETNAME) so they can be traced.',
      });
    });
  },
});

const outputBuffers = defineCheck<RedisSnapshot>({
  id: 'redis.connection.output-buffers',
  category: 'connection',
  run(data, ctx) {
    return clientList(data, ctx).map((node): Finding | null => {
      const sorted = [...node.clients!].sort((a, b) => b.omem - a.omem);
      const worst = sorted[0];
      if (!worst) return null;
      return ctx.judge(OUTPUT_BUFFER, worst.omem, {
        node: node.address,
        evidence: { clients: sorted.slice(0, 5).filter((c) => c.omem > 0).map((c) => ({ host: c.host, name: c.name, flags: c.flags, cmd: c.cmd, omem: c.omem })) },
        title: 'Client with a large output buffer',
        detail: `${node.address}: a client (${worst.host}, ${worst.name || 'no name'}, last command ${worst.cmd}) has ${(worst.omem / MB).toFixed(1)} MB of unread replies.`,
        suggestion: 'A slow consumer (pub/sub subscriber, MONITOR, huge replies): fix the consumer, or set client-output-buffer-limit so Redis disconnects it.',
      });
    });
  },
});

export const connectionChecks = [unreachable, usage, rejected, blocked, idle, distribution, outputBuffers];
