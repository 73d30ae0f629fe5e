// JUnit XML that CI servers can trend (Jenkins, GitLab): a <testsuite> per target and a
// <testcase> per (target, check id) for every check the plugin ran, passing ones included, so
// the same classname/name pairs come back on every run whatever the result and the CI server
// can show "fixed" and "new failure" per check.
//   classname = `<target label>.<category>`, name = check id (CategoryResult.checks; finding ids
//   only for a category without a checks list). Findings whose id is the check id or starts with
//   `<check id>.` belong to its testcase, several (e.g. one per node) to one <failure>.
//   Target label: the target's name, except when that name is the endpoint (`ksa diagnose <type>
//   host:port` without --name names the target after its endpoint, see target-from-args.ts): then
//   the middleware type, so no endpoint reaches test names and the healthy, failing and
//   unreachable runs of one target report the same cases. Use --name for a name of your own.
// Outcomes derive from the effective statuses (report.ts): a finding that fails the gate is a
// <failure>; one that does not (info, baselined, below --fail-on) is listed in <system-out> and
// the case passes; the checks of a skipped or not-applicable category are <skipped>; every check
// of a target that could not be diagnosed (status unknown) is an <error>.
import { countsTowardGate } from '../cli/report.js';
import type { CategoryResult, DiagnosticResult, Finding, Report, Severity } from '../core/types.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

type Outcome = 'passed' | 'failure' | 'error' | 'skipped';
interface Case { classname: string; name: string; outcome: Outcome; body: string }
interface Suite { name: string; timestamp: string; seconds: number; cases: Case[] }

export function renderJunit(report: Report): string {
  const suites = report.results.map(suiteOf);
  const all = suites.flatMap((s) => s.cases);
  const seconds = suites.reduce((n, s) => n + s.seconds, 0);
  const body = suites.map((s) => {
    const cases = s.cases.map((c) => `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}" time="0"${c.body ? `>${c.body}</testcase>` : '/>'}`).join('\n');
    return `  <testsuite name="${esc(s.name)}" ${counts(s.cases)} time="${s.seconds.toFixed(3)}" timestamp="${esc(s.timestamp)}">\n${cases}\n  </testsuite>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ksa" ${counts(all)} time="${seconds.toFixed(3)}">\n${body}\n</testsuites>\n`;
}

function counts(cases: readonly Case[]): string {
  const n = (o: Outcome) => cases.filter((c) => c.outcome === o).length;
  return `tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}"`;
}

/** The target's name unless it is its endpoint (the argv default), then its type. */
export function targetLabel(target: DiagnosticResult['target']): string {
  const bare = (s: string) => s.replace(/^unix:/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
  const endpoints = target.endpoints.map(bare);
  const named = bare(target.name);
  const isEndpoint = endpoints.includes(named) || named === endpoints.join(',') || endpoints.some((e) => named === `${target.type}@${e}`);
  return isEndpoint ? target.type : target.name;
}

function suiteOf(r: DiagnosticResult): Suite {
  const label = targetLabel(r.target);
  const error = r.status === 'unknown' ? errorOf(r) : undefined;
  const cases = checkCases(r, label, error);
  // No checks known (e.g. a snapshot that could not be read): one case still carries the error.
  if (error && cases.length === 0) cases.push({ classname: `${label}.ksa`, name: 'diagnosis', outcome: 'error', body: error });
  return { name: label === r.target.type ? label : `${label} (${r.target.type})`, timestamp: r.startedAt.slice(0, 19), seconds: r.durationMs / 1000, cases };
}

function errorOf(r: DiagnosticResult): string {
  const e = r.errors[0];
  const skips = r.categories.map((c) => c.skipped).filter(Boolean).join('; ');
  const message = e ? `could not diagnose: ${e.message}` : `could not diagnose: ${skips || 'no category was evaluated'}`;
  return `<error type="${esc(e?.code ?? 'unknown')}" message="${esc(message)}"/>`;
}

/** One case per check of every category, plus any finding no check claims (never dropped). */
function checkCases(r: DiagnosticResult, label: string, error: string | undefined): Case[] {
  const cases: Case[] = [];
  const claimed = new Set<Finding>();
  for (const category of r.categories) {
    const own = r.findings.filter((f) => f.category === category.name);
    const checks = category.checks ?? [...new Set(own.map((f) => f.id))];
    const longestFirst = [...checks].sort((a, b) => b.length - a.length);
    const checkOf = (f: Finding) => longestFirst.find((id) => f.id === id || f.id.startsWith(`${id}.`)) ?? f.id;
    const byCheck = new Map<string, Finding[]>(checks.map((id) => [id, []]));
    for (const f of own) {
      const id = checkOf(f);
      byCheck.set(id, [...(byCheck.get(id) ?? []), f]);
      claimed.add(f);
    }
    for (const [id, findings] of byCheck) cases.push(caseOf(`${label}.${category.name}`, id, findings, category, error));
  }
  const orphans = r.findings.filter((f) => !claimed.has(f));
  for (const f of orphans) cases.push(caseOf(`${label}.${f.category}`, f.id, [f], undefined, error));
  return cases;
}

function caseOf(classname: string, name: string, findings: readonly Finding[], category: CategoryResult | undefined, error: string | undefined): Case {
  if (error) return { classname, name, outcome: 'error', body: error + systemOut(findings) };
  const failing = findings.filter(countsTowardGate).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const out = systemOut(findings.filter((f) => !countsTowardGate(f)));
  if (failing.length > 0) {
    const worst = failing[0]!;
    const message = failing.length > 1 ? `${worst.title} (+${failing.length - 1} more)` : worst.title;
    const text = failing.map((f) => `${f.severity}: ${describe(f)}`).join('\n\n');
    return { classname, name, outcome: 'failure', body: `<failure type="${worst.severity}" message="${esc(message)}">${esc(text)}</failure>${out}` };
  }
  if ((category?.skipped !== undefined || category?.notApplicable) && findings.length === 0) {
    const reason = category.notApplicable ? `not applicable${category.skipped ? `: ${category.skipped}` : ''}` : category.skipped ?? '';
    return { classname, name, outcome: 'skipped', body: `<skipped message="${esc(reason)}"/>` };
  }
  return { classname, name, outcome: 'passed', body: out };
}

/** Findings that do not fail the gate (or of a target in error), each marked with why. */
function systemOut(findings: readonly Finding[]): string {
  return findings.length > 0 ? `<system-out>${esc(findings.map((f) => `${marker(f)}: ${describe(f)}`).join('\n\n'))}</system-out>` : '';
}

/** Why a finding does not fail the gate, as the CI log shows it. */
function marker(f: Finding): string {
  if (f.baselined) return `${f.severity} (baselined)`;
  if (f.belowFailOn) return `${f.severity} (below --fail-on)`;
  return f.severity;
}

function describe(f: Finding): string {
  const observed = f.observed ? ` (observed ${f.observed.value}${f.observed.unit ? ` ${f.observed.unit}` : ''})` : '';
  return `${f.id}${f.node ? ` @${f.node}` : ''}: ${f.title}\n${f.detail}${observed}\nsuggestion: ${f.suggestion}`;
}
