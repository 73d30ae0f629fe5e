// Offline analysis needs no driver: importing the built Kafka plugin and analysing a recorded
// snapshot must not load kafkajs (issue 14: "checks import no driver code, so offline `ksa analyze`
// does not load the driver"). Run in a fresh node process, whose module cache tells the truth.
// Needs `npm run build` (it imports dist/, as the plugin host does).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/services.js';

const probe = `
const plugin = (await import(${JSON.stringify(join(repoRoot, 'dist/plugins/kafka/index.js'))})).default;
const { analyzeSnapshot } = await import(${JSON.stringify(join(repoRoot, 'dist/src/sdk/index.js'))});
const { readFileSync } = await import('node:fs');
const snapshot = JSON.parse(readFileSync(${JSON.stringify(join(repoRoot, 'test/fixtures/kafka/snapshot-mock-cluster.json'))}, 'utf8'));
const result = analyzeSnapshot(plugin.parts, snapshot, { thresholds: {} });
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url)('module')._cache;
console.log(JSON.stringify({ categories: result.categories.length, kafkajs: Object.keys(cache).filter((k) => k.includes('/kafkajs/')).length }));
`;

describe('offline analysis loads no driver', () => {
  it('kafka: import + analyze of a recorded snapshot leaves kafkajs unloaded', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { categories: number; kafkajs: number };
    expect(out.categories).toBeGreaterThan(0);
    expect(out.kafkajs).toBe(0);
  });
});
