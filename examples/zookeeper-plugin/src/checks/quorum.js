import { defineCheck } from '@kubestack/ksa/sdk';

export const quorumChecks = [
  defineCheck({
    id: 'zookeeper.quorum.synced-followers', category: 'quorum',
    run(d, ctx) {
      // Only the leader reports followers; on other servers this check has nothing to say.
      const followers = d.mntr?.zk_followers;
      const synced = d.mntr?.zk_synced_followers;
      if (d.mntr?.zk_server_state !== 'leader' || typeof followers !== 'number' || typeof synced !== 'number') return null;
      if (synced >= followers) return null;
      const ensemble = followers + 1;
      const majority = Math.floor(ensemble / 2) + 1;
      const lostMajority = synced + 1 < majority;
      return ctx.finding({
        id: 'zookeeper.quorum.synced-followers', severity: lostMajority ? 'critical' : 'warning',
        title: lostMajority ? 'Quorum at risk: too few followers in sync' : 'Follower not in sync',
        detail: `${synced} of ${followers} followers are in sync with the leader (a quorum needs ${majority} of ${ensemble} servers)`,
        observed: { value: synced, unit: 'followers' },
        suggestion: 'check the lagging followers: network to the leader (port 2888), disk speed and their logs; one more failure may stop writes',
        evidence: { followers, syncedFollowers: synced, pendingSyncs: d.mntr.zk_pending_syncs ?? null },
      });
    },
  }),
];
