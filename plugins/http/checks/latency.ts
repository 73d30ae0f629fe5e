// latency: each answered GET's time, redirects and body included, against the check's own limits
// (latencyWarning / latencyCritical in ksa.yaml) or the default.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import type { HttpSnapshot } from '../snapshot.js';

export const LATENCY = defineThreshold({
  id: 'http.latency', warning: 1000, critical: null, direction: 'above', unit: 'ms',
  source: 'awesome-prometheus-alerts blackbox BlackboxSlowProbe: probe takes more than 1 s https://samber.github.io/awesome-prometheus-alerts/rules/basic-resource-monitoring/blackbox/',
});

const latency = defineCheck<HttpSnapshot>({
  id: 'http.latency',
  category: 'latency',
  run(data, ctx) {
    return data.probes.map((p) => {
      if (!p.answer) return null;
      const own = p.check.latencyWarning !== undefined || p.check.latencyCritical !== undefined;
      const spec = own
        ? { ...LATENCY, warning: p.check.latencyWarning ?? null, critical: p.check.latencyCritical ?? null, source: `ksa.yaml check ${p.check.id} (latencyWarning/latencyCritical)` }
        : LATENCY;
      return ctx.judge(spec, p.answer.latencyMs, {
        id: `http.latency.${p.check.id}`, node: p.endpoint,
        evidence: { url: p.url, status: p.answer.status, redirects: p.answer.redirects.length, bodyBytes: p.answer.bodyBytes },
        title: `${p.check.id}: slow answer`,
        detail: `GET ${p.url} took ${p.answer.latencyMs} ms${p.answer.redirects.length ? ` (${p.answer.redirects.length} redirects)` : ''}.`,
        suggestion: 'Find where the time goes (the service, its dependencies, the network); a redirect chain costs a round trip per hop.',
      });
    });
  },
});

export const latencyChecks = [latency];
