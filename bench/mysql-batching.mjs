#!/usr/bin/env node
// Issue 22, MySQL: which way to cut round trips, measured before choosing (plugins/mysql/batch.ts).
// The plugin's statements (session setup + the 14 dataset reads of a full diagnosis) sent to the
// shared MariaDB through test/support/latency-proxy.ts at 0, 50 and 150 ms each way, three ways:
//   sequential  one connection, one statement per round trip (main before issue 22)
//   pool of 4   four connections opened at once, each made read-only, the reads spread over them
//   one batch   one connection, setup and reads as one multi-statement COM_QUERY
// Wall time from connect to the last answer (median of 5), round trips and connections on the wire.
// usage: node bench/mysql-batching.mjs <latency-proxy.mjs>   (bench/latency.sh bundles the proxy)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';

const { startLatencyProxy } = await import(resolve(process.argv[2]));
const env = Object.fromEntries(readFileSync(join(process.env.KSA_SERVICES_DIR ?? '.services', 'env'), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const [host, port] = env.KSA_MYSQL_PRIMARY.split(':');

const SETUP = ['SET SESSION TRANSACTION READ ONLY', 'SELECT VERSION() AS v, @@version_comment AS c, CURRENT_USER() AS u', 'SET SESSION max_statement_time = 5'];
const READS = [
  'SELECT NOW() AS now',
  "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('max_connections', 'read_only', 'performance_schema', 'innodb_buffer_pool_size')",
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', 'Threads_connected', 'Questions', 'Slow_queries', 'Innodb_buffer_pool_reads')",
  'SHOW PROCESSLIST',
  "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE IN ('PROCESS', 'SUPER')",
  'SHOW ALL REPLICAS STATUS',
  "SELECT ENABLED FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'",
  'SELECT SCHEMA_NAME, DIGEST, LEFT(DIGEST_TEXT, 2000) AS t, COUNT_STAR FROM performance_schema.events_statements_summary_by_digest ORDER BY SUM_TIMER_WAIT DESC LIMIT 10',
  'SHOW ENGINE INNODB STATUS',
  'SELECT requesting_trx_id, blocking_trx_id FROM information_schema.INNODB_LOCK_WAITS',
  'SELECT trx_mysql_thread_id, trx_state FROM information_schema.INNODB_TRX ORDER BY trx_started LIMIT 20',
  'SELECT User, Host FROM mysql.global_priv',
  'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX',
  'SELECT 1 AS one',
];

const connect = (p, multipleStatements = false) => mysql.createConnection({ host: p.host, port: p.port, user: env.KSA_MYSQL_USER, password: env.KSA_MYSQL_PASSWORD, multipleStatements });
const WAYS = {
  sequential: async (p) => { const c = await connect(p); for (const sql of [...SETUP, ...READS]) await c.query(sql); await c.end(); },
  'pool of 4': async (p) => {
    const shares = [0, 1, 2, 3].map((k) => READS.filter((_, i) => i % 4 === k));
    await Promise.all(shares.map(async (share) => {
      const c = await connect(p);
      for (const sql of SETUP) await c.query(sql);
      await Promise.all(share.map((sql) => c.query(sql)));
      await c.end();
    }));
  },
  'one batch': async (p) => { const c = await connect(p, true); await c.query([...SETUP, ...READS].join(';\n')); await c.end(); },
};

console.log('| way | ms each way | wall ms (median of 5) | round trips on the wire (answered bursts + TCP handshakes) | connections |');
console.log('|---|---|---|---|---|');
for (const delay of [0, 50, 150]) {
  const p = await startLatencyProxy({ host, port: Number(port) }, delay);
  for (const [name, way] of Object.entries(WAYS)) {
    const times = [];
    let trips = 0; let conns = 0;
    for (let i = 0; i < 5; i++) {
      p.reset();
      const t0 = process.hrtime.bigint();
      await way(p);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      // Parallel connections overlap: the deepest one sets the pace.
      trips = Math.max(...p.connections.map((c) => c.answeredBursts + 1));
      conns = p.connections.length;
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${delay} | ${Math.round(times[2])} | ${trips} per connection | ${conns} |`);
  }
  await p.close();
}
