// HTML report on fixture reports built by the real gate (buildReport): a valid HTML5 document (no
// parse errors by the WHATWG parsing algorithm, read with parse5), self-contained (no script, no
// asset to fetch), the same gate words and marks as the Markdown report, every plugin string
// escaped (checked on what the parser builds, not on substrings of the source).
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/cli/report.js';
import { RENDERERS } from '../../../src/render/index.js';
import { renderHtml } from '../../../src/render/html.js';
import { attr, children, elements, parseDocument, tableRows, textOf, type Element } from '../../support/html-doc.js';
import { fixtureFinding, fixtureResult, HOSTILE } from '../../support/report-fixtures.js';
import type { Report } from '../../../src/core/types.js';

const doc = (html: string) => {
  const d = parseDocument(html);
  expect(d.errors.map((e) => `${e.code} at ${e.startLine}:${e.startCol}`)).toEqual([]);
  return d.root;
};
const h1 = (html: string) => textOf(elements(doc(html), 'h1')[0]!);
const tableOf = (html: string, cls: string): Element[] => elements(doc(html), 'table').filter((t) => attr(t, 'class') === cls);

const warning = () => fixtureResult('cache', { status: 'warning', findings: [fixtureFinding('redis.memory.usage', 'warning')] });

describe('a valid, self-contained HTML5 document', () => {
  const html = renderHtml(buildReport([warning(), fixtureResult('ok', { findings: [fixtureFinding('redis.persistence.disabled', 'info')] })], 'warning'));

  it('has the HTML5 doctype, a language, a charset and a title, and parses without errors', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const root = doc(html);
    expect(attr(elements(root, 'meta')[0]!, 'charset')).toBe('utf-8');
    expect(textOf(elements(root, 'title')[0]!)).toBe('KSA WARNING (exit 1): ksa diagnosis');
  });

  it('needs nothing from outside: no script, no external resource, a CSP allowing only the inline style', () => {
    const root = doc(html);
    for (const tag of ['script', 'link', 'img', 'iframe', 'object', 'embed']) expect(elements(root, tag)).toEqual([]);
    for (const el of elements(root)) {
      expect(attr(el, 'src')).toBeUndefined();
      if (el.tagName !== 'a') expect(attr(el, 'href')).toBeUndefined();
      expect(el.attrs.filter((a) => a.name.startsWith('on'))).toEqual([]);
    }
    expect(elements(root, 'style').map(textOf).join('')).not.toMatch(/url\(|@import/);
    const csp = elements(root, 'meta').find((m) => attr(m, 'http-equiv') === 'Content-Security-Policy');
    expect(attr(csp!, 'content')).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });
});

describe('headline and marks follow the gate', () => {
  it('the headline carries the effective status and exit code; the banner its colour class', () => {
    const html = renderHtml(buildReport([warning()], 'warning'));
    expect(h1(html)).toBe('KSA WARNING (exit 1)');
    expect(attr(elements(doc(html), 'header')[0]!, 'class')).toBe('banner s-warning');
  });

  it('--fail-on critical with a warning: OK (exit 0), the warning shown, marked below --fail-on and muted', () => {
    const html = renderHtml(buildReport([warning()], 'critical'));
    expect(h1(html)).toBe('KSA OK (exit 0)');
    expect(html).not.toContain('WARNING');
    expect(tableRows(tableOf(html, 'targets')[0]!)[1]).toEqual(['cache (redis)', 'OK', '0', '0', '0', '1', '42 ms', 'found warning: 1 below --fail-on critical']);
    const findings = tableOf(html, 'findings')[0]!;
    expect(tableRows(findings)[1]![0]).toBe('warningbelow --fail-on');
    expect(attr(elements(findings, 'tr')[1]!, 'class')).toBe('quiet');
  });

  it('with a baseline: baselined findings marked baselined, the others new', () => {
    const known = fixtureFinding('redis.memory.usage', 'warning', { baselined: true });
    const fresh = fixtureFinding('redis.memory.fragmentation', 'critical');
    const html = renderHtml(buildReport([fixtureResult('cache', { status: 'critical', findings: [known, fresh] })], 'warning', { file: 'known.json', suppressed: 1 }));
    expect(h1(html)).toBe('KSA CRITICAL (exit 2)');
    expect(textOf(elements(doc(html), 'p')[0]!)).toContain('baseline known.json: 1 baselined, 1 new');
    const marks = elements(tableOf(html, 'findings')[0]!, 'span').filter((s) => attr(s, 'class')?.startsWith('mark '));
    expect(marks.map((m) => [textOf(m), attr(m, 'class')])).toEqual([['new', 'mark mark-new'], ['baselined', 'mark mark-kept']]);
  });

  it('evidence: a <details> in the finding row with the threshold source and the JSON', () => {
    const details = elements(tableOf(renderHtml(buildReport([warning()], 'warning')), 'findings')[0]!, 'details')[0]!;
    expect(textOf(children(details, 'summary')[0]!)).toBe('evidence');
    expect(textOf(elements(details, 'p')[0]!)).toBe('threshold source: redis docs');
    expect(JSON.parse(textOf(elements(details, 'pre')[0]!))).toEqual({ used_memory: 1024 });
  });
});

describe('every plugin string is escaped', () => {
  const hostile = fixtureFinding('redis.memory.usage', 'critical', {
    title: HOSTILE.title,
    detail: HOSTILE.detail,
    suggestion: HOSTILE.suggestion,
    node: HOSTILE.node,
    evidence: HOSTILE.evidence,
    observed: { value: HOSTILE.observed },
    threshold: { warning: 90, critical: 95, direction: 'above', source: HOSTILE.source },
  });
  const down = fixtureResult('gone', { status: 'unknown', errors: [{ code: 'KSA_ERR_CONNECT', message: HOSTILE.errorMessage, retryable: true }] });
  const report = buildReport([fixtureResult('x', { status: 'critical', target: { type: 'redis', name: HOSTILE.targetName, endpoints: ['10.0.0.1:6379'] }, findings: [hostile] }), down], 'warning');

  it('no element comes from plugin text; the text reads as written', async () => {
    const html = (await RENDERERS.html())(report, { color: false });
    const root = doc(html);
    for (const tag of ['script', 'img', 'iframe', 'b']) expect(elements(root, tag)).toEqual([]);
    expect(tableRows(tableOf(html, 'targets')[0]!).map((r) => r[0])).toEqual(['target', `${HOSTILE.targetName} (redis)`, 'gone (redis)']);
    const rows = tableRows(tableOf(html, 'findings')[0]!);
    expect(rows.map((r) => r.length)).toEqual([5, 5]);
    expect(rows[1]![1]).toBe(`redis.memory.usage @ ${HOSTILE.node}${HOSTILE.title}`);
    expect(rows[1]![2]).toBe(HOSTILE.observed);
    const todo = elements(tableOf(html, 'findings')[0]!, 'td')[4]!;
    expect(children(todo, 'p').map(textOf)).toEqual([HOSTILE.detail, `→ ${HOSTILE.suggestion}`]);
    expect(JSON.parse(textOf(elements(todo, 'pre')[0]!))).toEqual(HOSTILE.evidence);
    expect(textOf(elements(todo, 'p')[2]!)).toBe(`threshold source: ${HOSTILE.source}`);
    expect(elements(root, 'h2').map(textOf)).toEqual([`CRITICAL ${HOSTILE.targetName} (redis)`, 'UNKNOWN gone (redis)']);
  });

  it('links in plugin text are plain http(s) text links, attribute-safe', () => {
    const f = fixtureFinding('redis.memory.usage', 'warning', { suggestion: 'see https://redis.io/docs/x?a=1&b=2"onclick="alert(1) or javascript:alert(1).' });
    const links = elements(doc(renderHtml(buildReport([fixtureResult('c', { status: 'warning', findings: [f] })], 'warning'))), 'a').filter((a) => !attr(a, 'href')!.startsWith('#'));
    expect(links.map((a) => [attr(a, 'href'), textOf(a)])).toEqual([['https://redis.io/docs/x?a=1&b=2', 'https://redis.io/docs/x?a=1&b=2']]);
  });
});

describe('skipped, not applicable and unknown', () => {
  const categories = [
    { name: 'memory', status: 'healthy' as const, durationMs: 1 },
    { name: 'sentinel', status: 'healthy' as const, durationMs: 0, skipped: 'not a Sentinel deployment', notApplicable: true },
    { name: 'persistence', status: 'healthy' as const, durationMs: 0, skipped: 'CONFIG is not allowed: grant +config|get' },
  ];
  const down = fixtureResult('gone', { status: 'unknown', categories: [{ name: 'memory', status: 'unknown', durationMs: 0, skipped: 'not evaluated' }], errors: [{ code: 'KSA_ERR_CONNECT', message: '10.0.0.1:1: connect ECONNREFUSED', retryable: true }] });
  const crit = fixtureResult('db', { status: 'critical', findings: [fixtureFinding('redis.memory.usage', 'critical')] });
  const report: Report = buildReport([fixtureResult('cache', { categories }), crit, down], 'critical');
  const html = renderHtml(report);

  it('categories: n/a and skipped with their reasons', () => {
    const rows = tableRows(tableOf(html, 'categories')[0]!);
    expect(rows).toEqual([
      ['category', 'status', 'ms', 'note'],
      ['memory', 'ok', '1', ''],
      ['sentinel', 'n/a', '', 'not a Sentinel deployment'],
      ['persistence', 'skipped', '', 'CONFIG is not allowed: grant +config|get'],
    ]);
  });

  it('fleet: CRITICAL over UNKNOWN (exit 2); the unknown target shows its error code and message', () => {
    expect(h1(html)).toBe('KSA CRITICAL (exit 2)');
    const rows = tableRows(tableOf(html, 'targets')[0]!);
    expect(rows.map((r) => [r[0], r[1], r[7]])).toEqual([['target', 'status', 'note'], ['cache (redis)', 'OK', ''], ['db (redis)', 'CRITICAL', ''], ['gone (redis)', 'UNKNOWN', 'KSA_ERR_CONNECT']]);
    const gone = elements(doc(html), 'section').find((s) => attr(s, 'id') === 't-3')!;
    expect(attr(gone, 'class')).toBe('s-unknown');
    expect(elements(gone, 'li').map(textOf)).toEqual(['error KSA_ERR_CONNECT: 10.0.0.1:1: connect ECONNREFUSED']);
  });
});
