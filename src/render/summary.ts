// What the reports for people (Markdown for pull requests and step summaries, HTML for a file to
// open) say, independent of markup, so both say the same thing. Every word derives from the
// effective statuses and markers set once by buildReport (src/cli/report.ts): the headline from
// report.status (whose exit code is report.exitCode), each target from result.status; a finding
// that does not fail the gate is shown with why (info, baselined, below --fail-on), and with a
// baseline in use the ones that fail it are marked new. Text here is plain: the renderers escape.
import { countsTowardGate } from '../cli/report.js';
import { NAGIOS_WORD } from '../core/status.js';
import type { CategoryResult, DiagnosticResult, ErrorInfo, Finding, Report, Severity, Status } from '../core/types.js';
import { ordered } from './table/findings.js';
import { findingMark, ungated, type Mark } from './table/gate-marks.js';

export type Word = (typeof NAGIOS_WORD)[Status];
/** A category's state: its effective status, or not evaluated (skipped) or not applicable (n/a). */
export type CategoryState = Status | 'skipped' | 'n/a';

export interface Summary {
  status: Status;
  word: Word;
  exitCode: number;
  failOn: NonNullable<Report['failOn']>;
  /** `N targets: 1 critical, 1 ok` (by effective status, worst first). */
  counts: string;
  /** Targets that are not OK, worst first: `critical: db; unknown: gone`. */
  named: string;
  /**
   * What was found when the gate changed the run's status: `found warning: 1 below --fail-on
   * critical`; the raw status in lower case, so no capital WARNING stands where the gate says OK.
   */
  found?: string;
  baseline?: { file: string; suppressed: number; new: number };
  targets: TargetSummary[];
}

export interface TargetSummary {
  name: string;
  type: string;
  plugin: string;
  endpoints: string[];
  status: Status;
  word: Word;
  found?: string;
  durationMs: number;
  startedAt: string;
  /** critical and warning: findings that fail the gate; notGating: baselined or below --fail-on. */
  counts: { critical: number; warning: number; info: number; notGating: number };
  errors: ErrorInfo[];
  categories: CategorySummary[];
  /** Warnings and criticals (those that fail the gate first), then info findings (advice). */
  findings: FindingSummary[];
  advice: FindingSummary[];
}

export interface CategorySummary { name: string; state: CategoryState; durationMs?: number; note: string }

export interface FindingSummary {
  severity: Severity;
  id: string;
  node?: string;
  title: string;
  detail: string;
  observed: string;
  threshold: string[];
  source?: string;
  suggestion: string;
  gating: boolean;
  mark?: Mark;
  /** Pretty-printed JSON, absent when the finding carries none. */
  evidence?: string;
}

/** Aggregation order of the run (CRITICAL > UNKNOWN > WARNING > OK). */
const ORDER: readonly Status[] = ['critical', 'unknown', 'warning', 'healthy'];

export function summarize(report: Report): Summary {
  const failOn = report.failOn ?? 'warning';
  const byStatus = (s: Status) => report.results.filter((r) => r.status === s);
  const counts = ORDER.filter((s) => byStatus(s).length > 0).map((s) => `${byStatus(s).length} ${NAGIOS_WORD[s].toLowerCase()}`);
  const plural = report.results.length === 1 ? '' : 's';
  const named = ORDER.filter((s) => s !== 'healthy' && byStatus(s).length > 0).map((s) => `${NAGIOS_WORD[s].toLowerCase()}: ${byStatus(s).map((r) => r.target.name).join(', ')}`);
  const all = report.results.flatMap((r) => r.findings);
  return {
    status: report.status,
    word: NAGIOS_WORD[report.status],
    exitCode: report.exitCode,
    failOn,
    counts: `${report.results.length} target${plural}: ${counts.join(', ') || 'none'}`,
    named: report.results.length > 1 ? named.join('; ') : '',
    ...(report.rawStatus && report.rawStatus !== report.status ? { found: `found ${report.rawStatus}: ${ungated(all, failOn)}` } : {}),
    ...(report.baseline ? { baseline: { file: report.baseline.file, suppressed: report.baseline.suppressed, new: report.baseline.new ?? 0 } } : {}),
    targets: report.results.map((r) => summarizeTarget(r, report)),
  };
}

function summarizeTarget(r: DiagnosticResult, report: Report): TargetSummary {
  const failOn = report.failOn ?? 'warning';
  const gating = r.findings.filter(countsTowardGate);
  const views = ordered(r.findings).map((f) => findingSummary(f, report));
  return {
    name: r.target.name,
    type: r.target.type,
    plugin: `${r.plugin.id} ${r.plugin.version}`,
    endpoints: r.target.endpoints,
    status: r.status,
    word: NAGIOS_WORD[r.status],
    ...(r.rawStatus && r.rawStatus !== r.status ? { found: `found ${r.rawStatus}: ${ungated(r.findings, failOn)}` } : {}),
    durationMs: r.durationMs,
    startedAt: r.startedAt,
    counts: {
      critical: gating.filter((f) => f.severity === 'critical').length,
      warning: gating.filter((f) => f.severity === 'warning').length,
      info: r.findings.filter((f) => f.severity === 'info').length,
      notGating: r.findings.filter((f) => f.severity !== 'info' && !countsTowardGate(f)).length,
    },
    errors: r.errors,
    // When nothing was evaluated and an error says why, a list of "skipped" rows would bury it.
    categories: r.errors.length > 0 && r.categories.every((c) => c.skipped !== undefined) ? [] : r.categories.map((c) => categorySummary(c, r.findings, failOn)),
    findings: views.filter((f) => f.severity !== 'info'),
    advice: views.filter((f) => f.severity === 'info'),
  };
}

function categorySummary(c: CategoryResult, findings: readonly Finding[], failOn: Summary['failOn']): CategorySummary {
  if (c.notApplicable) return { name: c.name, state: 'n/a', note: c.skipped ?? '' };
  if (c.skipped !== undefined) return { name: c.name, state: 'skipped', note: c.skipped };
  const found = c.rawStatus && c.rawStatus !== c.status ? `found ${c.rawStatus}: ${ungated(findings.filter((f) => f.category === c.name), failOn)}` : '';
  return { name: c.name, state: c.status, durationMs: c.durationMs, note: found };
}

function findingSummary(f: Finding, report: Report): FindingSummary {
  const mark = findingMark(f, report);
  const evidence = Object.keys(f.evidence).length > 0 ? JSON.stringify(f.evidence, null, 2) : undefined;
  return {
    severity: f.severity,
    id: f.id,
    ...(f.node ? { node: f.node } : {}),
    title: f.title,
    detail: f.detail,
    observed: f.observed ? `${String(f.observed.value)}${f.observed.unit ? ` ${f.observed.unit}` : ''}` : '',
    threshold: thresholdLines(f),
    ...(f.threshold?.source ? { source: f.threshold.source } : {}),
    suggestion: f.suggestion,
    gating: countsTowardGate(f),
    ...(mark ? { mark } : {}),
    ...(evidence ? { evidence } : {}),
  };
}

function thresholdLines(f: Finding): string[] {
  if (!f.threshold) return [];
  const op = f.threshold.direction === 'above' ? '>' : '<';
  const { warning, critical } = f.threshold;
  return [warning !== null ? `warn ${op} ${warning}` : '', critical !== null ? `crit ${op} ${critical}` : ''].filter(Boolean);
}

/** `3 categories: 1 warning, 1 ok, 1 n/a`. */
export function categoryCounts(categories: readonly CategorySummary[]): string {
  const states: CategoryState[] = ['critical', 'unknown', 'warning', 'healthy', 'skipped', 'n/a'];
  const label = (s: CategoryState) => (s === 'healthy' ? 'ok' : s);
  const parts = states.map((s) => [s, categories.filter((c) => c.state === s).length] as const).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${label(s)}`);
  return `${categories.length} categor${categories.length === 1 ? 'y' : 'ies'}: ${parts.join(', ')}`;
}
