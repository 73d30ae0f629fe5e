// Recovery with mysql-diagnostics kill-session on a throwaway MariaDB: a session holds a row lock,
// another waits for it, a third is idle. `ksa watch --enforce` with a rule on mysql.innodb.lock-wait
// kills exactly the blocking session named in the finding's evidence: the waiter's UPDATE
// completes, the idle session lives on, and the re-diagnosis finds the wait resolved.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorUser, startMariaDb, type MariaDb } from '../integration/mysql/mariadb.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-mysql-'));
let server: MariaDb;
const watches: WatchProcess[] = [];
const PASSWORD = 'recovery-monitor-pw';

beforeAll(async () => {
  server = await startMariaDb({ args: ['--performance-schema=ON', '--performance-schema-consumer-events-statements-current=ON', '--performance-schema-consumer-events-statements-history=ON', '--innodb-lock-wait-timeout=60'] });
  await server.sql('CREATE DATABASE app');
  await server.sql('CREATE TABLE app.t (id INT PRIMARY KEY, v INT)');
  await server.sql('INSERT INTO app.t VALUES (1, 0)');
  // The monitor may end other users' sessions (KILL needs CONNECTION ADMIN on MariaDB 10.5+).
  await createMonitorUser(server, 'ksa', PASSWORD, 'PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT, CONNECTION ADMIN');
  await server.sql(`CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-pw'`);
  await server.sql(`GRANT ALL ON app.* TO 'app'@'127.0.0.1'`);
}, 60_000);
afterAll(async () => {
  for (const w of watches) { w.kill('SIGKILL'); await w.exited; }
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'app', password: 'app-pw', database: 'app' });

describe('recovery with mysql kill-session', () => {
  it('kills the blocker only: the waiter proceeds, an idle session lives, verified resolved', async () => {
    const blocker = await client();
    const waiter = await client();
    const idle = await client();
    for (const c of [blocker, waiter, idle]) c.on('error', () => undefined);
    const id = async (c: mysql.Connection) => ((await c.query('SELECT CONNECTION_ID() AS id'))[0] as Array<{ id: number }>)[0]!.id;
    const [blockerId, waiterId, idleId] = [await id(blocker), await id(waiter), await id(idle)];
    await blocker.query('BEGIN');
    await blocker.query('UPDATE t SET v = 10 WHERE id = 1');
    let waited: 'done' | 'failed' | undefined;
    void waiter.query('UPDATE t SET v = 20 WHERE id = 1').then(() => { waited = 'done'; }, () => { waited = 'failed'; });
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, `defaults: {interval: 500ms, timeout: 3s}
targets:
  - name: shop
    type: mysql
    endpoints: ["127.0.0.1:${server.port}"]
    auth: {username: ksa, passwordEnv: KSA_TEST_MYSQL_PASSWORD}
    categories: [innodb]
recovery:
  defaults: {settle: 300ms, verifyFor: 5s}
  rules:
    - name: kill-lock-blocker
      match: {finding: mysql.innodb.lock-wait}
      action: {plugin: mysql-diagnostics, name: kill-session, params: {id: "{{finding.evidence.blockingSession}}"}}
`);
    const w = startWatch(['--config', file, '--state-dir', join(dir, 'state'), '--output', 'json', '--enforce'], { KSA_TEST_MYSQL_PASSWORD: PASSWORD });
    watches.push(w);
    const started = await w.next('recovery-started', (e) => e.kind === 'recovery-started', 30_000);
    expect(started).toMatchObject({ rule: 'kill-lock-blocker', action: 'mysql-diagnostics/kill-session', params: { id: blockerId } });
    const ok = await w.next('recovery-succeeded', (e) => e.kind === 'recovery-succeeded', 20_000);
    expect(ok).toMatchObject({ attempt: 1, outcome: { ok: true } });
    await waitFor('the waiting UPDATE to complete', () => waited !== undefined);
    expect(waited).toBe('done');
    const alive = ((await server.sql('SELECT ID FROM information_schema.PROCESSLIST')) as Array<{ ID: number }>).map((r) => Number(r.ID));
    expect(alive).not.toContain(blockerId);
    expect(alive).toEqual(expect.arrayContaining([waiterId, idleId]));
    expect(w.events.filter((e) => e.kind === 'recovery-started')).toHaveLength(1);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    for (const c of [waiter, idle]) await c.end().catch(() => undefined);
    blocker.destroy();
  });
});
