// Status arithmetic: worst status, severity -> status, exit codes of the CI contract.
import { describe, expect, it } from 'vitest';
import { EXIT_CODE, exitCodeFor, severityFailsGate, statusOfSeverity, worstStatus } from '../../../src/core/status.js';
import { buildReport } from '../../../src/cli/report.js';
import type { DiagnosticResult, Status } from '../../../src/core/types.js';

describe('worstStatus', () => {
  it.each([
    [[], 'healthy'],
    [['healthy'], 'healthy'],
    [['healthy', 'warning'], 'warning'],
    [['critical', 'warning', 'healthy'], 'critical'],
    [['critical', 'unknown'], 'critical'],
    [['unknown', 'critical'], 'critical'],
    [['warning', 'unknown'], 'unknown'],
    [['unknown', 'healthy'], 'unknown'],
    [['warning', 'warning'], 'warning'],
  ] as Array<[Status[], Status]>)('%j -> %s', (list, want) => {
    expect(worstStatus(list)).toBe(want);
  });
});

describe('statusOfSeverity', () => {
  it.each([['info', 'healthy'], ['warning', 'warning'], ['critical', 'critical']] as const)('%s -> %s', (sev, status) => {
    expect(statusOfSeverity(sev)).toBe(status);
  });
});

describe('exit codes', () => {
  it('Nagios: healthy 0, warning 1, critical 2, unknown 3', () => {
    expect(EXIT_CODE).toEqual({ healthy: 0, warning: 1, critical: 2, unknown: 3 });
  });

  it.each([['healthy', 0], ['warning', 1], ['critical', 2], ['unknown', 3]] as const)('effective %s -> %d', (status, code) => {
    expect(exitCodeFor(status)).toBe(code);
  });

  it.each([
    ['info', 'warning', false], ['warning', 'warning', true], ['critical', 'warning', true],
    ['info', 'critical', false], ['warning', 'critical', false], ['critical', 'critical', true],
  ] as const)('a %s finding under --fail-on %s fails the gate: %s', (severity, failOn, fails) => {
    expect(severityFailsGate(severity, failOn)).toBe(fails);
  });
});

describe('buildReport', () => {
  // A consistent result: its status is its worst finding (or unknown with an error).
  const result = (status: Status): DiagnosticResult => ({
    schemaVersion: 1, plugin: { id: 'p', version: '1.0.0' }, target: { type: 't', name: status, endpoints: ['h:1'] }, status,
    startedAt: new Date(0).toISOString(), durationMs: 1, categories: [],
    findings: status === 'warning' || status === 'critical'
      ? [{ id: 'p.c.x', category: 'c', severity: status, title: 'x', detail: 'x', suggestion: 'x', evidence: {} }]
      : [],
    metrics: {},
    errors: status === 'unknown' ? [{ code: 'KSA_ERR_TIMEOUT', message: 'x', retryable: true }] : [],
  });

  it.each([
    { statuses: ['healthy', 'warning'], failOn: 'warning', status: 'warning', exitCode: 1 },
    { statuses: ['healthy', 'warning'], failOn: 'critical', status: 'healthy', exitCode: 0 },
    { statuses: ['critical', 'unknown'], failOn: 'critical', status: 'critical', exitCode: 2 },
    { statuses: ['critical', 'unknown'], failOn: 'warning', status: 'critical', exitCode: 2 },
    { statuses: ['warning', 'unknown'], failOn: 'critical', status: 'unknown', exitCode: 3 },
    { statuses: ['warning', 'unknown'], failOn: 'warning', status: 'unknown', exitCode: 3 },
    { statuses: ['critical', 'healthy'], failOn: 'critical', status: 'critical', exitCode: 2 },
    { statuses: [], failOn: 'warning', status: 'healthy', exitCode: 0 },
  ] as const)('$statuses (fail-on $failOn) -> $status, exit $exitCode', ({ statuses, failOn, status, exitCode }) => {
    const report = buildReport(statuses.map(result), failOn);
    expect(report).toMatchObject({ schemaVersion: 1, status, exitCode });
    expect(report.results).toHaveLength(statuses.length);
  });
});

describe('one effective status', () => {
  const warned = (): DiagnosticResult => ({
    schemaVersion: 1, plugin: { id: 'p', version: '1.0.0' }, target: { type: 't', name: 'a', endpoints: ['h:1'] }, status: 'warning',
    startedAt: new Date(0).toISOString(), durationMs: 1,
    categories: [{ name: 'c', status: 'warning', durationMs: 0 }],
    findings: [{ id: 'p.c.x', category: 'c', severity: 'warning', title: 'x', detail: 'x', suggestion: 'x', evidence: {} }],
    metrics: {}, errors: [],
  });

  it('--fail-on critical: the result, its category and the report are healthy; the raw status is kept', () => {
    const report = buildReport([warned()], 'critical');
    expect(report).toMatchObject({ status: 'healthy', exitCode: 0, rawStatus: 'warning', failOn: 'critical' });
    expect(report.results[0]).toMatchObject({ status: 'healthy', rawStatus: 'warning' });
    expect(report.results[0]!.categories[0]).toMatchObject({ status: 'healthy', rawStatus: 'warning' });
    expect(report.results[0]!.findings[0]).toMatchObject({ severity: 'warning', belowFailOn: true });
  });

  it('a baselined warning: healthy, and the baseline counts no new finding', () => {
    const r = warned();
    r.findings[0]!.baselined = true;
    const report = buildReport([r], 'warning', { file: 'b.json', suppressed: 1 });
    expect(report).toMatchObject({ status: 'healthy', exitCode: 0, rawStatus: 'warning', baseline: { suppressed: 1, new: 0 } });
  });

  it('--fail-on warning keeps everything as found (no rawStatus)', () => {
    const report = buildReport([warned()], 'warning');
    expect(report.rawStatus).toBeUndefined();
    expect(report.results[0]!.rawStatus).toBeUndefined();
    expect(report).toMatchObject({ status: 'warning', exitCode: 1 });
  });
});
