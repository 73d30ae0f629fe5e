// Sentinel (3 Sentinels, a primary and a replica) and Cluster (3 masters) against real processes
// started here: healthy first, then with the primary / one node killed.
import { afterAll, describe, expect, it } from 'vitest';
import redisPlugin from '../../../plugins/redis/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import type { DiagnosticResult, Finding, MiddlewareTargetInput } from '../../../src/core/types.js';
import { startCluster, startRedis, startSentinels, type RedisProcess } from './redis-servers.js';
import { waitFor } from '../../support/wait-for.js';

const servers: RedisProcess[] = [];
afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); });

const run = async (t: Partial<MiddlewareTargetInput> & { endpoints: string[] }, categories: string[] = []): Promise<DiagnosticResult> =>
  (await runPlugin(redisPlugin, 'redis-diagnostics', { type: 'redis', name: 'topology', ...t }, { categories })).result;
const find = (r: DiagnosticResult, id: string): Finding[] => r.findings.filter((f) => f.id === id);
const problems = (r: DiagnosticResult) => r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.id} ${f.severity} ${f.node ?? ''}: ${f.detail}`);
const HEALTHY_ARGS = ['--maxmemory', '64mb', '--latency-monitor-threshold', '100', '--save', '3600 1'];
const PASSWORD = 'topo-pw-1234';

describe('redis-diagnostics, Sentinel', () => {
  it('diagnoses 3 Sentinels, a primary and a replica as healthy, then the primary down (s_down/o_down)', async () => {
    // requirepass on the data nodes only; Sentinels without a password (the password is then noted as unneeded there).
    const primary = await startRedis({ password: PASSWORD, args: [...HEALTHY_ARGS, '--masterauth', PASSWORD] });
    // replica-priority 0: Sentinel never promotes it, so the primary stays down for the assertion.
    const replica = await startRedis({ password: PASSWORD, args: [...HEALTHY_ARGS, '--masterauth', PASSWORD, '--replicaof', '127.0.0.1', String(primary.port), '--replica-priority', '0'] });
    servers.push(primary, replica);
    await waitFor('replica linked', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')));
    // The initial PSYNC forks a BGSAVE; on a loaded machine that alone can exceed 10 ms and land in
    // the slow log (a real stall, correctly reported): start the healthy check from a clean log.
    for (const n of [primary, replica]) n.cli('SLOWLOG', 'RESET');
    const sentinels = await startSentinels(primary, 'mymaster');
    servers.push(...sentinels);
    for (const s of sentinels) s.cli('SENTINEL', 'SET', 'mymaster', 'auth-pass', PASSWORD);
    await waitFor('sentinels to know each other and the replica', () => sentinels.every((s) => {
      const m = s.cli('SENTINEL', 'MASTER', 'mymaster');
      return /num-other-sentinels\n2/.test(m) && /num-slaves\n1/.test(m);
    }), 20_000);

    const target = { endpoints: [sentinels[0]!.endpoint], auth: { password: PASSWORD }, options: { sentinel: sentinels.map((s) => s.endpoint), masterName: 'mymaster' } };
    const healthy = await run(target);
    expect(problems(healthy)).toEqual([]);
    expect(healthy.status).toBe('healthy');
    const cats = Object.fromEntries(healthy.categories.map((c) => [c.name, c]));
    expect(cats.sentinel).toMatchObject({ status: 'healthy' });
    expect(cats.sentinel?.skipped).toBeUndefined();
    expect(cats.cluster?.skipped).toContain('Sentinel deployment');
    expect(healthy.metrics).toMatchObject({ mode: 'sentinel', nodes: 2, nodes_reachable: 2, sentinels_reachable: 3 });

    await primary.stop();
    await waitFor('o_down on every sentinel', () => sentinels.every((s) => /o_down/.test(s.cli('SENTINEL', 'MASTER', 'mymaster'))), 20_000);
    const down = await run(target);
    expect(down.status).toBe('critical');
    expect(find(down, 'redis.sentinel.master')[0]).toMatchObject({ severity: 'critical', observed: { value: 'o_down' }, node: primary.endpoint });
    expect(find(down, 'redis.connection.unreachable')[0]).toMatchObject({ severity: 'critical', node: primary.endpoint });
    expect(find(down, 'redis.replication.link')[0]).toMatchObject({ severity: 'critical', node: replica.endpoint });

    // Sentinel mode detected from the endpoint alone (a Sentinel answers redis_mode:sentinel).
    const detected = await run({ endpoints: [sentinels[1]!.endpoint], auth: { password: PASSWORD } }, ['sentinel']);
    expect(find(detected, 'redis.sentinel.master')[0]).toMatchObject({ severity: 'critical' });
  }, 60_000);

  it('reports an unknown master name as critical and an unreachable Sentinel as a warning', async () => {
    const primary = await startRedis();
    servers.push(primary);
    const [sentinel] = await startSentinels(primary, 'other', 1);
    servers.push(sentinel!);
    const r = await run({ endpoints: [sentinel!.endpoint], options: { sentinel: [sentinel!.endpoint, '127.0.0.1:1'], masterName: 'mymaster' } }, ['sentinel']);
    expect(find(r, 'redis.sentinel.unreachable.unknown-master')[0]).toMatchObject({ severity: 'critical', node: sentinel!.endpoint });
    expect(find(r, 'redis.sentinel.unreachable')[0]).toMatchObject({ severity: 'warning', node: '127.0.0.1:1' });
  });
});

describe('redis-diagnostics, Cluster', () => {
  it('discovers 3 masters from one seed, healthy, then flags the killed node (fail, slots failing)', async () => {
    const nodes = await startCluster(3);
    servers.push(...nodes);
    const healthy = await run({ endpoints: [nodes[0]!.endpoint] }, ['cluster', 'memory', 'replication']);
    expect(problems(healthy)).toEqual([]);
    expect(healthy.metrics).toMatchObject({ mode: 'cluster', nodes: 3, nodes_reachable: 3 });
    expect(find(healthy, 'redis.cluster.replicas')[0]).toMatchObject({ severity: 'info', observed: { value: 3 } });
    expect(healthy.categories.find((c) => c.name === 'cluster')).toMatchObject({ status: 'healthy' });

    const victim = nodes[2]!;
    await victim.stop();
    await waitFor('the others to flag it fail', () => nodes.slice(0, 2).every((n) => /cluster_state:fail/.test(n.cli('CLUSTER', 'INFO'))), 20_000);
    const r = await run({ endpoints: [nodes[0]!.endpoint] }, ['cluster', 'connection']);
    expect(r.status).toBe('critical');
    expect(find(r, 'redis.cluster.nodes')[0]).toMatchObject({ severity: 'critical', node: victim.endpoint, observed: { value: 'fail' } });
    expect(find(r, 'redis.cluster.slots.fail')[0]).toMatchObject({ severity: 'critical' });
    expect((find(r, 'redis.cluster.slots.fail')[0]!.observed!.value as number)).toBeGreaterThan(5000);
    expect(find(r, 'redis.cluster.state').map((f) => f.node).sort()).toEqual([nodes[0]!.endpoint, nodes[1]!.endpoint].sort());
    expect(find(r, 'redis.connection.unreachable')[0]).toMatchObject({ severity: 'critical', node: victim.endpoint });
  }, 60_000);
});
