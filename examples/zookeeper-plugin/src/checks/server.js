import { defineCheck } from '@kubestack/ksa/sdk';

const MODES = {
  leader: null,
  follower: null,
  observer: null,
  standalone: { severity: 'info', title: 'Standalone server (no replication)', suggestion: 'run an ensemble of 3 or 5 servers for production; a standalone server is a single point of failure' },
  'read-only': { severity: 'critical', title: 'Read-only mode (no quorum)', suggestion: 'restore the quorum: start the missing ensemble members or fix the network between them' },
};

export const serverChecks = [
  defineCheck({
    id: 'zookeeper.server.ruok', category: 'server',
    run(d, ctx) {
      if (d.ruok === 'imok') return null;
      if (d.ruok.includes('not in the whitelist')) {
        ctx.skip('ruok is not in 4lw.commands.whitelist: add it (4lw.commands.whitelist=mntr,srvr,ruok,cons)');
        return null;
      }
      return ctx.finding({ id: 'zookeeper.server.ruok', severity: 'critical', title: 'Server is not OK', detail: `ruok answered ${JSON.stringify(d.ruok.slice(0, 80))} instead of imok`, suggestion: 'check the server log; the server is running in an error state', evidence: { ruok: d.ruok.slice(0, 200) } });
    },
  }),
  defineCheck({
    id: 'zookeeper.server.mode', category: 'server',
    run(d, ctx) {
      if (d.notServing) {
        return ctx.finding({ id: 'zookeeper.server.mode', severity: 'critical', title: 'Not serving requests', detail: 'the server answers but is not serving requests: it has no quorum or is still starting', suggestion: 'check that a majority of the ensemble is up and can reach each other on the quorum and election ports', evidence: { srvr: 'This ZooKeeper instance is not currently serving requests' } });
      }
      const mode = d.srvr?.mode ?? d.mntr?.zk_server_state;
      if (!mode) {
        ctx.skip('srvr is not in 4lw.commands.whitelist: add it (4lw.commands.whitelist=mntr,srvr,ruok,cons)');
        return null;
      }
      const rule = MODES[mode];
      if (rule === null) return null;
      const r = rule ?? { severity: 'warning', title: `Unexpected mode ${mode}`, suggestion: 'check the server log for the election state' };
      return ctx.finding({ id: 'zookeeper.server.mode', severity: r.severity, title: r.title, detail: `mode ${mode}`, observed: { value: mode }, suggestion: r.suggestion, evidence: { mode, version: d.srvr?.version ?? d.mntr?.zk_version ?? null } });
    },
  }),
];
