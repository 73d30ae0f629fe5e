// Baselines and snapshot files as CI uses them (issue 12 items 5 and 6), against the real Redis of
// scripts/services.sh: --write-baseline with --target/--category merges instead of wiping other
// entries, `ksa analyze --baseline` gates like a live run, the snapshot file validates against
// `ksa schema snapshot` (checked with Ajv, not with our own zod schema), and an unreachable
// target is recorded in it so `ksa analyze` gives the live exit code. Needs `npm run build`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-baseline-'));
const ksa = (args: readonly string[]) => spawnKsa(['--no-color', ...args], { KSA_GATE_REDIS_PW: process.env.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_(?!GATE_)|REDISCLI_AUTH$)/);
const entries = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { findings: Array<{ target: string; id: string }> }).findings.map((f) => `${f.target}:${f.id}`).sort();

// `warn` has one warning (replication: no persistence with a replica); `crit` one critical
// (connection usage against thresholds of 0), also a warning in replication.
function config(name: string, unreachable = false): string {
  const redis = `endpoints: [${process.env.KSA_REDIS_PRIMARY}], auth: { passwordEnv: KSA_GATE_REDIS_PW }`;
  // The unreachable target sits between the others, so a report that lists it last is caught.
  const lines = ['defaults: { timeout: 5s }', 'targets:',
    `  - { name: warn, type: redis, ${redis}, categories: [replication] }`,
    ...(unreachable ? ['  - { name: gone, type: redis, endpoints: [127.0.0.1:1] }'] : []),
    `  - { name: crit, type: redis, ${redis}, categories: [connection, replication], thresholds: { redis.connection.usage: { warning: 0, critical: 0 } } }`];
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('--write-baseline merges', () => {
  it('with --target: the other targets keep their entries (before: they were wiped)', async () => {
    const file = config('merge-target.yaml');
    const base = join(dir, 'merge-target.json');
    expect((await ksa(['diagnose', '--config', file, '--json', '--write-baseline', base])).code).toBe(2);
    const all = entries(base);
    expect(all).toEqual(['crit:redis.connection.usage', 'crit:redis.replication.no-persistence', 'warn:redis.replication.no-persistence']);
    expect((await ksa(['diagnose', '--config', file, '--target', 'warn', '--json', '--write-baseline', base])).code).toBe(1);
    expect(entries(base)).toEqual(all);
    // ... and the merged file still gates the whole fleet to OK.
    const gated = await ksa(['diagnose', '--config', file, '--json', '--baseline', base]);
    expect(gated.code).toBe(0);
  });

  it('with --category: entries of the other categories stay', async () => {
    const file = config('merge-category.yaml');
    const base = join(dir, 'merge-category.json');
    await ksa(['diagnose', '--config', file, '--json', '--write-baseline', base]);
    await ksa(['diagnose', 'redis', process.env.KSA_REDIS_PRIMARY!, '--name', 'crit', '--password-env', 'KSA_GATE_REDIS_PW', '--category', 'memory', '--json', '--write-baseline', base]);
    expect(entries(base)).toContain('crit:redis.connection.usage');
    expect(entries(base)).toContain('crit:redis.replication.no-persistence');
  });

  it('an unreachable target keeps its entries (nothing was looked at)', async () => {
    const base = join(dir, 'keep-unknown.json');
    writeFileSync(base, JSON.stringify({ schemaVersion: 1, createdAt: new Date(0).toISOString(), findings: [{ target: 'gone', id: 'redis.replication.link', severity: 'critical' }] }));
    await ksa(['diagnose', '--config', config('keep-unknown.yaml', true), '--json', '--write-baseline', base]);
    expect(entries(base)).toContain('gone:redis.replication.link');
  });
});

describe('snapshot files', () => {
  const file = config('snap.yaml', true);
  const snap = join(dir, 'snap.json');

  it('`ksa schema snapshot` validates the file --save-snapshot writes (Ajv, JSON Schema 2020-12)', async () => {
    const live = await ksa(['diagnose', '--config', file, '--json', '--save-snapshot', snap]);
    expect(live.code).toBe(2);
    const schema = JSON.parse((await ksa(['schema', 'snapshot'])).stdout) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const content = JSON.parse(readFileSync(snap, 'utf8')) as { failures: Array<{ target: { name: string }; error: { code: string } }> };
    expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
    // The unreachable target is recorded with its error (before: it vanished from the file).
    expect(content.failures.map((f) => [f.target.name, f.error.code])).toEqual([['gone', 'KSA_ERR_CONNECT']]);
    // A file of another shape is refused by the same schema.
    expect(validate({ schemaVersion: 1, kind: 'ksa-snapshots', snapshots: [{ plugin: 1 }] })).toBe(false);
  });

  it('`ksa analyze` reproduces the live verdict, unreachable target included', async () => {
    const live = ReportSchema.parse(JSON.parse((await ksa(['diagnose', '--config', file, '--json'])).stdout));
    const offline = await ksa(['analyze', snap, '--config', file, '--json']);
    const report = ReportSchema.parse(JSON.parse(offline.stdout));
    expect(offline.code).toBe(live.exitCode);
    // Same targets, same statuses, same order as ksa.yaml.
    expect(report.results.map((r) => [r.target.name, r.status])).toEqual(live.results.map((r) => [r.target.name, r.status]));
    expect(report.results.find((r) => r.target.name === 'gone')!.errors[0]!.code).toBe('KSA_ERR_CONNECT');
  });

  it('`ksa analyze --baseline` gates like a live run (before: unknown option, exit 3)', async () => {
    const base = join(dir, 'analyze-baseline.json');
    const onlyReachable = config('analyze-baseline.yaml');
    const snapOk = join(dir, 'snap-ok.json');
    await ksa(['diagnose', '--config', onlyReachable, '--json', '--save-snapshot', snapOk, '--write-baseline', base]);
    const r = await ksa(['analyze', snapOk, '--config', onlyReachable, '--json', '--baseline', base]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ status: 'healthy', rawStatus: 'critical', baseline: { suppressed: 3, new: 0 } });
    // analyze can also write a baseline from a snapshot.
    const fromSnap = join(dir, 'from-snap.json');
    expect((await ksa(['analyze', snapOk, '--config', onlyReachable, '--json', '--write-baseline', fromSnap])).code).toBe(2);
    expect(entries(fromSnap)).toEqual(entries(base));
  });
});
