// GET /: the status page. Server-rendered HTML, no script and nothing to fetch (the HTML report's
// stylesheet inline, a CSP that allows only it), reloading itself every 10 s with a meta refresh:
// the targets, their watch state and last status, and their top findings (firing before pending,
// critical before warning). Every plugin-supplied string is escaped.
import { CSS } from '../render/html/style.js';
import { escapeHtml as esc } from '../render/html/escape-html.js';
import { redactSecrets } from '../core/redact.js';
import type { Route } from './route-table.js';
import type { ServeContext } from './serve-context.js';
import type { FindingRecord } from '../watch/target-record.js';
import type { Status } from '../core/types.js';

export const REFRESH_SECONDS = 10;
const TOP_FINDINGS = 3;
const STATUS_CLASS: Record<Status, string> = { healthy: 's-healthy', warning: 's-warning', critical: 's-critical', unknown: 's-unknown' };
const STATE_RANK: Record<FindingRecord['state'], number> = { firing: 0, pending: 1, resolved: 2 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

function topFindings(findings: Readonly<Record<string, FindingRecord>>): FindingRecord[] {
  return Object.values(findings)
    .filter((f) => f.state !== 'resolved')
    .sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || (SEVERITY_RANK[a.finding.severity] ?? 3) - (SEVERITY_RANK[b.finding.severity] ?? 3))
    .slice(0, TOP_FINDINGS);
}

export function renderStatusPage(ctx: ServeContext, now = Date.now()): string {
  const records = ctx.loop.sink.records();
  const targets = ctx.loop.watcher.view();
  const rows = targets.map((t) => {
    const record = records.get(t.name);
    const status = t.last?.result.status;
    const findings = record ? topFindings(record.findings) : [];
    const more = record ? Object.values(record.findings).filter((f) => f.state !== 'resolved').length - findings.length : 0;
    return `<tr><td><code>${esc(t.name)}</code></td><td>${esc(t.type)}</td>`
      + `<td class="state">${esc(record?.state ?? 'waiting')}${record ? `<span class="mark">since ${esc(new Date(record.since).toISOString())}</span>` : ''}</td>`
      + `<td>${status ? `<span class="badge ${STATUS_CLASS[status]}">${esc(status)}</span><span class="mark">${Math.round((now - t.last!.at) / 1000)} s ago, ${t.last!.result.durationMs} ms</span>` : '—'}${record?.error ? `<span class="mark">${esc(record.error.code)}</span>` : ''}</td>`
      + `<td>${findings.map((f) => `<span class="sev sev-${esc(f.finding.severity)}">${esc(f.state)} ${esc(f.finding.severity)}</span> <code>${esc(f.finding.id)}</code>${f.finding.node ? ` @ ${esc(f.finding.node)}` : ''}<span class="title">${esc(f.finding.title)}</span>`).join('')}${more > 0 ? `<span class="mark">and ${more} more</span>` : ''}</td></tr>`;
  });
  const firing = targets.filter((t) => Object.values(records.get(t.name)?.findings ?? {}).some((f) => f.state === 'firing')).length;
  const unknown = targets.filter((t) => records.get(t.name)?.state === 'unknown').length;
  const html = [
    '<!doctype html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`,
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>ksa serve: ${targets.length} targets, ${firing} firing</title>`, `<style>${CSS}</style>`, '</head>', '<body>',
    '<h1>ksa serve</h1>',
    `<p class="facts">${targets.length} targets, ${firing} with firing findings, ${unknown} unknown · ksa ${esc(ctx.version)} · ${esc(new Date(now).toISOString())} · refreshes every ${REFRESH_SECONDS} s · <a href="/metrics">/metrics</a> · <a href="/api/v1/openapi.json">API</a></p>`,
    '<table class="findings"><thead><tr><th>target</th><th>type</th><th>state</th><th>last cycle</th><th>top findings</th></tr></thead><tbody>',
    ...rows, '</tbody></table>', '</body>', '</html>', '',
  ].join('\n');
  return redactSecrets(html, ctx.secrets());
}

export const statusPageRoutes: Route<ServeContext>[] = [
  {
    method: 'GET', path: '/', scope: 'metrics',
    handle: (_req, ctx) => ({ status: 200, type: 'text/html; charset=utf-8', body: renderStatusPage(ctx), headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } }),
  },
];
