// The audit log of a real `ksa watch` run: <state dir>/audit.log holds the run's transitions as
// JSON lines valid against `ksa schema events` (checked with Ajv), each with its timestamp and
// target; later runs append (the file is append-only), the state dir remembering what fires.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';

import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(repoRoot, 'test/fixtures/plugins/fixture');

describe('ksa watch audit log', () => {
  it('records every transition of a run as schema-valid JSON lines, appending across runs', async () => {
    const config = join(dir, 'ksa.yaml');
    writeFileSync(config, [
      'defaults:', '  timeout: 5s', 'targets:',
      '  - name: calm', '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', '    options: { behavior: healthy }',
      '  - name: hot', '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', '    options: { behavior: warning }',
      'plugins:', `  discovery: { packages: ["${fixture}"] }`, '',
    ].join('\n'));
    const state = join(dir, 'state');
    const first = await spawnKsa(['watch', '--once', '--config', config, '--state-dir', state], {}, /^KSA_/);
    expect(first.code, first.stderr).toBe(1);
    const schema = JSON.parse((await spawnKsa(['schema', 'events'], {}, /^KSA_/)).stdout) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const read = () => readFileSync(join(state, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const lines = read();
    for (const l of lines) expect(validate(l), JSON.stringify(validate.errors)).toBe(true);
    const what = (l: Record<string, unknown>) => `${l.kind} ${l.target} ${l.from}->${l.to}`;
    expect(lines.map(what)).toEqual(['finding hot ok->firing']);
    expect(lines.every((l) => typeof l.at === 'string')).toBe(true);

    // The same again: the state dir remembers it is firing, nothing is appended.
    expect((await spawnKsa(['watch', '--once', '--config', config, '--state-dir', state], {}, /^KSA_/)).code).toBe(1);
    expect(read()).toEqual(lines);

    // Fixed: the resolve is appended after the earlier lines, its seq next.
    writeFileSync(config, readFileSync(config, 'utf8').replace('behavior: warning', 'behavior: healthy'));
    const fixed = await spawnKsa(['watch', '--once', '--config', config, '--state-dir', state], {}, /^KSA_/);
    expect(fixed.code, fixed.stderr).toBe(0);
    const all = read();
    expect(all.slice(0, lines.length)).toEqual(lines);
    expect(all.slice(lines.length).map(what)).toEqual(['finding hot firing->resolved']);
    expect(all.map((l) => l.seq)).toEqual([1, 2]);
    expect(all[1]!.episode).toBe(all[0]!.episode);
  });

  it('rotates as ksa.yaml watch.audit says (maxSize, keep): archives gzip-compressed, only `keep` of them', async () => {
    const config = join(dir, 'rotating.yaml');
    const hot = Array.from({ length: 8 }, (_, i) => [`  - name: hot-${i}`, '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', '    options: { behavior: warning }']).flat();
    writeFileSync(config, [
      'defaults:', '  timeout: 5s', 'targets:', ...hot,
      'plugins:', `  discovery: { packages: ["${fixture}"] }`,
      'watch:', '  audit: { maxSize: 1KiB, keep: 1 }', '',
    ].join('\n'));
    const state = join(dir, 'rotating-state');
    const run = await spawnKsa(['watch', '--once', '--config', config, '--state-dir', state], {}, /^KSA_/);
    expect(run.code, run.stderr).toBe(1);
    // Eight firing lines of ~0.4 KiB each pass 1 KiB more than once; with keep: 1 only the newest archive is left.
    expect(readdirSync(state).filter((f) => f.startsWith('audit.log')).sort()).toEqual(['audit.log', 'audit.log.1.gz']);
    const parse = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number });
    const archived = parse(gunzipSync(readFileSync(join(state, 'audit.log.1.gz'))).toString());
    const current = parse(readFileSync(join(state, 'audit.log'), 'utf8'));
    expect(archived.length).toBeGreaterThan(0);
    expect(readFileSync(join(state, 'audit.log')).length).toBeLessThanOrEqual(1024 + 1024); // at most one line past the limit
    // The archive ends where the current file begins, and the run's last event is in the current file.
    expect(archived.at(-1)!.seq + 1).toBe(current[0]?.seq ?? archived.at(-1)!.seq + 1);
    expect(Math.max(...[...archived, ...current].map((l) => l.seq))).toBe(8);
  });
});
