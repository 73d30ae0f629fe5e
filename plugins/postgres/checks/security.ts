// security: pg_hba.conf rules (when readable) that trust without a password, or let a superuser
// log in over the network without TLS. Loopback rules and listen_addresses are taken into account.
import { defineCheck, defineStateRule } from '../../../src/sdk/index.js';
import type { HbaRule, PgSnapshot } from '../snapshot.js';

export function hbaUnreadableReason(user: string): string {
  return `pg_hba_file_rules is readable only by superusers: run as a superuser, or GRANT SELECT ON pg_hba_file_rules TO ${user} and GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO ${user}`;
}

/** Loopback or same-host addresses: traffic never leaves the machine. */
export function isLocalAddress(address: string | null): boolean {
  if (address === null) return true; // `local` rules: Unix socket
  const a = address.trim().toLowerCase();
  return a === 'localhost' || a === 'samehost' || a === '::1' || a.startsWith('127.');
}

export function listensOnlyLocally(listenAddresses: string | null): boolean {
  if (listenAddresses === null) return false;
  return listenAddresses.split(',').map((s) => s.trim()).every((a) => a === '' || isLocalAddress(a));
}

// States, not counts: a trust rule is critical on the network and a warning on local sockets /
// loopback whatever the number of rules, so there is no limit to override.
const HBA_TRUST = defineStateRule({ id: 'postgres.security.hba-trust', source: 'PostgreSQL docs, Client Authentication (pg_hba.conf): trust allows anyone who can connect to log in as any role (critical for network rules, warning for local and loopback ones) https://www.postgresql.org/docs/current/auth-trust.html' });
const SUPERUSER_NO_TLS = defineStateRule({ id: 'postgres.security.superuser-no-tls', source: 'PostgreSQL docs, The pg_hba.conf File: hostssl matches only connections made with SSL; CIS PostgreSQL Benchmark: require hostssl for remote logins https://www.postgresql.org/docs/current/auth-pg-hba-conf.html' });

const ruleEvidence = (r: HbaRule) => ({ line: r.line, type: r.type, database: r.database, users: r.users, address: r.address, netmask: r.netmask, method: r.method });

export const securityChecks = [
  defineCheck<PgSnapshot>({
    id: 'postgres.security.hba-trust',
    category: 'security',
    run(d, ctx) {
      const s = d.security;
      if (!s) return null;
      if (s.hbaRules === null) {
        ctx.skip(hbaUnreadableReason(d.server.user));
        return null;
      }
      const trust = s.hbaRules.filter((r) => r.method === 'trust' && r.error === null);
      if (trust.length === 0) return null;
      const remote = trust.filter((r) => r.type !== 'local' && !isLocalAddress(r.address));
      return ctx.finding({
        id: 'postgres.security.hba-trust',
        severity: remote.length > 0 ? 'critical' : 'warning',
        title: remote.length > 0
          ? `pg_hba.conf trusts network logins without a password (line ${remote.map((r) => r.line).join(', ')})`
          : `pg_hba.conf trusts local logins without a password (line ${trust.map((r) => r.line).join(', ')})`,
        detail: remote.length > 0
          ? 'trust on a host rule lets anyone who can reach the port log in as any role it names, superusers included.'
          : 'trust on local/loopback rules lets every OS user on this machine log in as any role it names, superusers included.',
        suggestion: 'Replace trust with scram-sha-256 (or peer for local sockets) and reload: SELECT pg_reload_conf().',
        observed: { value: trust.length, unit: 'rules' },
        threshold: HBA_TRUST,
        evidence: { rules: trust.map(ruleEvidence) },
      });
    },
  }),
  defineCheck<PgSnapshot>({
    id: 'postgres.security.superuser-no-tls',
    category: 'security',
    run(d, ctx) {
      const s = d.security;
      if (!s || s.superusers.length === 0 || listensOnlyLocally(s.listenAddresses)) return null;
      const sslOff = s.ssl !== 'on';
      let rules: HbaRule[];
      if (s.hbaRules === null) {
        // Without the rules only ssl = off proves it: then every network login is plain text.
        if (!sslOff) return null;
        rules = [];
      } else {
        rules = s.hbaRules.filter((r) => r.error === null && (r.type === 'host' || r.type === 'hostnossl') && r.method !== 'reject'
          && !isLocalAddress(r.address) && (r.users ?? []).some((u) => u === 'all' || s.superusers.includes(u)));
        if (rules.length === 0) return null;
      }
      return ctx.finding({
        id: 'postgres.security.superuser-no-tls',
        severity: 'warning',
        title: sslOff
          ? `ssl is off: superuser(s) ${s.superusers.join(', ')} log in over the network in plain text`
          : `pg_hba.conf lets superuser(s) log in over the network without TLS (line ${rules.map((r) => r.line).join(', ')})`,
        detail: `listen_addresses = '${s.listenAddresses}'. A host (not hostssl) rule accepts unencrypted connections: the superuser's session, and with md5 or password auth its credentials, cross the network readable.`,
        suggestion: 'Turn ssl on with a certificate, change these rules to hostssl (or add a hostnossl ... reject rule for superusers above them), and reload.',
        observed: { value: rules.length || s.superusers.length, unit: rules.length ? 'rules' : 'superusers' },
        threshold: SUPERUSER_NO_TLS,
        evidence: { ssl: s.ssl, listenAddresses: s.listenAddresses, superusers: s.superusers, rules: rules.map(ruleEvidence) },
      });
    },
  }),
];
