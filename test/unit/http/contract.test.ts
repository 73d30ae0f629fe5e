// The contract kit on the http plugin: manifest vs code, the guard in the path (GET only),
// ctx.signal honoured, and snapshot cases for every check with its threshold boundaries.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { testPlugin, type CheckCase } from '../../../src/testing/index.js';
import httpPlugin from '../../../plugins/http/index.js';
import type { HttpCheckSpec } from '../../../plugins/http/check-spec.js';
import type { HttpContent, HttpProbe, HttpSnapshot } from '../../../plugins/http/snapshot.js';

function probe(check: Partial<HttpCheckSpec> & { id: string }, answer: { status?: number; latencyMs?: number } | null, content: HttpContent | null = null, extra: Partial<HttpProbe> = {}): HttpProbe {
  return {
    endpoint: 'http://10.0.0.4:8082', check: { status: '2xx', ...check }, url: `http://10.0.0.4:8082/${check.id}`,
    answer: answer ? { status: answer.status ?? 200, latencyMs: answer.latencyMs ?? 12, finalUrl: `http://10.0.0.4:8082/${check.id}`, redirects: [], contentType: 'application/json', bodyBytes: 40, truncated: false } : null,
    error: null, content, jolokia: null, ...extra,
  };
}
const snap = (...probes: HttpProbe[]): HttpSnapshot => ({ maxResponseBytes: 1_048_576, probes });
const json = (...values: unknown[]): HttpContent => ({ kind: 'json', values });

const cases: CheckCase[] = [
  { name: 'healthy endpoint, no assertion: content not applicable', data: snap(probe({ id: 'endpoint' }, {})), expect: { status: 'healthy', findings: [] } },
  { name: 'status admitted by a pattern list', data: snap(probe({ id: 'a', status: '200,404' }, { status: 404 })), expect: { findings: [] } },
  { name: '503 where 2xx is expected', data: snap(probe({ id: 'a' }, { status: 503 })), expect: { status: 'critical', findings: [{ id: 'http.status.a', severity: 'critical', observed: 503 }] } },
  { name: 'a check without an answer (other checks answered)', data: snap(probe({ id: 'a' }, {}), probe({ id: 'b' }, null, null, { error: { code: 'KSA_ERR_TIMEOUT', message: 'GET b did not answer' } })), expect: { findings: [{ id: 'http.status.b', severity: 'critical' }] } },
  { name: 'latency equal to the 1 s default: fine', data: snap(probe({ id: 'a' }, { latencyMs: 1000 })), expect: { findings: [] } },
  { name: 'latency just above the 1 s default: warning', data: snap(probe({ id: 'a' }, { latencyMs: 1000.5 })), expect: { findings: [{ id: 'http.latency.a', severity: 'warning', observed: 1000.5 }] } },
  { name: 'latency above the check\'s own critical', data: snap(probe({ id: 'a', latencyWarning: 100, latencyCritical: 200 }, { latencyMs: 201 })), expect: { findings: [{ id: 'http.latency.a', severity: 'critical' }] } },
  { name: 'latency override from ksa.yaml thresholds', data: snap(probe({ id: 'a' }, { latencyMs: 300 })), thresholds: { 'http.latency': { warning: 250 } }, expect: { findings: [{ id: 'http.latency.a', severity: 'warning' }] } },
  { name: 'JSON value equal to its critical: fine', data: snap(probe({ id: 'urp', jsonPath: '$.value', critical: 0 }, {}, json(0))), expect: { findings: [] } },
  { name: 'JSON value above its critical', data: snap(probe({ id: 'urp', jsonPath: '$.value', warning: 0, critical: 5 }, {}, json(6))), expect: { findings: [{ id: 'http.content.urp', severity: 'critical', observed: 6 }] } },
  { name: 'JSON value below its warning (direction below), numeric text read as a number', data: snap(probe({ id: 'isr', jsonPath: '$.value', warning: 3, direction: 'below' }, {}, json('2'))), expect: { findings: [{ id: 'http.content.isr', severity: 'warning', observed: 2 }] } },
  { name: 'JSON value that is not a number', data: snap(probe({ id: 'n', jsonPath: '$.value', critical: 1 }, {}, json('n/a'))), expect: { findings: [{ id: 'http.content.n', severity: 'critical' }] } },
  { name: 'JSON state not equal to the expected', data: snap(probe({ id: 's', jsonPath: '$..state', equals: 'RUNNING' }, {}, json('RUNNING', 'FAILED'))), expect: { findings: [{ id: 'http.content.s', severity: 'critical' }] } },
  { name: 'JSON state matching the regex', data: snap(probe({ id: 's', jsonPath: '$..state', regex: '^(RUNNING|PAUSED)$' }, {}, json('RUNNING', 'PAUSED'))), expect: { findings: [] } },
  { name: 'JSON path matching nothing', data: snap(probe({ id: 'p', jsonPath: '$.nope' }, {}, json())), expect: { findings: [{ id: 'http.content.p', severity: 'critical' }] } },
  { name: 'not JSON', data: snap(probe({ id: 'p', jsonPath: '$.a' }, {}, { kind: 'not-json', excerpt: '<html>' })), expect: { findings: [{ id: 'http.content.p', severity: 'critical' }] } },
  { name: 'regex on the body: no match', data: snap(probe({ id: 't', regex: 'UP' }, {}, { kind: 'text', match: null })), expect: { findings: [{ id: 'http.content.t', severity: 'critical' }] } },
  { name: 'regex on the body: match', data: snap(probe({ id: 't', regex: 'UP' }, {}, { kind: 'text', match: 'UP' })), expect: { findings: [] } },
  { name: 'Jolokia in-body status 404', data: snap(probe({ id: 'j', mbean: 'a:b=c', jsonPath: '$.value', critical: 0 }, {}, json(), { jolokia: { status: 404, error: 'InstanceNotFoundException' } })), expect: { findings: [{ id: 'http.content.j', severity: 'critical' }] } },
  { name: 'body over the limit: the content category skipped (unknown), not judged', data: snap(probe({ id: 'big', jsonPath: '$.a', critical: 1 }, {}, { kind: 'too-large', limit: 1024 })), expect: { findings: [], skipped: ['content'] } },
  { name: 'a jsonPath the library cannot read: skipped with the fix', data: snap(probe({ id: 'bad', jsonPath: '$[' }, {}, { kind: 'bad-assertion', why: 'Unexpected end' })), expect: { findings: [], skipped: ['content'] } },
];

testPlugin({
  module: httpPlugin,
  manifestPath: fileURLToPath(new URL('../../../manifests/http-diagnostics.yaml', import.meta.url)),
  cases,
}, { describe, it });
