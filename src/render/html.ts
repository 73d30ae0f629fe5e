// One self-contained HTML5 file for people (a CI artifact to open, offline): the same content as
// the Markdown report (both come from summary.ts), with status colours from an inline stylesheet,
// no scripts and nothing to fetch; a Content-Security-Policy that allows only the inline style
// keeps it so even if a browser were tricked. Every plugin-supplied string is escaped here.
import type { Report, Status } from '../core/types.js';
import { CSS } from './html/style.js';
import { escapeHtml } from './html/escape-html.js';
import { categoryCounts, summarize, type CategoryState, type FindingSummary, type Summary, type TargetSummary } from './summary.js';

/** Text and attribute values. */
const esc = escapeHtml;
/** An http(s) URL in prose, without the punctuation that ends a sentence around it. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]/g;
/** Plugin prose: escaped, line breaks kept, http(s) URLs as links (text links, not assets). */
function prose(s: string): string {
  let out = '';
  let at = 0;
  for (const m of s.matchAll(URL_IN_TEXT)) {
    out += esc(s.slice(at, m.index)) + `<a href="${esc(m[0])}">${esc(m[0])}</a>`;
    at = m.index + m[0].length;
  }
  return (out + esc(s.slice(at))).replace(/\r?\n/g, '<br>');
}
const code = (s: string) => `<code>${esc(s)}</code>`;

const STATE_CLASS: Record<CategoryState, string> = { healthy: 's-healthy', warning: 's-warning', critical: 's-critical', unknown: 's-unknown', skipped: '', 'n/a': '' };
const badge = (status: Status, word: string) => `<span class="badge ${STATE_CLASS[status]}">${word}</span>`;

export function renderHtml(report: Report): string {
  const s = summarize(report);
  const title = `KSA ${s.word} (exit ${s.exitCode})`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${title}: ksa diagnosis</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...headline(s),
    ...targetsTable(s),
    ...s.targets.flatMap(target),
    `<footer>ksa report (schemaVersion ${report.schemaVersion}); exit code ${s.exitCode} = the status ${s.word}${report.results[0] ? `; started ${esc(report.results[0].startedAt)}` : ''}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function headline(s: Summary): string[] {
  const facts = [
    `<strong>${esc(s.counts)}</strong>${s.named ? ` (${esc(s.named)})` : ''}`,
    code(`--fail-on ${s.failOn}`),
    ...(s.found ? [`${esc(s.found)}: shown below, marked; they do not fail the gate`] : []),
    ...(s.baseline ? [`baseline ${code(s.baseline.file)}: ${s.baseline.suppressed} baselined, ${s.baseline.new} new`] : []),
  ];
  return [
    `<header class="banner ${STATE_CLASS[s.status]}">`,
    `<h1>KSA <span class="state">${s.word}</span> (exit ${s.exitCode})</h1>`,
    `<p class="facts">${facts.join(' · ')}</p>`,
    '</header>',
  ];
}

function targetsTable(s: Summary): string[] {
  return [
    '<table class="targets">',
    '<thead><tr><th>target</th><th>status</th><th>critical</th><th>warning</th><th>info</th><th>not gating</th><th>duration</th><th>note</th></tr></thead>',
    '<tbody>',
    ...s.targets.map((t, i) => `<tr><td><a href="#t-${i + 1}">${esc(t.name)}</a> (${esc(t.type)})</td><td>${badge(t.status, t.word)}</td>${[t.counts.critical, t.counts.warning, t.counts.info, t.counts.notGating].map((n) => `<td class="n">${n}</td>`).join('')}<td class="n">${t.durationMs} ms</td><td>${note(t)}</td></tr>`),
    '</tbody>',
    '</table>',
  ];
}

function note(t: TargetSummary): string {
  if (t.errors.length > 0) return t.errors.map((e) => code(e.code)).join(', ');
  return t.found ? esc(t.found) : '';
}

function target(t: TargetSummary, i: number): string[] {
  const out = [
    `<section id="t-${i + 1}" class="${STATE_CLASS[t.status]}">`,
    `<h2>${badge(t.status, t.word)} ${esc(t.name)} (${esc(t.type)})</h2>`,
    `<p class="meta">${[esc(t.plugin), t.endpoints.map(code).join(', '), `${t.durationMs} ms`, ...(t.found ? [esc(t.found)] : [])].join(' · ')}</p>`,
  ];
  if (t.errors.length > 0) out.push('<ul class="error">', ...t.errors.map((e) => `<li><strong>error</strong> ${code(e.code)}: ${prose(e.message)}</li>`), '</ul>');
  if (t.categories.length > 0) out.push(`<details><summary>${esc(categoryCounts(t.categories))}</summary>`, ...categoriesTable(t), '</details>');
  if (t.findings.length > 0) out.push(...findingsTable(t.findings));
  else if (t.status === 'healthy') out.push('<p>No warnings or criticals.</p>');
  if (t.advice.length > 0) {
    const n = t.advice.length;
    out.push(`<details><summary>${n} info finding${n === 1 ? '' : 's'} (advice: info never fails the gate)</summary>`, ...findingsTable(t.advice), '</details>');
  }
  out.push('</section>');
  return out;
}

function categoriesTable(t: TargetSummary): string[] {
  return [
    '<table class="categories">',
    '<thead><tr><th>category</th><th>status</th><th>ms</th><th>note</th></tr></thead>',
    '<tbody>',
    ...t.categories.map((c) => `<tr><td>${esc(c.name)}</td><td class="state ${STATE_CLASS[c.state]}">${c.state === 'healthy' ? 'ok' : c.state}</td><td class="n">${c.durationMs ?? ''}</td><td>${prose(c.note)}</td></tr>`),
    '</tbody>',
    '</table>',
  ];
}

function findingsTable(findings: readonly FindingSummary[]): string[] {
  return [
    '<table class="findings">',
    '<thead><tr><th>severity</th><th>finding</th><th>observed</th><th>threshold</th><th>what to do</th></tr></thead>',
    '<tbody>',
    ...findings.map(findingRow),
    '</tbody>',
    '</table>',
  ];
}

function findingRow(f: FindingSummary): string {
  const severity = `<span class="sev sev-${f.severity}">${f.severity}</span>${f.mark ? `<span class="mark mark-${f.mark === 'new' ? 'new' : 'kept'}">${f.mark}</span>` : ''}`;
  const finding = `${code(f.id)}${f.node ? ` @ ${code(f.node)}` : ''}<span class="title">${esc(f.title)}</span>`;
  const todo = [f.detail && `<p>${prose(f.detail)}</p>`, f.suggestion && `<p>→ ${prose(f.suggestion)}</p>`, evidence(f)].join('');
  const cells = [severity, finding, esc(f.observed), f.threshold.map(esc).join('<br>'), todo];
  return `<tr${f.gating || f.severity === 'info' ? '' : ' class="quiet"'}>${cells.map((c, i) => `<td${i === 4 ? ' class="todo"' : ''}>${c}</td>`).join('')}</tr>`;
}

function evidence(f: FindingSummary): string {
  if (!f.evidence && !f.source) return '';
  const source = f.source ? `<p>threshold source: ${prose(f.source)}</p>` : '';
  const json = f.evidence ? `<pre><code>${esc(f.evidence)}</code></pre>` : '';
  return `<details><summary>evidence</summary>${source}${json}</details>`;
}
