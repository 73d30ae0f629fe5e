// Nagios plugin output (Nagios plugin API, "Plugin Output"): the first line is the service status
// Nagios acts on; for one target it is that target's line with its perfdata. For several targets
// the first line summarises the worst status, one long-output line follows per target, and the
// perfdata of every target (labels prefixed with the target name, so they stay unique) goes after
// the `|` of the last long-output line, one target per line.
import { countsTowardGate } from '../cli/report.js';
import type { DiagnosticResult, Finding, Report, Status } from '../core/types.js';

const WORD: Record<Status, string> = { healthy: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };
const UOM: Record<string, string> = { '%': '%', s: 's', ms: 'ms', bytes: 'B', B: 'B', KB: 'KB', MB: 'MB' };
const ORDER: readonly Status[] = ['critical', 'unknown', 'warning', 'healthy'];

export function renderNagios(report: Report): string {
  if (report.results.length === 1) {
    const r = report.results[0]!;
    return `${text(r)} | ${perfData(r, '').join(' ')}\n`;
  }
  const byStatus = (s: Status) => report.results.filter((r) => r.status === s);
  const counts = ORDER.map((s) => `${byStatus(s).length} ${s}`).join(', ');
  const named = ORDER.filter((s) => s !== 'healthy').flatMap((s) => byStatus(s).map((r) => r.target.name));
  const head = `KSA ${WORD[report.status]} - ${report.results.length} targets: ${counts}${named.length ? ` (${named.join(', ')})` : ''}`;
  const long = report.results.map(text);
  const perf = report.results.map((r) => perfData(r, `${r.target.name}:`).join(' '));
  return `${clean(head)}\n${long.join('\n')} | ${perf.join('\n')}\n`;
}

function text(r: DiagnosticResult): string {
  const counts = (sev: Finding['severity']) => r.findings.filter((f) => f.severity === sev && countsTowardGate(f)).length;
  const first = r.findings.find(countsTowardGate);
  const summary = r.status === 'unknown'
    ? (r.errors[0] ? `${r.errors[0].code} ${r.errors[0].message}` : 'could not diagnose')
    : `${counts('critical')} critical, ${counts('warning')} warning${first ? `; ${first.title}` : ''}`;
  return clean(`KSA ${WORD[r.status]} - ${r.target.name} (${r.target.type}): ${summary}`);
}

/** `|` starts perfdata and a newline starts long output: neither may appear in text. */
function clean(line: string): string {
  return line.replace(/[|\r\n]/g, ' ');
}

function perfData(r: DiagnosticResult, prefix: string): string[] {
  return [`'${prefix}duration'=${r.durationMs}ms;;;0;`, ...r.findings.filter((f) => typeof f.observed?.value === 'number').map((f) => perfOf(f, prefix))];
}

function perfOf(f: Finding, prefix: string): string {
  const label = `${prefix}${f.id}${f.node ? `@${f.node}` : ''}`.replace(/['=]/g, '');
  const uom = UOM[f.observed?.unit ?? ''] ?? '';
  const t = f.threshold;
  return `'${label}'=${f.observed?.value}${uom};${t?.warning ?? ''};${t?.critical ?? ''};;`;
}
