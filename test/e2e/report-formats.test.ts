// The reports for people (`--output markdown`, `--output html`) from real diagnoses of the Redis
// of scripts/services.sh, alone and in ksa.yaml fleets with an unreachable target (127.0.0.1:1):
// each run's exit code is the JSON report's exitCode, and the Markdown and HTML headlines say the
// word of that status with that code (the gate contract: one status decides everything). The
// HTML report is opened in headless Chromium (Debian's `chromium`, installed by
// scripts/services.sh): a screenshot is taken and the DOM the browser built holds the findings.
// docs/report-html.png is this test's screenshot of the fleet: KSA_UPDATE_SCREENSHOT=1 rewrites it.
// Needs `npm run build`.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { NAGIOS_WORD } from '../../src/core/status.js';
import type { Report } from '../../src/core/types.js';
import { attr, elements, parseDocument, parseHtmlFragment, tableRows, textOf } from '../support/html-doc.js';
import { repoRoot } from '../support/services.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ksa-report-formats-'));
const ksa = (args: readonly string[]) => spawnKsa(['--no-color', ...args], { KSA_FMT_REDIS_PW: process.env.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_(?!FMT_)|REDISCLI_AUTH$)/);

/** What each target kind is on the real Redis primary (as in gate-contract.test.ts). */
const TARGET: Record<string, { name: string; spec: string }> = {
  healthy: { name: 'queue', spec: 'categories: [memory]' }, // info findings only
  warning: { name: 'cache', spec: 'categories: [replication]' }, // a primary without persistence that has a replica
  critical: { name: 'sessions', spec: 'categories: [connection], thresholds: { redis.connection.usage: { warning: 0, critical: 0 } }' },
};
const SCENARIOS = [
  { name: 'healthy', targets: ['healthy'], status: 'healthy' },
  { name: 'warning', targets: ['warning'], status: 'warning' },
  { name: 'warning and unreachable', targets: ['warning', 'unreachable'], status: 'unknown' },
  { name: 'fleet', targets: ['critical', 'warning', 'healthy', 'unreachable'], status: 'critical' },
] as const;

function configFor(name: string, kinds: readonly string[]): string {
  const lines = ['defaults: { timeout: 5s }', 'targets:'];
  for (const k of kinds) {
    lines.push(k === 'unreachable'
      ? '  - { name: old-cache, type: redis, endpoints: [127.0.0.1:1] }'
      : `  - { name: ${TARGET[k]!.name}, type: redis, endpoints: [${process.env.KSA_REDIS_PRIMARY}], auth: { passwordEnv: KSA_FMT_REDIS_PW }, ${TARGET[k]!.spec} }`);
  }
  const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** `## ⚠️ KSA WARNING (exit 1)` -> its word and code, read from the rendered Markdown. */
function markdownHeadline(markdown: string): { word: string; exit: number } {
  const h2 = textOf(elements(parseHtmlFragment(new MarkdownIt({ html: true }).render(markdown)).root, 'h2')[0]!);
  const m = /^\S+ KSA (OK|WARNING|CRITICAL|UNKNOWN) \(exit (\d)\)$/.exec(h2);
  expect(m, `markdown headline ${JSON.stringify(h2)}`).not.toBeNull();
  return { word: m![1]!, exit: Number(m![2]) };
}

function htmlHeadline(html: string): { word: string; exit: number } {
  const doc = parseDocument(html);
  expect(doc.errors.map((e) => e.code)).toEqual([]);
  const m = /^KSA (OK|WARNING|CRITICAL|UNKNOWN) \(exit (\d)\)$/.exec(textOf(elements(doc.root, 'h1')[0]!));
  expect(m).not.toBeNull();
  return { word: m![1]!, exit: Number(m![2]) };
}

describe.each(SCENARIOS)('$name', (scenario) => {
  const config = configFor(scenario.name, scenario.targets);
  const runs: Record<'json' | 'markdown' | 'html', KsaRun> = {} as never;
  let report: Report;
  beforeAll(async () => {
    for (const format of ['json', 'markdown', 'html'] as const) runs[format] = await ksa(['diagnose', '--config', config, '--output', format]);
    report = ReportSchema.parse(JSON.parse(runs.json.stdout));
  });

  it('JSON: the exit code is the report\'s exitCode, of the expected status', () => {
    expect(runs.json.stderr).toBe('');
    expect(report.status).toBe(scenario.status);
    expect(runs.json.code).toBe(report.exitCode);
  });

  it('Markdown: exit code = JSON exitCode, the headline says that status with that code; targets as in JSON', () => {
    const { code, stdout, stderr } = runs.markdown;
    expect(stderr).toBe('');
    expect(code).toBe(report.exitCode);
    expect(markdownHeadline(stdout)).toEqual({ word: NAGIOS_WORD[report.status], exit: code });
    const html = new MarkdownIt({ html: true }).render(stdout);
    const targets = elements(parseHtmlFragment(html).root, 'table').find((t) => tableRows(t)[0]?.[0] === 'target')!;
    const rows = tableRows(targets).slice(1);
    expect(rows.map((r) => r[1]!.split(' ').pop())).toEqual(report.results.map((r) => NAGIOS_WORD[r.status]));
    for (const r of report.results.filter((x) => x.status === 'unknown')) expect(rows.find((row) => row[0] === `${r.target.name} (redis)`)![7]).toBe(r.errors[0]!.code);
  });

  it('HTML: exit code = JSON exitCode, the headline says that status with that code', () => {
    const { code, stdout, stderr } = runs.html;
    expect(stderr).toBe('');
    expect(code).toBe(report.exitCode);
    expect(htmlHeadline(stdout)).toEqual({ word: NAGIOS_WORD[report.status], exit: code });
  });

  it('HTML opens in headless Chromium: the DOM it builds has the headline and every finding', async () => {
    const file = join(dir, `${scenario.name.replace(/\W+/g, '-')}.html`);
    writeFileSync(file, runs.html.stdout);
    const { stdout } = await chromium(['--dump-dom', pathToFileURL(file).href]);
    const dom = parseDocument(stdout).root;
    expect(textOf(elements(dom, 'h1')[0]!)).toBe(`KSA ${NAGIOS_WORD[report.status]} (exit ${report.exitCode})`);
    expect(elements(dom, 'script')).toEqual([]);
    const ids = new Set(elements(dom, 'table').filter((t) => attr(t, 'class') === 'findings').flatMap((t) => elements(t, 'code').map(textOf)));
    for (const f of report.results.flatMap((r) => r.findings)) expect(ids).toContain(f.id);
    for (const e of report.results.flatMap((r) => r.errors)) expect(textOf(dom)).toContain(e.code);
  }, 60_000);
});

describe('screenshot of the fleet report', () => {
  it('headless Chromium renders a non-trivial 1200x1600 PNG', async () => {
    const config = configFor('screenshot', SCENARIOS[3].targets);
    const html = await ksa(['diagnose', '--config', config, '--output', 'html']);
    expect(html.code).toBe(2);
    const page = join(dir, 'report.html');
    writeFileSync(page, html.stdout);
    const png = join(dir, 'report.png');
    await chromium([`--screenshot=${png}`, '--window-size=1200,1600', pathToFileURL(page).href]);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 1600]); // IHDR width, height
    // A blank page of this size compresses to a few KB; the report's text and colours do not.
    expect(statSync(png).size).toBeGreaterThan(40_000);
    if (process.env.KSA_UPDATE_SCREENSHOT === '1') copyFileSync(png, join(repoRoot, 'docs', 'report-html.png'));
  }, 60_000);
});

/** Debian's chromium, headless; as root it needs --no-sandbox. */
async function chromium(args: readonly string[]): Promise<{ stdout: string }> {
  const profile = mkdtempSync(join(dir, 'chromium-'));
  const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', `--user-data-dir=${profile}`];
  try {
    return await run('chromium', [...base, ...args], { timeout: 45_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('chromium is not installed: run `bash scripts/services.sh install` (it installs Debian\'s chromium)');
    throw e;
  }
}
