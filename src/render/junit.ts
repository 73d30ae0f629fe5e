// JUnit XML for CI systems: a test suite per target, a test case per category and finding;
// findings that fail the gate are <failure>, skipped categories <skipped>, tool failures <error>.
import { countsTowardGate } from '../cli/report.js';
import type { DiagnosticResult, Report } from '../core/types.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

interface Case { name: string; classname: string; body: string; failed: boolean; errored: boolean; skipped: boolean }

export function renderJunit(report: Report): string {
  const suites = report.results.map(suiteOf);
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failed).length, 0);
  const errors = suites.reduce((n, s) => n + s.cases.filter((c) => c.errored).length, 0);
  const xml = suites.map((s) => {
    const cases = s.cases.map((c) => `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}" time="0">${c.body}</testcase>`).join('\n');
    return `  <testsuite name="${esc(s.name)}" tests="${s.cases.length}" failures="${s.cases.filter((c) => c.failed).length}" errors="${s.cases.filter((c) => c.errored).length}" skipped="${s.cases.filter((c) => c.skipped).length}" time="${(s.ms / 1000).toFixed(3)}">\n${cases}\n  </testsuite>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ksa" tests="${total}" failures="${failures}" errors="${errors}">\n${xml}\n</testsuites>\n`;
}

function suiteOf(r: DiagnosticResult): { name: string; ms: number; cases: Case[] } {
  const name = `${r.target.name} (${r.target.type})`;
  const cls = (category: string) => `${r.target.name}.${category}`;
  if (r.status === 'unknown' && r.errors.length > 0) {
    const e = r.errors[0]!;
    return { name, ms: r.durationMs, cases: [{ name: 'diagnosis', classname: cls('ksa'), body: `<error type="${esc(e.code)}" message="${esc(e.message)}"/>`, failed: false, errored: true, skipped: false }] };
  }
  const cases: Case[] = [];
  for (const c of r.categories) {
    const findings = r.findings.filter((f) => f.category === c.name);
    if (c.skipped && findings.length === 0) {
      cases.push({ name: c.name, classname: cls(c.name), body: `<skipped message="${esc(c.skipped)}"/>`, failed: false, errored: false, skipped: true });
      continue;
    }
    if (findings.length === 0) cases.push({ name: c.name, classname: cls(c.name), body: '', failed: false, errored: false, skipped: false });
    for (const f of findings) {
      const failed = countsTowardGate(f);
      const observed = f.observed ? ` observed ${f.observed.value}${f.observed.unit ? ` ${f.observed.unit}` : ''}` : '';
      const text = `${f.detail}${observed}\nsuggestion: ${f.suggestion}`;
      const body = failed ? `<failure type="${f.severity}" message="${esc(f.title)}">${esc(text)}</failure>` : `<system-out>${esc(`${f.severity}${f.baselined ? ' (baselined)' : ''}: ${text}`)}</system-out>`;
      cases.push({ name: `${f.id}${f.node ? ` @${f.node}` : ''}`, classname: cls(c.name), body, failed, errored: false, skipped: false });
    }
  }
  return { name, ms: r.durationMs, cases };
}
