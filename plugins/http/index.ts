// http-diagnostics: health endpoints and JSON documents (REST Proxy, Connect, Schema Registry,
// Jolokia's JMX-over-HTTP) checked by status code, latency and a JSON-path or regex assertion, as
// declared per target in ksa.yaml. GET only.
import { defineMiddlewarePlugin, thresholdsIn } from '../../src/sdk/index.js';
import { collectHttp } from './collect.js';
import { connectHttp, type HttpConnection } from './connect.js';
import * as content from './checks/content.js';
import * as latency from './checks/latency.js';
import * as status from './checks/status.js';
import type { HttpSnapshot } from './snapshot.js';

export const HTTP_CATEGORIES = ['status', 'latency', 'content'] as const;

export default defineMiddlewarePlugin<HttpConnection, HttpSnapshot>({
  info: {
    id: 'http-diagnostics',
    version: '1.0.0',
    middleware: 'http',
    name: 'HTTP endpoint checks',
    description: 'HTTP(S) health endpoints and JSON documents (Jolokia JMX too): status, latency, JSON-path or regex assertions',
  },
  categories: HTTP_CATEGORIES,
  connect: connectHttp,
  collect: collectHttp,
  checks: [...status.statusChecks, ...latency.latencyChecks, ...content.contentChecks],
  thresholds: thresholdsIn(status, latency, content),
  metrics: (data) => Object.fromEntries(data.probes.filter((p) => p.answer).map((p) => [`latency_ms_${p.check.id.replace(/-/g, '_')}`, p.answer!.latencyMs])),
});
