// Nagios plugin output (Nagios plugin API "Plugin Output", monitoring-plugins guidelines): the
// first line is the service status Nagios acts on. Every status word comes from the EFFECTIVE
// status (after --fail-on and --baseline), the same one as the exit code, so nothing here says
// WARNING where the gate says OK. Long output lists the findings, marking those that do not fail
// the gate. One target: its line with its perfdata, then its findings. Several targets: a summary
// line, one line per target (each followed by its findings), and the perfdata of every target
// (labels prefixed with the target name) after the `|` of the last long-output line.
import { countsTowardGate } from '../cli/report.js';
import { NAGIOS_WORD } from '../core/status.js';
import { formatPerfItem, perfItems } from './nagios/perfdata.js';
import type { DiagnosticResult, Finding, Report, Status } from '../core/types.js';

/** Aggregation order of the run (CRITICAL > UNKNOWN > WARNING > OK), used for counts and names. */
const ORDER: readonly Status[] = ['critical', 'unknown', 'warning', 'healthy'];

export function renderNagios(report: Report): string {
  const baselined = report.baseline !== undefined;
  if (report.results.length === 1) {
    const r = report.results[0]!;
    return lines([`${targetLine(r)} | ${perf(r, '')}`, ...findingLines(r, baselined, '')]);
  }
  const byStatus = (s: Status) => report.results.filter((r) => r.status === s);
  const counts = ORDER.map((s) => `${byStatus(s).length} ${NAGIOS_WORD[s].toLowerCase()}`).join(', ');
  const named = ORDER.filter((s) => s !== 'healthy').flatMap((s) => byStatus(s).map((r) => r.target.name));
  const head = clean(`KSA ${NAGIOS_WORD[report.status]} - ${report.results.length} targets: ${counts}${named.length ? ` (${named.join(', ')})` : ''}`);
  const long = report.results.flatMap((r) => [targetLine(r), ...findingLines(r, baselined, '  ')]);
  const perfLines = report.results.map((r) => perf(r, `${r.target.name}:`));
  if (long.length === 0) return lines([head]);
  long[long.length - 1] = `${long[long.length - 1]} | ${perfLines[0]}`;
  return lines([head, ...long, ...perfLines.slice(1)]);
}

const lines = (ls: readonly string[]) => `${ls.join('\n')}\n`;

const perf = (r: DiagnosticResult, prefix: string) => perfItems(r, prefix).map(formatPerfItem).join(' ');

function targetLine(r: DiagnosticResult): string {
  return clean(`KSA ${NAGIOS_WORD[r.status]} - ${r.target.name} (${r.target.type}): ${summary(r)}`);
}

function summary(r: DiagnosticResult): string {
  if (r.status === 'unknown') return `could not diagnose: ${unknownReason(r)}`;
  const gating = r.findings.filter(countsTowardGate);
  const count = (sev: Finding['severity']) => gating.filter((f) => f.severity === sev).length;
  const baselined = r.findings.filter((f) => f.baselined).length;
  const below = r.findings.filter((f) => f.belowFailOn && !f.baselined).length;
  const kept = [baselined > 0 && `${baselined} baselined`, below > 0 && `${below} below --fail-on`].filter(Boolean);
  // Only a finding that fails the gate names itself here: an OK line never carries a title.
  const first = gating[0];
  return `${count('critical')} critical, ${count('warning')} warning${kept.length ? ` (${kept.join(', ')})` : ''}${first ? `; ${first.title}` : ''}`;
}

function unknownReason(r: DiagnosticResult): string {
  const e = r.errors[0];
  if (e) return `${e.code} ${e.message}`;
  const skipped = r.categories.map((c) => c.skipped).filter((s): s is string => s !== undefined);
  return skipped.length ? `every category was skipped: ${skipped.join('; ')}` : 'no category could be evaluated';
}

/** Warnings and criticals, each with why it does or does not fail the gate. Info is advice: not listed. */
function findingLines(r: DiagnosticResult, baselineInUse: boolean, indent: string): string[] {
  return r.findings.filter((f) => f.severity !== 'info').map((f) => {
    const marks = [f.baselined && 'baselined', f.belowFailOn && 'below --fail-on', baselineInUse && countsTowardGate(f) && 'new'].filter(Boolean);
    return clean(`${indent}- ${f.severity} ${f.id}${f.node ? ` [${f.node}]` : ''}: ${f.title}${marks.length ? ` (${marks.join(', ')})` : ''}`);
  });
}

/** `|` starts perfdata and a newline starts long output: neither may appear in text. */
function clean(line: string): string {
  return line.replace(/[|\r\n]/g, ' ');
}
