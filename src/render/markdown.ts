// Markdown for people in CI: a pull-request comment or GitHub's step summary
// (`ksa diagnose ... --output markdown >> "$GITHUB_STEP_SUMMARY"`). A headline with the run's
// effective status and exit code, a table of targets, then per target its errors, categories and
// findings, with evidence in collapsible <details> blocks and info findings (advice) collapsed.
// Content comes from summary.ts (the same as the HTML report); every plugin-supplied string goes
// through markdown/escape.ts so it cannot break a table or inject HTML.
import type { Report, Status } from '../core/types.js';
import { code, fenced, html, row, text } from './markdown/escape.js';
import { categoryCounts, summarize, type FindingSummary, type Summary, type TargetSummary } from './summary.js';

const ICON: Record<Status, string> = { healthy: '✅', warning: '⚠️', critical: '❌', unknown: '❓' };

export function renderMarkdown(report: Report): string {
  const s = summarize(report);
  const blocks = [headline(s), targetsTable(s), ...s.targets.map(target)];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function headline(s: Summary): string[] {
  const facts = [
    `**${text(s.counts)}**${s.named ? ` (${text(s.named)})` : ''}`,
    `\`--fail-on ${s.failOn}\``,
    ...(s.found ? [`${text(s.found)}: shown below, marked; they do not fail the gate`] : []),
    ...(s.baseline ? [`baseline ${code(s.baseline.file)}: ${s.baseline.suppressed} baselined, ${s.baseline.new} new`] : []),
  ];
  return [`## ${ICON[s.status]} KSA ${s.word} (exit ${s.exitCode})`, '', facts.join(' · ')];
}

function targetsTable(s: Summary): string[] {
  return [
    row(['target', 'status', 'critical', 'warning', 'info', 'not gating', 'duration', 'note']),
    '|---|---|--:|--:|--:|--:|--:|---|',
    ...s.targets.map((t) => row([
      `${text(t.name)} (${text(t.type)})`,
      `${ICON[t.status]} ${t.word}`,
      String(t.counts.critical),
      String(t.counts.warning),
      String(t.counts.info),
      String(t.counts.notGating),
      `${t.durationMs} ms`,
      text(note(t)),
    ])),
  ];
}

/** Why a target is unknown (its error code), or what the gate left out of its status. */
function note(t: TargetSummary): string {
  if (t.errors.length > 0) return t.errors.map((e) => e.code).join(', ');
  return t.found ?? '';
}

function target(t: TargetSummary): string[] {
  const out = [`### ${ICON[t.status]} ${text(t.name)} (${text(t.type)}): ${t.word}`, ''];
  out.push([text(t.plugin), t.endpoints.map(code).join(', '), `${t.durationMs} ms`, ...(t.found ? [text(t.found)] : [])].join(' · '));
  if (t.errors.length > 0) out.push('', ...t.errors.map((e) => `- **error** ${code(e.code)}: ${text(e.message)}`));
  if (t.categories.length > 0) out.push('', ...details(html(categoryCounts(t.categories)), categoriesTable(t)));
  if (t.findings.length > 0) out.push('', ...findingsTable(t.findings), ...evidence(t.findings));
  else if (t.status === 'healthy') out.push('', 'No warnings or criticals.');
  if (t.advice.length > 0) {
    const n = t.advice.length;
    out.push('', ...details(`${n} info finding${n === 1 ? '' : 's'} (advice: info never fails the gate)`, [...findingsTable(t.advice), ...evidence(t.advice)]));
  }
  return out;
}

function categoriesTable(t: TargetSummary): string[] {
  return [
    row(['category', 'status', 'ms', 'note']),
    '|---|---|--:|---|',
    ...t.categories.map((c) => row([text(c.name), c.state === 'healthy' ? 'ok' : c.state, c.durationMs === undefined ? '' : String(c.durationMs), text(c.note)])),
  ];
}

function findingsTable(findings: readonly FindingSummary[]): string[] {
  return [
    row(['severity', 'finding', 'observed', 'threshold', 'what to do']),
    '|---|---|---|---|---|',
    ...findings.map((f) => row([
      `${f.gating ? `**${f.severity}**` : f.severity}${f.mark ? ` (${f.mark})` : ''}`,
      `${code(f.id)}${f.node ? ` @ ${code(f.node)}` : ''}<br>**${text(f.title)}**`,
      text(f.observed),
      f.threshold.join('<br>'),
      [f.detail, f.suggestion && `→ ${f.suggestion}`].filter(Boolean).map(text).join('<br>'),
    ])),
  ];
}

/** One collapsible block per finding with its threshold source and evidence. */
function evidence(findings: readonly FindingSummary[]): string[] {
  return findings.filter((f) => f.evidence || f.source).flatMap((f) => [
    '',
    ...details(`evidence: ${html(f.id)}${f.node ? ` @ ${html(f.node)}` : ''}`, [
      ...(f.source ? [`threshold source: ${text(f.source)}`] : []),
      ...(f.source && f.evidence ? [''] : []),
      ...(f.evidence ? fenced(f.evidence, 'json') : []),
    ]),
  ]);
}

/**
 * A <details> block. Its first line is raw HTML, where Markdown is not parsed: `summary` must be
 * HTML-escaped (html()). The blank lines around the body let the Markdown inside it render.
 */
function details(summary: string, body: readonly string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '', '</details>'];
}
