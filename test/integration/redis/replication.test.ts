// Replication scenarios on real primary/replica pairs started here: a primary without persistence
// feeding a replica, then the replica's link broken by stopping the primary.
import { afterAll, describe, expect, it } from 'vitest';
import redisPlugin from '../../../plugins/redis/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import type { DiagnosticResult, Finding } from '../../../src/core/types.js';
import { startRedis, type RedisProcess } from './redis-servers.js';
import { waitFor } from '../../support/wait-for.js';

const servers: RedisProcess[] = [];
afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); });

const diagnose = async (endpoints: string[], categories: string[] = ['replication']): Promise<DiagnosticResult> =>
  (await runPlugin(redisPlugin, 'redis-diagnostics', { type: 'redis', name: 'repl', endpoints }, { categories })).result;
const find = (r: DiagnosticResult, id: string, node?: string): Finding | undefined => r.findings.find((f) => f.id === id && (!node || f.node === node));

describe('redis-diagnostics, replication', () => {
  it('flags a primary without persistence that has replicas, then a replica whose primary stopped', async () => {
    const primary = await startRedis();
    const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', '0'] });
    servers.push(primary, replica);
    replica.cli('REPLICAOF', '127.0.0.1', String(primary.port));
    await waitFor('master_link_status:up', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')));
    primary.cli('SET', 'k', 'v');

    const linked = await diagnose([primary.endpoint, replica.endpoint]);
    expect(find(linked, 'redis.replication.no-persistence', primary.endpoint)).toMatchObject({ severity: 'warning', evidence: { connected_slaves: 1 } });
    expect(find(linked, 'redis.replication.link')).toBeUndefined();
    expect(find(linked, 'redis.replication.lag')).toBeUndefined();
    expect(linked.metrics).toMatchObject({ nodes: 2, nodes_reachable: 2, connected_replicas: 1 });

    await primary.stop();
    await waitFor('master_link_status:down', () => /master_link_status:down/.test(replica.cli('INFO', 'replication')));
    const broken = await diagnose([replica.endpoint]);
    const f = find(broken, 'redis.replication.link', replica.endpoint);
    expect(f).toMatchObject({ severity: 'critical', observed: { value: 'down' }, evidence: { master: primary.endpoint, master_link_status: 'down' } });
    expect(broken.status).toBe('critical');

    // Both endpoints: the stopped primary is an unreachable node, the replica still diagnosed.
    const both = await diagnose([primary.endpoint, replica.endpoint], ['connection', 'replication']);
    expect(find(both, 'redis.connection.unreachable', primary.endpoint)).toMatchObject({ severity: 'critical' });
    expect(find(both, 'redis.replication.link', replica.endpoint)).toMatchObject({ severity: 'critical' });
  });
});
