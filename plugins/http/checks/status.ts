// status: each check's GET answered, with a status code the check admits (default 2xx).
import { defineCheck, defineStateRule } from '../../../src/sdk/index.js';
import { statusAdmitted } from '../check-spec.js';
import type { HttpSnapshot } from '../snapshot.js';

const UNEXPECTED = defineStateRule({
  id: 'http.status',
  source: 'Prometheus blackbox_exporter http prober: a probe fails on a status code outside valid_status_codes (default 2xx) https://github.com/prometheus/blackbox_exporter/blob/master/CONFIGURATION.md#http_probe',
});

const status = defineCheck<HttpSnapshot>({
  id: 'http.status',
  category: 'status',
  run(data, ctx) {
    return data.probes.map((p) => {
      const id = `http.status.${p.check.id}`;
      if (p.error) {
        return ctx.finding({
          id, severity: 'critical', threshold: UNEXPECTED, node: p.endpoint, observed: { value: p.error.code },
          evidence: { url: p.url, error: p.error.message },
          title: `${p.check.id}: no answer`,
          detail: `GET ${p.url} failed: ${p.error.message}`,
          suggestion: 'Check that the service behind the URL runs and is reachable from here; the error names the cause.',
        });
      }
      if (!p.answer || statusAdmitted(p.check.status, p.answer.status)) return null;
      return ctx.finding({
        id, severity: 'critical', threshold: UNEXPECTED, node: p.endpoint, observed: { value: p.answer.status },
        evidence: { url: p.url, finalUrl: p.answer.finalUrl, expected: p.check.status, redirects: p.answer.redirects.length },
        title: `${p.check.id}: HTTP ${p.answer.status}`,
        detail: `GET ${p.answer.finalUrl} answered ${p.answer.status}, expected ${p.check.status}${p.answer.redirects.length ? ` (after ${p.answer.redirects.length} redirects)` : ''}.`,
        suggestion: p.answer.status >= 300 && p.answer.status < 400
          ? 'The answer is a redirect that was not followed: raise maxRedirects, or point the check at the final URL.'
          : 'Read the service log for why this endpoint fails; a 401/403 needs the credentials (auth or bearerToken).',
      });
    });
  },
});

export const statusChecks = [status];
