// Nagios plugin output: one status line per target with perfdata
// (`'label'=value[UOM];warn;crit;;`), per the Nagios plugin API.
import type { DiagnosticResult, Finding, Report, Status } from '../core/types.js';

const WORD: Record<Status, string> = { healthy: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };
const UOM: Record<string, string> = { '%': '%', s: 's', ms: 'ms', bytes: 'B', B: 'B', KB: 'KB', MB: 'MB' };

export function renderNagios(report: Report): string {
  return report.results.map(line).join('\n') + '\n';
}

function line(r: DiagnosticResult): string {
  const counts = (sev: Finding['severity']) => r.findings.filter((f) => f.severity === sev && !f.baselined).length;
  const first = r.findings.find((f) => f.severity !== 'info' && !f.baselined) ?? r.findings[0];
  const summary = r.status === 'unknown'
    ? (r.errors[0] ? `${r.errors[0].code} ${r.errors[0].message}` : 'could not diagnose')
    : `${counts('critical')} critical, ${counts('warning')} warning${first ? `; ${first.title}` : ''}`;
  const perf = [`'duration'=${r.durationMs}ms;;;0;`, ...r.findings.filter((f) => typeof f.observed?.value === 'number').map(perfOf)];
  return `KSA ${WORD[r.status]} - ${r.target.name} (${r.target.type}): ${summary.replace(/[|\n]/g, ' ')} | ${perf.join(' ')}`;
}

function perfOf(f: Finding): string {
  const label = `${f.id}${f.node ? `@${f.node}` : ''}`.replace(/'/g, '');
  const uom = UOM[f.observed?.unit ?? ''] ?? '';
  const t = f.threshold;
  return `'${label}'=${f.observed?.value}${uom};${t?.warning ?? ''};${t?.critical ?? ''};;`;
}
