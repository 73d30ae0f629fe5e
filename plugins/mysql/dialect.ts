// MySQL 8 and MariaDB answer the same questions with different statements, tables and privilege
// names. Everything that differs is one entry in the DIALECTS table; collect.ts never branches.
import type { Flavor } from './snapshot.js';
import type { Privilege } from './privileges.js';

export interface Dialect {
  flavor: Flavor;
  /** Replica status, one row per source connection / channel. */
  replicaStatusSql: string;
  replicaStatusPrivilege: Privilege;
  /** Current lock waits joined to both transactions: same column names in both dialects. */
  lockWaitsSql: string;
  /** Accounts with the password emptiness computed on the server (hashes never leave it). */
  accountsSql: string;
  accountsPrivilege: Privilege;
  /** Bounds every statement on the server side too (seconds as a number). */
  statementTimeoutSql(seconds: number): string;
  /** MySQL 8 has per-digest quantiles and the global latency histogram; MariaDB has neither. */
  latencyHistogram: boolean;
}

const TRX_COLUMNS = `
  r.trx_mysql_thread_id AS waitingThread, r.trx_query AS waitingQuery,
  TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS waitSeconds,
  b.trx_mysql_thread_id AS blockingThread, b.trx_query AS blockingQuery,
  TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS blockingTrxSeconds`;

const PASSWORD_PLUGINS = `('mysql_native_password', 'mysql_old_password', 'caching_sha2_password', 'sha256_password', 'ed25519', 'parsec', '')`;

const MARIADB: Omit<Dialect, 'replicaStatusSql' | 'replicaStatusPrivilege'> = {
  flavor: 'mariadb',
  lockWaitsSql: `SELECT ${TRX_COLUMNS}, l.lock_table AS lockTable, l.lock_index AS lockIndex, l.lock_mode AS lockMode
    FROM information_schema.INNODB_LOCK_WAITS w
    JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
    JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
    LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id`,
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
  lockWaitsSql: `SELECT ${TRX_COLUMNS},
      CONCAT('\`', l.OBJECT_SCHEMA, '\`.\`', l.OBJECT_NAME, '\`') AS lockTable, l.INDEX_NAME AS lockIndex, l.LOCK_MODE AS lockMode
    FROM performance_schema.data_lock_waits w
    JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
    JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
    LEFT JOIN performance_schema.data_locks l ON l.ENGINE_LOCK_ID = w.REQUESTING_ENGINE_LOCK_ID`,
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
