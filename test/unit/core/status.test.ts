// Status arithmetic: worst status, severity -> status, exit codes of the CI contract.
import { describe, expect, it } from 'vitest';
import { EXIT_CODE, exitCodeFor, statusOfSeverity, worstStatus } from '../../../src/core/status.js';
import { buildReport } from '../../../src/cli/report.js';
import type { DiagnosticResult, Status } from '../../../src/core/types.js';

describe('worstStatus', () => {
  it.each([
    [[], 'healthy'],
    [['healthy'], 'healthy'],
    [['healthy', 'warning'], 'warning'],
    [['critical', 'warning', 'healthy'], 'critical'],
    [['critical', 'unknown'], 'unknown'],
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

  it.each([
    ['healthy', 'warning', 0], ['warning', 'warning', 1], ['critical', 'warning', 2], ['unknown', 'warning', 3],
    ['healthy', 'critical', 0], ['warning', 'critical', 0], ['critical', 'critical', 2], ['unknown', 'critical', 3],
    ['warning', undefined, 1],
  ] as const)('%s with --fail-on %s -> %d', (status, failOn, code) => {
    expect(exitCodeFor(status, failOn)).toBe(code);
  });

  it('a tool failure is never exit 0 whatever --fail-on says', () => {
    for (const failOn of ['warning', 'critical'] as const) expect(exitCodeFor('unknown', failOn)).not.toBe(0);
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
    { statuses: ['healthy', 'warning'], failOn: 'critical', status: 'warning', exitCode: 0 },
    { statuses: ['critical', 'unknown'], failOn: 'critical', status: 'unknown', exitCode: 3 },
    { statuses: ['critical', 'healthy'], failOn: 'critical', status: 'critical', exitCode: 2 },
    { statuses: [], failOn: 'warning', status: 'healthy', exitCode: 0 },
  ] as const)('$statuses (fail-on $failOn) -> $status, exit $exitCode', ({ statuses, failOn, status, exitCode }) => {
    const report = buildReport(statuses.map(result), failOn);
    expect(report).toMatchObject({ schemaVersion: 1, status, exitCode });
    expect(report.results).toHaveLength(statuses.length);
  });
});
