// The manifest and the code agree: categories, every check id, every operation collect can send.
import { describe, expect, it } from 'vitest';
import redisPlugin, { REDIS_CATEGORIES } from '../../../plugins/redis/index.js';
import { CONFIG_KEYS, DANGEROUS_COMMANDS } from '../../../plugins/redis/collect.js';
import { createOperationGuard } from '../../../src/sdk/index.js';
import { operationsInScope } from '../../../src/core/operation-entries.js';
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

  it('declares every command the plugin sends (whole, * for arguments), and no write other than the action\'s', () => {
    const sent = [
      ['AUTH', 'pw'], ['AUTH', 'user', 'pw'], ['CLIENT', 'SETNAME', 'ksa'], ['INFO', 'all'], ...CONFIG_KEYS.map((k) => ['CONFIG', 'GET', k]), ['CONFIG', 'GET', ...CONFIG_KEYS], ['SLOWLOG', 'GET', '32'], ['SLOWLOG', 'LEN'], ['LATENCY', 'LATEST'],
      ['CLIENT', 'LIST'], ['CLUSTER', 'INFO'], ['CLUSTER', 'NODES'], ['ACL', 'GETUSER', 'default'], ['COMMAND', 'INFO', ...Object.keys(DANGEROUS_COMMANDS)],
      ...Object.values(DANGEROUS_COMMANDS).map((a) => ['ACL', 'DRYRUN', 'default', ...a]),
      ['SENTINEL', 'MASTER', 'm'], ['SENTINEL', 'MASTERS'], ['SENTINEL', 'REPLICAS', 'm'], ['SENTINEL', 'SENTINELS', 'm'], ['SENTINEL', 'CKQUORUM', 'm'],
    ];
    const diagnosis = createOperationGuard(manifest.id, operationsInScope(manifest));
    expect(sent.filter((args) => !diagnosis.allows(args))).toEqual([]);
    // Every entry is used: the manifest declares nothing the code never sends.
    expect(manifest.operations.filter((e) => !sent.some((args) => createOperationGuard(manifest.id, [e]).allows(args)))).toEqual([]);
    // Writes: refused in a diagnosis, admitted only in the call of the action that declares them.
    for (const write of [['SLOWLOG', 'RESET'], ['CONFIG', 'SET', 'maxmemory', '0'], ['FLUSHALL'], ['CLIENT', 'KILL', 'ID', '5']]) expect(diagnosis.allows(write)).toBe(false);
    expect(createOperationGuard(manifest.id, operationsInScope(manifest, 'slowlog-reset')).allows(['SLOWLOG', 'RESET'])).toBe(true);
  });

  it('never asks CONFIG GET for a secret', () => {
    expect(CONFIG_KEYS).not.toContain('requirepass');
    expect(CONFIG_KEYS).not.toContain('masterauth');
    expect(CONFIG_KEYS.some((k) => k.includes('*'))).toBe(false);
  });
});
