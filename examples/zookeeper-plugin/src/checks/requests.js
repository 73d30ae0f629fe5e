import { defineCheck } from '@kubestack/ksa/sdk';
import { LATENCY_AVG, LATENCY_MAX, OUTSTANDING } from '../thresholds.js';

// mntr when allowed, else srvr: both report the same counters.
const stats = (d) => ({
  outstanding: d.mntr?.zk_outstanding_requests ?? d.srvr?.outstanding ?? null,
  avg: d.mntr?.zk_avg_latency ?? d.srvr?.latencyAvg ?? null,
  max: d.mntr?.zk_max_latency ?? d.srvr?.latencyMax ?? null,
  source: d.mntr ? 'mntr' : 'srvr',
});

export const requestChecks = [
  defineCheck({
    id: 'zookeeper.requests.outstanding', category: 'requests',
    run(d, ctx) {
      const s = stats(d);
      if (s.outstanding === null) return null;
      return ctx.judge(OUTSTANDING, s.outstanding, {
        title: 'Requests queued', detail: `${s.outstanding} requests are waiting to be processed`,
        suggestion: 'the server cannot keep up: look for clients issuing bursts of writes, slow disks (fsync) or GC pauses; add observers for read load',
        evidence: { outstanding: s.outstanding, source: s.source },
      });
    },
  }),
  defineCheck({
    id: 'zookeeper.requests.latency', category: 'requests',
    run(d, ctx) {
      const s = stats(d);
      const evidence = { avgMs: s.avg, maxMs: s.max, source: s.source };
      return [
        s.avg === null ? null : ctx.judge(LATENCY_AVG, s.avg, { title: 'High average request latency', detail: `average latency ${s.avg} ms since the counters were reset`, suggestion: 'put the transaction log (dataLogDir) on a dedicated fast disk and check GC pauses; reset counters with `srst` after fixing', evidence }),
        s.max === null ? null : ctx.judge(LATENCY_MAX, s.max, { title: 'Request latency spike', detail: `maximum latency ${s.max} ms since the counters were reset`, suggestion: 'a spike usually means a GC pause or an fsync stall: check the GC log and disk latency', evidence }),
      ];
    },
  }),
];
