// Replication scenarios on a throwaway MariaDB primary + replica: healthy, lag injected, SQL
// thread stopped by a real duplicate-key conflict, source stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../../plugins/mysql/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { createMonitorUser, startMariaDb, startReplica, type MariaDb } from './mariadb.js';
import { waitFor } from '../../support/wait-for.js';

let primary: MariaDb;
let replica: MariaDb;
const PASSWORD = 'monitor-pw-1';

const diagnose = (server: MariaDb) => runPlugin(plugin, 'mysql-diagnostics', {
  type: 'mysql', name: 'repl', endpoints: [`127.0.0.1:${server.port}`], auth: { username: 'ksa', password: PASSWORD },
}, { categories: ['replication'] });

beforeAll(async () => {
  primary = await startMariaDb({ serverId: 1 });
  await primary.sql('CREATE DATABASE app');
  await primary.sql('CREATE TABLE app.t (id INT PRIMARY KEY, v INT)');
  await createMonitorUser(primary, 'ksa', PASSWORD);
  replica = await startReplica(primary);
  await waitFor('users replicated', async () => (await replica.sql(`SELECT 1 FROM mysql.global_priv WHERE User = 'ksa'`)).length > 0);
});

afterAll(async () => {
  await replica?.stop();
  await primary?.stop();
});

describe('mysql replication (real MariaDB primary + replica)', () => {
  it('healthy: both threads run, no lag, the primary sees its replica', async () => {
    const { result } = await diagnose(replica);
    expect(result.categories).toEqual([expect.objectContaining({ name: 'replication', status: 'healthy' })]);
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.metrics.replication_sources).toBe(1);
    expect(result.metrics.replication_lag_seconds_max).toBe(0);
    const source = await diagnose(primary);
    expect(source.result.status).toBe('healthy');
    expect(source.result.metrics.replicas_attached).toBe(1);
  });

  it('multi-source (SHOW ALL REPLICAS STATUS): each named source is judged on its own', async () => {
    const second = await startMariaDb({ serverId: 3, args: ['--gtid-domain-id=2'] });
    try {
      // Not binlogged: the replica already has this user from the first source.
      const admin = await second.admin();
      await admin.query('SET SESSION sql_log_bin = 0');
      await admin.query(`CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw'`);
      await admin.query(`GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'`);
      await admin.end();
      await replica.sql(`CHANGE MASTER 'second' TO MASTER_HOST='127.0.0.1', MASTER_PORT=${second.port}, MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos`);
      await replica.sql(`START SLAVE 'second'`);
      await waitFor('both sources replicating', async () => {
        const rows = (await replica.sql('SHOW ALL SLAVES STATUS')) as Array<Record<string, unknown>>;
        return rows.length === 2 && rows.every((r) => r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes');
      });
      const healthy = await diagnose(replica);
      expect(healthy.result.metrics.replication_sources).toBe(2);
      expect(healthy.result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      await replica.sql(`STOP SLAVE 'second'`);
      const { result } = await diagnose(replica);
      expect(result.findings.map((f) => `${f.severity} ${f.id}: ${f.title}`).sort()).toEqual([
        "critical mysql.replication.io-thread: Replica IO thread not running (No) for replication source 'second' (127.0.0.1:" + second.port + ')',
        "critical mysql.replication.sql-thread: Replica SQL thread stopped for replication source 'second' (127.0.0.1:" + second.port + ')',
      ]);
    } finally {
      await replica.sql(`STOP SLAVE 'second'`).catch(() => undefined);
      await replica.sql(`RESET SLAVE 'second' ALL`);
      await second.stop();
    }
  });

  it('lag injected (MASTER_DELAY + back-dated events): warning with the lag and the configured delay', async () => {
    await replica.sql('STOP SLAVE');
    await replica.sql('CHANGE MASTER TO MASTER_DELAY = 3600');
    await replica.sql('START SLAVE');
    // Events stamped 120 s in the past that the replica must hold back for an hour.
    const c = await primary.admin();
    await c.query('SET TIMESTAMP = UNIX_TIMESTAMP() - 120');
    await c.query('INSERT INTO app.t VALUES (1, 1)');
    await c.end();
    await waitFor('replica lag > 60 s', async () => {
      const [s] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, unknown>>;
      return Number(s?.Seconds_Behind_Master ?? 0) > 60;
    });
    const { result } = await diagnose(replica);
    const lag = result.findings.find((f) => f.id === 'mysql.replication.lag');
    expect(lag).toMatchObject({ severity: 'warning', threshold: { warning: 30, critical: 300 } });
    expect(Number(lag?.observed?.value)).toBeGreaterThan(60);
    expect(lag?.detail).toContain('3600 s');
    await replica.sql('STOP SLAVE');
    await replica.sql('CHANGE MASTER TO MASTER_DELAY = 0');
    await replica.sql('START SLAVE');
    await waitFor('delayed row applied', async () => (await replica.sql('SELECT 1 FROM app.t WHERE id = 1')).length === 1);
  });

  it('broken: a row written on the replica stops the SQL thread; critical with the error text', async () => {
    // root may write despite read_only: the classic way replicas diverge.
    await replica.sql('INSERT INTO app.t VALUES (100, 0)');
    await primary.sql('INSERT INTO app.t VALUES (100, 1)');
    await waitFor('SQL thread stopped', async () => {
      const [s] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, unknown>>;
      return s?.Slave_SQL_Running === 'No';
    });
    const { result } = await diagnose(replica);
    expect(result.status).toBe('critical');
    const sql = result.findings.find((f) => f.id === 'mysql.replication.sql-thread');
    expect(sql?.severity).toBe('critical');
    expect(sql?.detail).toMatch(/Last SQL error 1062: .*Duplicate entry '\?' for key 'PRIMARY'/);
    // The row value is user data: not in the report.
    expect(JSON.stringify(sql)).not.toContain("'100'");
    expect(sql?.evidence).toMatchObject({ lastSqlErrno: 1062, sqlRunning: false });
  });

  it('source stopped: IO thread not running is critical with the connection error', async () => {
    await primary.stop();
    await waitFor('IO thread lost its source', async () => {
      const [s] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, unknown>>;
      return s?.Slave_IO_Running !== 'Yes' && String(s?.Last_IO_Error ?? '') !== '';
    });
    const { result } = await diagnose(replica);
    const io = result.findings.find((f) => f.id === 'mysql.replication.io-thread');
    expect(io?.severity).toBe('critical');
    expect(io?.detail).toMatch(/Last IO error 20\d\d: /);
  });
});
