// The public contract kit on the Redis plugin, as for mysql and postgres: manifest vs code, the
// guard in the path, ctx.signal honoured, and snapshots recorded from real servers as cases.
// Coverage is off: the 37 checks each have their own cases in checks.test.ts (built from the same
// recorded snapshot); here the recordings must give exactly what a real server gave.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { testPlugin, type CheckCase } from '../../../src/testing/index.js';
import { recordedSnapshot } from '../../support/recorded-snapshot.js';
import redis from '../../../plugins/redis/index.js';

const recorded = (name: string) => recordedSnapshot(`redis/${name}`);

const cases: CheckCase[] = [
  {
    name: 'Redis 7 standalone, recorded: healthy (default user open to dangerous commands is info)',
    ...recorded('standalone-healthy'),
    expect: {
      status: 'healthy',
      findings: [{ id: 'redis.performance.commandstats', severity: 'info' }, { id: 'redis.security.dangerous-commands', severity: 'info' }],
    },
  },
  {
    name: 'Redis primary with a connected replica, recorded from the test services: no persistence on a replicated primary',
    ...recorded('primary-with-replica'),
    categories: ['memory', 'connection', 'replication', 'persistence', 'performance', 'security'],
    expect: {
      status: 'warning',
      findings: [
        { id: 'redis.replication.no-persistence', severity: 'warning' },
        { id: 'redis.memory.usage.no-limit', severity: 'info' },
        { id: 'redis.persistence.disabled', severity: 'info' },
        { id: 'redis.performance.latency.disabled', severity: 'info' },
        { id: 'redis.performance.commandstats', severity: 'info' },
        { id: 'redis.security.dangerous-commands', severity: 'info' },
      ],
    },
  },
];

testPlugin({
  module: redis,
  manifestPath: fileURLToPath(new URL('../../../manifests/redis-diagnostics.yaml', import.meta.url)),
  cases,
  coverage: false,
}, { describe, it });
