// Fixture results for the renderers' unit tests, gated by the real buildReport (src/cli/report.ts)
// so the statuses and markers are the ones the CLI would produce.
import type { DiagnosticResult, Finding, Status } from '../../src/core/types.js';

export function fixtureResult(name: string, opts: Partial<Pick<DiagnosticResult, 'status' | 'findings' | 'categories' | 'errors' | 'target'>> = {}): DiagnosticResult {
  const status: Status = opts.status ?? 'healthy';
  return {
    schemaVersion: 1,
    plugin: { id: 'redis-diagnostics', version: '1.0.0' },
    target: opts.target ?? { type: 'redis', name, endpoints: ['10.0.0.1:6379'] },
    status,
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 42,
    categories: opts.categories ?? [{ name: 'memory', status, durationMs: 1, checks: ['redis.memory.usage'] }],
    findings: opts.findings ?? [],
    metrics: {},
    errors: opts.errors ?? [],
  };
}

export function fixtureFinding(id: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return {
    id,
    category: id.split('.')[1]!,
    severity,
    title: `${id} title`,
    detail: `${id} detail`,
    suggestion: `${id} suggestion`,
    evidence: { used_memory: 1024 },
    observed: { value: 92, unit: '%' },
    threshold: { warning: 90, critical: 95, direction: 'above', source: 'redis docs' },
    node: '10.0.0.1:6379',
    ...extra,
  };
}

/** Every string a plugin controls, made of what breaks Markdown tables and HTML. */
export const HOSTILE = {
  title: '</td><script>alert(1)</script> | *bold* _x_ `code` [link](javascript:alert(1))',
  detail: 'a | b\nsecond line ``` ~~strike~~ <img src=x onerror=alert(1)> & &amp;',
  suggestion: '![img](http://evil.example/x.png) </details></summary><script>alert(2)</script> # not a heading',
  node: 'node|1`x',
  evidence: { '</details>': '```\n</details><script>alert(3)</script>', pipe: 'a|b' },
  observed: '<b>9</b>|9',
  source: '</table><iframe src="http://evil.example"></iframe>',
  targetName: 'cache | </td><script>alert(4)</script>',
  errorMessage: 'refused <script>alert(5)</script> | `x`',
};
