// MySQL 8 and MariaDB answer the same questions with different statements, tables and privilege
// names. Everything that differs is one entry in the DIALECTS table; collect.ts never branches.
import type { Flavor } from './snapshot.js';
import type { Privilege } from './privileges.js';
import type { LockWaitSql } from './lock-waits.js';

export interface Dialect {
  flavor: Flavor;
  /** Replica status, one row per source connection / channel. */
  replicaStatusSql: string;
  replicaStatusPrivilege: Privilege;
  /** Current lock waits and the waited-for locks (joined in lock-waits.ts, not on the server). */
  lockWaits: LockWaitSql;
  /** Accounts with the password emptiness computed on the server (hashes never leave it). */
  accountsSql: string;
  accountsPrivilege: Privilege;
  /** Bounds every statement on the server side too (seconds as a number). */
  statementTimeoutSql(seconds: number): string;
  /** MySQL 8 has per-digest quantiles and the global latency histogram; MariaDB has neither. */
  latencyHistogram: boolean;
}

const PASSWORD_PLUGINS = `('mysql_native_password', 'mysql_old_password', 'caching_sha2_password', 'sha256_password', 'ed25519', 'parsec', '')`;

const MARIADB: Omit<Dialect, 'replicaStatusSql' | 'replicaStatusPrivilege'> = {
  flavor: 'mariadb',
  lockWaits: {
    pairs: `SELECT requesting_trx_id AS requesting, blocking_trx_id AS blocking, requested_lock_id AS lockId
      FROM information_schema.INNODB_LOCK_WAITS`,
    locks: `SELECT lock_id AS lockId, lock_table AS lockTable, lock_index AS lockIndex, lock_mode AS lockMode
      FROM information_schema.INNODB_LOCKS WHERE lock_id IN (?)`,
  },
  // MariaDB 10.4+: mysql.user is a view over mysql.global_priv, which also knows locked accounts
  // (JSON booleans come back from JSON_VALUE as '1').
  accountsSql: `SELECT User AS user, Host AS host, IFNULL(JSON_VALUE(Priv, '$.plugin'), '') AS plugin,
      IFNULL(JSON_VALUE(Priv, '$.plugin'), '') IN ${PASSWORD_PLUGINS}
        AND IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '' AS emptyPassword,
      IFNULL(JSON_VALUE(Priv, '$.account_locked'), 'false') IN ('true', '1') AS locked,
      ELT(IFNULL(JSON_VALUE(Priv, '$.ssl_type'), 0) + 1, '', 'ANY', 'X509', 'SPECIFIED') AS sslType
    FROM mysql.global_priv WHERE IFNULL(JSON_VALUE(Priv, '$.is_role'), 'false') NOT IN ('true', '1')`,
  accountsPrivilege: { name: 'SELECT', on: 'mysql.global_priv' },
  statementTimeoutSql: (seconds) => `SET SESSION max_statement_time = ${seconds.toFixed(3)}`,
  latencyHistogram: false,
};

const MYSQL: Omit<Dialect, 'replicaStatusSql' | 'replicaStatusPrivilege'> = {
  flavor: 'mysql',
  lockWaits: {
    pairs: `SELECT REQUESTING_ENGINE_TRANSACTION_ID AS requesting, BLOCKING_ENGINE_TRANSACTION_ID AS blocking,
        REQUESTING_ENGINE_LOCK_ID AS lockId
      FROM performance_schema.data_lock_waits`,
    locks: `SELECT ENGINE_LOCK_ID AS lockId, CONCAT('\`', OBJECT_SCHEMA, '\`.\`', OBJECT_NAME, '\`') AS lockTable,
        INDEX_NAME AS lockIndex, LOCK_MODE AS lockMode
      FROM performance_schema.data_locks WHERE ENGINE_LOCK_ID IN (?)`,
  },
  accountsSql: `SELECT User AS user, Host AS host, plugin,
      plugin IN ${PASSWORD_PLUGINS} AND authentication_string = '' AS emptyPassword,
      account_locked = 'Y' AS locked, ssl_type AS sslType
    FROM mysql.user`,
  accountsPrivilege: { name: 'SELECT', on: 'mysql.user' },
  // max_execution_time only bounds SELECT, which is all ksa runs; it is in milliseconds.
  statementTimeoutSql: (seconds) => `SET SESSION max_execution_time = ${Math.max(1, Math.round(seconds * 1000))}`,
  latencyHistogram: true,
};

/** `10.11.19-MariaDB-...` -> [10, 11, 19]. */
export function versionNumbers(version: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return [a, b, c];
}

/** The version in the server's greeting: MariaDB prefixes `5.5.5-` there for old clients' sake. */
export function greetingVersion(serverVersion: string): string {
  return serverVersion.replace(/^5\.5\.5-/, '');
}

function atLeast(version: string, min: [number, number, number]): boolean {
  const v = versionNumbers(version);
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return (v[i] ?? 0) > (min[i] ?? 0);
  return true;
}

export function flavorOf(versionText: string, versionComment: string): Flavor {
  return /mariadb/i.test(`${versionText} ${versionComment}`) ? 'mariadb' : 'mysql';
}

export function dialectOf(flavor: Flavor, version: string): Dialect {
  if (flavor === 'mariadb') {
    // SHOW ALL REPLICAS STATUS (multi-source) exists from 10.5.1; SLAVE MONITOR split off in 10.5.9.
    const modern = atLeast(version, [10, 5, 1]);
    return {
      ...MARIADB,
      replicaStatusSql: modern ? 'SHOW ALL REPLICAS STATUS' : 'SHOW ALL SLAVES STATUS',
      replicaStatusPrivilege: { name: atLeast(version, [10, 5, 9]) ? 'SLAVE MONITOR' : 'REPLICATION CLIENT', on: '*.*' },
    };
  }
  return {
    ...MYSQL,
    replicaStatusSql: atLeast(version, [8, 0, 22]) ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS',
    replicaStatusPrivilege: { name: 'REPLICATION CLIENT', on: '*.*' },
  };
}
