// The manifest and the code agree: categories, every check id, every operation collect can send.
import { describe, expect, it } from 'vitest';
import redisPlugin, { REDIS_CATEGORIES } from '../../../plugins/redis/index.js';
import { CONFIG_KEYS, DANGEROUS_COMMANDS } from '../../../plugins/redis/collect.js';
import { operationOf } from '../../../plugins/redis/connect.js';
import { loadBuiltinManifest } from '../../support/plugin-harness.js';

const manifest = loadBuiltinManifest('redis-diagnostics');

describe('manifests/redis-diagnostics.yaml', () => {
  it('validates and matches the plugin definition', () => {
    expect(manifest).toMatchObject({ id: 'redis-diagnostics', version: redisPlugin.parts.info.version, middleware: 'redis', defaultPort: 6379, entry: './plugins/redis/index.js', apiVersion: redisPlugin.apiVersion });
    expect(manifest.categories).toEqual([...REDIS_CATEGORIES]);
    expect(manifest.checks).toEqual(redisPlugin.parts.checks.map((c) => c.id));
    expect(manifest.actions).toEqual([expect.objectContaining({ name: 'slowlog-reset', mutating: true })]);
    expect(Object.keys(redisPlugin.parts.actions ?? {})).toEqual(['slowlog-reset']);
  });

  it('declares every operation the plugin sends, and no write other than the action\'s', () => {
    const sent = [
      ['AUTH'], ['CLIENT', 'SETNAME', 'ksa'], ['INFO', 'all'], ...CONFIG_KEYS.map((k) => ['CONFIG', 'GET', k]), ['SLOWLOG', 'GET', '32'], ['SLOWLOG', 'LEN'], ['LATENCY', 'LATEST'],
      ['CLIENT', 'LIST'], ['CLUSTER', 'INFO'], ['CLUSTER', 'NODES'], ['ACL', 'GETUSER', 'default'], ['COMMAND', 'INFO', 'FLUSHALL'],
      ...Object.values(DANGEROUS_COMMANDS).map((a) => ['ACL', 'DRYRUN', 'default', ...a]),
      ['SENTINEL', 'MASTER', 'm'], ['SENTINEL', 'MASTERS'], ['SENTINEL', 'REPLICAS', 'm'], ['SENTINEL', 'SENTINELS', 'm'], ['SENTINEL', 'CKQUORUM', 'm'],
      ['SLOWLOG', 'RESET'],
    ].map(operationOf);
    expect([...new Set(sent)].sort()).toEqual([...manifest.operations].sort());
  });

  it('never asks CONFIG GET for a secret', () => {
    expect(CONFIG_KEYS).not.toContain('requirepass');
    expect(CONFIG_KEYS).not.toContain('masterauth');
    expect(CONFIG_KEYS.some((k) => k.includes('*'))).toBe(false);
  });
});
