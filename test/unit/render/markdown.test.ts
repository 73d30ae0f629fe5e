// Markdown report on fixture reports built by the real gate (buildReport). It must RENDER as
// intended, so every assertion about structure reads the HTML that markdown-it makes of it
// (CommonMark + GFM tables, raw HTML passed through as GitHub's parser does before sanitizing: the
// harshest setting for injection), read back with parse5 (test/support/html-doc.ts).
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/cli/report.js';
import { RENDERERS } from '../../../src/render/index.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { fenced } from '../../../src/render/markdown/escape.js';
import { attr, children, elements, parseHtmlFragment, tableRows, textOf, type Element } from '../../support/html-doc.js';
import { fixtureFinding, fixtureResult, HOSTILE } from '../../support/report-fixtures.js';
import type { Report } from '../../../src/core/types.js';

const md = new MarkdownIt({ html: true, linkify: true });
const rendered = (markdown: string) => parseHtmlFragment(md.render(markdown)).root;
const tables = (markdown: string) => elements(rendered(markdown), 'table');
/** A table by its header row. */
const tableWith = (markdown: string, firstHeader: string): Element[] => tables(markdown).filter((t) => tableRows(t)[0]?.[0] === firstHeader);
const headline = (markdown: string) => textOf(elements(rendered(markdown), 'h2')[0]!);

const warning = () => fixtureResult('cache', { status: 'warning', findings: [fixtureFinding('redis.memory.usage', 'warning')] });

describe('headline and marks follow the gate', () => {
  it('the headline carries the effective status and exit code', () => {
    expect(headline(renderMarkdown(buildReport([warning()], 'warning')))).toBe('⚠️ KSA WARNING (exit 1)');
    expect(headline(renderMarkdown(buildReport([fixtureResult('ok')], 'warning')))).toBe('✅ KSA OK (exit 0)');
  });

  it('--fail-on critical with a warning: OK (exit 0), the warning shown marked below --fail-on, not counted', () => {
    const out = renderMarkdown(buildReport([warning()], 'critical'));
    expect(headline(out)).toBe('✅ KSA OK (exit 0)');
    expect(textOf(elements(rendered(out), 'p')[0]!)).toContain('found warning: 1 below --fail-on critical');
    // Nothing says WARNING where the gate says OK (the raw status is written in lower case).
    expect(out).not.toContain('WARNING');
    const [target] = tableWith(out, 'target');
    expect(tableRows(target!)[1]).toEqual(['cache (redis)', '✅ OK', '0', '0', '0', '1', '42 ms', 'found warning: 1 below --fail-on critical']);
    const [findings] = tableWith(out, 'severity');
    expect(tableRows(findings!)[1]![0]).toBe('warning (below --fail-on)');
  });

  it('with a baseline: baselined findings marked baselined, the others new', () => {
    const known = fixtureFinding('redis.memory.usage', 'warning', { baselined: true });
    const fresh = fixtureFinding('redis.memory.fragmentation', 'critical');
    const out = renderMarkdown(buildReport([fixtureResult('cache', { status: 'critical', findings: [known, fresh] })], 'warning', { file: 'known.json', suppressed: 1 }));
    expect(headline(out)).toBe('❌ KSA CRITICAL (exit 2)');
    expect(out).toContain('baseline `known.json`: 1 baselined, 1 new');
    const rows = tableRows(tableWith(out, 'severity')[0]!);
    expect(rows.map((r) => r[0])).toEqual(['severity', 'critical (new)', 'warning (baselined)']);
    // Only the finding that fails the gate is bold.
    const firstCells = elements(tableWith(out, 'severity')[0]!, 'td').filter((_, i) => i % 5 === 0);
    expect(firstCells.map((td) => elements(td, 'strong').length)).toEqual([1, 0]);
  });

  it('info findings are collapsed as advice, with their own table', () => {
    const out = renderMarkdown(buildReport([fixtureResult('cache', { findings: [fixtureFinding('redis.persistence.disabled', 'info')] })], 'warning'));
    expect(headline(out)).toBe('✅ KSA OK (exit 0)');
    const advice = elements(rendered(out), 'details').find((d) => textOf(children(d, 'summary')[0]!).startsWith('1 info finding'));
    expect(advice).toBeDefined();
    expect(tableRows(elements(advice!, 'table')[0]!)[1]![0]).toBe('info');
  });
});

describe('evidence in collapsible blocks', () => {
  it('one <details> per finding with the threshold source and the evidence as a JSON code block', () => {
    const out = renderMarkdown(buildReport([warning()], 'warning'));
    const block = elements(rendered(out), 'details').find((d) => textOf(children(d, 'summary')[0]!) === 'evidence: redis.memory.usage @ 10.0.0.1:6379');
    expect(block).toBeDefined();
    expect(textOf(block!)).toContain('threshold source: redis docs');
    const codeBlock = elements(block!, 'code')[0]!;
    expect(attr(codeBlock, 'class')).toBe('language-json');
    expect(JSON.parse(textOf(codeBlock))).toEqual({ used_memory: 1024 });
  });
});

describe('plugin-supplied text cannot break the Markdown or inject HTML', () => {
  const hostile = fixtureFinding('redis.memory.usage', 'critical', {
    title: HOSTILE.title,
    detail: HOSTILE.detail,
    suggestion: HOSTILE.suggestion,
    node: HOSTILE.node,
    evidence: HOSTILE.evidence,
    observed: { value: HOSTILE.observed },
    threshold: { warning: 90, critical: 95, direction: 'above', source: HOSTILE.source },
  });
  const report = buildReport([fixtureResult('x', { status: 'critical', target: { type: 'redis', name: HOSTILE.targetName, endpoints: ['10.0.0.1:6379'] }, findings: [hostile] })], 'warning');

  it('renders with no script, image, iframe or javascript: link, and the hostile text stays text', async () => {
    // Through RENDERERS, as the CLI calls it (printable first).
    const out = (await RENDERERS.markdown())(report, { color: false });
    const root = rendered(out);
    for (const tag of ['script', 'img', 'iframe', 'b']) expect(elements(root, tag)).toEqual([]);
    for (const a of elements(root, 'a')) expect(attr(a, 'href')).not.toMatch(/^javascript:/i);
    // The rows and cells are exactly those written: 1 target, 1 finding, 5 columns.
    const [targets] = tableWith(out, 'target');
    expect(tableRows(targets!).map((r) => r.length)).toEqual([8, 8]);
    expect(tableRows(targets!)[1]![0]).toBe(`${HOSTILE.targetName} (redis)`);
    const [findings] = tableWith(out, 'severity');
    const rows = tableRows(findings!);
    expect(rows.map((r) => r.length)).toEqual([5, 5]);
    expect(rows[1]![1]).toBe(`redis.memory.usage @ ${HOSTILE.node}\n${HOSTILE.title}`);
    expect(rows[1]![2]).toBe(HOSTILE.observed);
    expect(rows[1]![4]).toBe(`${HOSTILE.detail}\n→ ${HOSTILE.suggestion}`);
    expect(elements(root, 'h3').map(textOf)).toEqual([`❌ ${HOSTILE.targetName} (redis): CRITICAL`]);
  });

  it('evidence stays inside its code block and its <details>', () => {
    const root = rendered(renderMarkdown(report));
    const blocks = elements(root, 'details');
    const evidence = blocks.find((d) => textOf(children(d, 'summary')[0]!).startsWith('evidence: redis.memory.usage'))!;
    expect(textOf(children(evidence, 'summary')[0]!)).toBe(`evidence: redis.memory.usage @ ${HOSTILE.node}`);
    expect(JSON.parse(textOf(elements(evidence, 'code')[0]!))).toEqual(HOSTILE.evidence);
    expect(textOf(elements(evidence, 'p')[0]!)).toBe(`threshold source: ${HOSTILE.source}`);
  });

  it('a code block is not closed early by a fence inside it (JSON never starts a line with one; other text may)', () => {
    const body = 'x\n```\n</details><script>alert(1)</script>\n````';
    const root = rendered(fenced(body, 'text').join('\n'));
    expect(elements(root, 'script')).toEqual([]);
    expect(elements(root, 'code').map(textOf)).toEqual([body]);
  });
});

describe('skipped, not applicable and unknown', () => {
  const categories = [
    { name: 'memory', status: 'healthy' as const, durationMs: 1 },
    { name: 'sentinel', status: 'healthy' as const, durationMs: 0, skipped: 'not a Sentinel deployment', notApplicable: true },
    { name: 'persistence', status: 'healthy' as const, durationMs: 0, skipped: 'CONFIG is not allowed: grant +config|get' },
  ];
  const down = fixtureResult('gone', { status: 'unknown', categories: [{ name: 'memory', status: 'unknown', durationMs: 0, skipped: 'not evaluated' }], errors: [{ code: 'KSA_ERR_CONNECT', message: HOSTILE.errorMessage, retryable: true }] });
  const crit = fixtureResult('db', { status: 'critical', findings: [fixtureFinding('redis.memory.usage', 'critical')] });
  const report: Report = buildReport([fixtureResult('cache', { categories }), crit, down], 'critical');

  it('categories: n/a and skipped with their reasons', () => {
    const rows = tableRows(tableWith(renderMarkdown(report), 'category')[0]!);
    expect(rows).toEqual([
      ['category', 'status', 'ms', 'note'],
      ['memory', 'ok', '1', ''],
      ['sentinel', 'n/a', '', 'not a Sentinel deployment'],
      ['persistence', 'skipped', '', 'CONFIG is not allowed: grant +config|get'],
    ]);
    expect(elements(rendered(renderMarkdown(report)), 'summary').map(textOf)).toContain('3 categories: 1 ok, 1 skipped, 1 n/a');
  });

  it('fleet: CRITICAL over UNKNOWN (exit 2); the unknown target shows its error code and message', () => {
    const out = renderMarkdown(report);
    expect(headline(out)).toBe('❌ KSA CRITICAL (exit 2)');
    expect(textOf(elements(rendered(out), 'p')[0]!)).toContain('3 targets: 1 critical, 1 unknown, 1 ok (critical: db; unknown: gone)');
    const rows = tableRows(tableWith(out, 'target')[0]!);
    expect(rows.map((r) => [r[0], r[1], r[7]])).toEqual([['target', 'status', 'note'], ['cache (redis)', '✅ OK', ''], ['db (redis)', '❌ CRITICAL', ''], ['gone (redis)', '❓ UNKNOWN', 'KSA_ERR_CONNECT']]);
    const root = rendered(out);
    expect(elements(root, 'li').map(textOf)).toEqual([`error KSA_ERR_CONNECT: ${HOSTILE.errorMessage}`]);
    expect(elements(root, 'script')).toEqual([]);
  });
});
