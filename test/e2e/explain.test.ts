// `ksa explain` through the real CLI for EVERY check of the four built-in plugins (one --json run
// for all of them), against the check lists read straight from manifests/*.yaml; finding ids,
// unknown ids, and docs/checks/*.md regenerated in memory and compared with the committed pages.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/services.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';

const BUILTINS = ['redis', 'mysql', 'postgres', 'kafka', 'http', 'prometheus'];

interface RawManifest { id: string; checks: Array<string | { id: string }>; thresholds?: string[] }
const manifests = BUILTINS.map((t) => parse(readFileSync(join(repoRoot, 'manifests', `${t}-diagnostics.yaml`), 'utf8')) as RawManifest);
const checkIds = (m: RawManifest) => m.checks.map((c) => (typeof c === 'string' ? c : c.id));

interface Explained {
  id: string; plugin: string; category: string; description?: string; why?: string; fix?: string; url?: string; asked?: string;
  thresholds: Array<{ id: string; warning: number | null; critical: number | null; unit: string; source: string; url?: string }>;
}

// An empty plugin home: installed plugins of the machine running the tests stay out.
let home: string;
const ksa = (...args: string[]): Promise<KsaRun> => spawnKsa(['--plugin-home', home, ...args], { NO_COLOR: '1' }, /^KSA_/);
beforeAll(() => { home = mkdtempSync(join(tmpdir(), 'ksa-explain-')); });
afterAll(() => { rmSync(home, { recursive: true, force: true }); });

describe('ksa explain, every check of the built-ins', () => {
  let all: Explained[];
  beforeAll(async () => {
    const run = await ksa('explain', ...manifests.map((m) => m.id), '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    all = (JSON.parse(run.stdout) as { checks: Explained[] }).checks;
  }, 60_000);

  it('explains every check id of every manifest, in manifest order, with what, why, fix and an https URL', () => {
    expect(all.map((c) => c.id)).toEqual(manifests.flatMap(checkIds));
    expect(all.length).toBeGreaterThan(100);
    for (const c of all) {
      for (const field of ['description', 'why', 'fix'] as const) expect(c[field]?.trim().length ?? 0, `${c.id} ${field}`).toBeGreaterThan(20);
      const url = new URL(c.url ?? '', 'invalid:/');
      expect(url.protocol, `${c.id} url`).toBe('https:');
      expect(url.pathname.length + url.hash.length, `${c.id} url points at a page, not a site`).toBeGreaterThan(5);
    }
  });

  it('points checks at specific upstream sections, not one link reused across them', () => {
    const uses = new Map<string, string[]>();
    for (const c of all) uses.set(c.url!, [...(uses.get(c.url!) ?? []), c.id]);
    for (const [url, ids] of uses) expect(ids.length, `${url} is the docs URL of ${ids.join(', ')}`).toBeLessThanOrEqual(3);
    expect(uses.size).toBeGreaterThan(all.length * 0.75);
  });

  it("lists each manifest's threshold keys under their check, every source with an https URL", () => {
    for (const m of manifests) {
      const listed = all.filter((c) => c.plugin === m.id).flatMap((c) => c.thresholds.map((t) => t.id));
      expect([...listed].sort()).toEqual([...(m.thresholds ?? [])].sort());
    }
    for (const c of all) {
      for (const t of c.thresholds) {
        expect(t.id === c.id || t.id.startsWith(`${c.id}.`), `${t.id} under ${c.id}`).toBe(true);
        expect(t.url, `${t.id} source ${JSON.stringify(t.source)}`).toMatch(/^https:\/\/[^\s]+$/);
        expect(t.source).toContain(t.url);
      }
    }
  });
});

describe('ksa explain, one id at a time', () => {
  it('takes a finding id (<check id>.<suffix>) and marks the threshold of that finding', async () => {
    const run = await ksa('explain', 'redis.memory.usage.system');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^redis\.memory\.usage \(finding redis\.memory\.usage\.system\)/);
    for (const label of ['What:', 'Why:', 'Fix:', 'Docs:  https://']) expect(run.stdout).toContain(label);
    expect(run.stdout).toMatch(/redis\.memory\.usage\.system: warning > 90 %, critical > 95 %  <- this finding/);
    expect(run.stdout).toMatch(/source: .*https:\/\/samber\.github\.io\/awesome-prometheus-alerts\/rules\/databases\/redis\/#rule-2-7-1-9/);
  }, 30_000);

  it('says a state check has no overridable threshold', async () => {
    const run = await ksa('explain', 'postgres.security.hba-trust');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Thresholds: none (fixed severity; not overridable)');
    expect(run.stdout).toContain('Docs:  https://www.postgresql.org/docs/current/auth-trust.html');
  }, 30_000);

  it('refuses an unknown id with exit 3, one line and the nearest check id', async () => {
    const run = await ksa('explain', 'redis.memory.usgae');
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ksa: KSA_ERR_BAD_INPUT "redis\.memory\.usgae" is no check or finding id.*did you mean "redis\.memory\.usage"\?/);
  }, 30_000);
});

describe('docs/checks', () => {
  it('are what the declarations generate (npm run docs:checks rewrites them)', async () => {
    const gen = (await import(pathToFileURL(join(repoRoot, 'scripts/gen-check-docs.mjs')).href)) as { checkDocFiles(): Promise<Map<string, string>> };
    const files = await gen.checkDocFiles();
    expect([...files.keys()].map((f) => f.slice(repoRoot.length + 1)).sort()).toEqual(['docs/checks/README.md', ...BUILTINS.map((t) => `docs/checks/${t}.md`)].sort());
    for (const [file, text] of files) expect(readFileSync(file, 'utf8'), `${file} is stale: run npm run build && npm run docs:checks`).toBe(text);
    expect(files.get(join(repoRoot, 'docs/checks/redis.md'))).toContain('### `redis.memory.usage`');
  }, 60_000);
});
