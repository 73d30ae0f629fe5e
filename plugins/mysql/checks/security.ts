// security: accounts without a password, anonymous accounts, root reachable from other hosts, and
// TLS not required. Needs SELECT on the account table; collect marks the category skipped otherwise.
import { defineCheck, defineStateRule } from '../../../src/sdk/index.js';
import type { CheckDefinition } from '../../../src/sdk/index.js';
import type { AccountRow, MysqlSnapshot } from '../snapshot.js';
import { isOn } from '../server-values.js';

type Data = MysqlSnapshot;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

// The rule behind each finding, defined at import (the source's URL is checked there).
const EMPTY_PASSWORD = defineStateRule({ id: 'mysql.security.empty-password', source: 'MySQLTuner 1.9 security checks / CIS MySQL benchmark: every account has a password https://dev.mysql.com/doc/refman/8.0/en/assigning-passwords.html' });
const ANONYMOUS_ACCOUNT = defineStateRule({ id: 'mysql.security.anonymous-account', source: 'MySQLTuner 1.9 / mysql_secure_installation: remove anonymous users https://dev.mysql.com/doc/refman/8.0/en/mysql-secure-installation.html' });
const ROOT_REMOTE = defineStateRule({ id: 'mysql.security.root-remote', source: 'mysql_secure_installation / CIS MySQL benchmark: root only from localhost https://dev.mysql.com/doc/refman/8.0/en/default-privileges.html' });
const TLS_NOT_REQUIRED = defineStateRule({ id: 'mysql.security.tls-not-required', source: 'CIS MySQL benchmark: require_secure_transport = ON / accounts REQUIRE SSL https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_require_secure_transport' });

const account = (a: AccountRow) => `'${a.user}'@'${a.host}'`;

function active(data: Data): AccountRow[] {
  return (data.security?.accounts ?? []).filter((a) => !a.locked);
}

const emptyPassword = defineCheck<Data>({
  id: 'mysql.security.empty-password',
  category: 'security',
  run(data, ctx) {
    const found = active(data).filter((a) => a.emptyPassword && a.user !== '');
    if (found.length === 0) return null;
    return ctx.finding({
      id: 'mysql.security.empty-password',
      severity: 'critical',
      title: `${found.length} account(s) without a password`,
      detail: `Anyone who can reach the server from the allowed hosts logs in as: ${found.map(account).join(', ')}.`,
      observed: { value: found.length, unit: 'accounts' },
      suggestion: "Set a password (ALTER USER 'u'@'h' IDENTIFIED BY '...'), switch to socket authentication, or lock the account (ALTER USER ... ACCOUNT LOCK).",
      evidence: { accounts: found.map((a) => ({ user: a.user, host: a.host, plugin: a.plugin })) },
      threshold: EMPTY_PASSWORD,
    });
  },
});

const anonymous = defineCheck<Data>({
  id: 'mysql.security.anonymous-account',
  category: 'security',
  run(data, ctx) {
    const found = active(data).filter((a) => a.user === '');
    if (found.length === 0) return null;
    return ctx.finding({
      id: 'mysql.security.anonymous-account',
      severity: 'warning',
      title: `${found.length} anonymous account(s)`,
      detail: `Accounts with an empty user name match any user name: ${found.map(account).join(', ')}.`,
      observed: { value: found.length, unit: 'accounts' },
      suggestion: "DROP USER ''@'<host>' for each (mariadb-secure-installation does this).",
      evidence: { accounts: found.map((a) => ({ host: a.host, emptyPassword: a.emptyPassword })) },
      threshold: ANONYMOUS_ACCOUNT,
    });
  },
});

const rootRemote = defineCheck<Data>({
  id: 'mysql.security.root-remote',
  category: 'security',
  run(data, ctx) {
    const found = active(data).filter((a) => a.user === 'root' && !LOCAL_HOSTS.has(a.host));
    if (found.length === 0) return null;
    const anyHost = found.some((a) => a.host === '%');
    return ctx.finding({
      id: 'mysql.security.root-remote',
      severity: anyHost ? 'critical' : 'warning',
      title: anyHost ? 'root can log in from any host' : 'root can log in from remote hosts',
      detail: `root is reachable as ${found.map(account).join(', ')}.`,
      observed: { value: found.length, unit: 'accounts' },
      suggestion: "Drop the remote root accounts (DROP USER 'root'@'%') and give administrators named accounts limited to known hosts.",
      evidence: { accounts: found.map((a) => ({ host: a.host, sslType: a.sslType })) },
      threshold: ROOT_REMOTE,
    });
  },
});

const tlsNotRequired = defineCheck<Data>({
  id: 'mysql.security.tls-not-required',
  category: 'security',
  run(data, ctx) {
    if (isOn(data, 'require_secure_transport')) return null;
    const remote = active(data).filter((a) => !LOCAL_HOSTS.has(a.host) && a.sslType === '');
    if (remote.length === 0) return null;
    const tlsAvailable = (data.variables.have_ssl ?? data.variables.have_openssl ?? '').toUpperCase() === 'YES';
    return ctx.finding({
      id: 'mysql.security.tls-not-required',
      severity: 'warning',
      title: 'TLS is not required for remote accounts',
      detail: `require_secure_transport is OFF and ${remote.length} account(s) reachable from other hosts do not REQUIRE SSL, so passwords and data may cross the network in clear text${tlsAvailable ? '' : ' (TLS is not even configured: have_ssl is not YES)'}.`,
      observed: { value: remote.length, unit: 'accounts' },
      suggestion: tlsAvailable
        ? 'SET GLOBAL require_secure_transport = ON (and in my.cnf), or ALTER USER ... REQUIRE SSL per account.'
        : 'Configure ssl_cert, ssl_key (and ssl_ca) in my.cnf, restart, then set require_secure_transport = ON.',
      evidence: {
        require_secure_transport: data.variables.require_secure_transport ?? null, have_ssl: data.variables.have_ssl ?? null,
        accounts: remote.slice(0, 20).map((a) => `${a.user}@${a.host}`),
      },
      threshold: TLS_NOT_REQUIRED,
    });
  },
});

export const securityChecks: ReadonlyArray<CheckDefinition<Data>> = [emptyPassword, anonymous, rootRemote, tlsNotRequired];
