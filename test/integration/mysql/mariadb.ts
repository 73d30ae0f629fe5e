// Throwaway MariaDB servers for the scenarios that break things (replication errors, lag, lock
// waits, low max_connections): a free port, data and socket in a tmp dir, stopped in afterAll.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { waitFor } from '../../support/wait-for.js';

export interface MariaDb {
  port: number;
  socket: string;
  dir: string;
  /** A root session over the socket (unix_socket auth): the test's own admin channel. */
  admin(): Promise<mysql.Connection>;
  /** Runs statements as root on a fresh connection. */
  sql(statement: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

/**
 * mariadb-install-db once per machine and server version: the result is a cache directory in tmp
 * that every throwaway server copies (ms instead of 0.5 s). Built in a private dir, then renamed
 * into place, so concurrent test processes never see a half-written one.
 */
function templateDir(): string {
  const version = execFileSync('mariadbd', ['--version'], { encoding: 'utf8' }).match(/Ver (\S+)/)?.[1] ?? 'unknown';
  const cache = join(tmpdir(), `ksa-mysql-template-${version}`);
  if (existsSync(join(cache, 'data', 'mysql'))) return cache;
  // Seen failing once when several test processes bootstrapped at the same moment: retry, and
  // keep its output for the error.
  let output = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'ksa-mysql-install-'));
    try {
      execFileSync('mariadb-install-db', [
        '--no-defaults', `--datadir=${dir}/data`, '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db',
      ], { stdio: 'pipe', encoding: 'utf8' });
      try {
        renameSync(dir, cache);
      } catch {
        rmSync(dir, { recursive: true, force: true }); // another process won the race: use its copy
      }
      return cache;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').slice(-15).join('\n');
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`mariadb-install-db failed 3 times:\n${output}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startMariaDb(options: { serverId?: number; args?: string[] } = {}): Promise<MariaDb> {
  const template = templateDir();
  const dir = mkdtempSync(join(tmpdir(), 'ksa-mysql-'));
  cpSync(join(template, 'data'), join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const socket = join(dir, 'mysql.sock');
  const child: ChildProcess = spawn('mariadbd', [
    '--no-defaults', `--datadir=${dir}/data`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
    `--pid-file=${dir}/mariadbd.pid`, '--user=root', `--server-id=${options.serverId ?? 1}`, `--log-bin=${dir}/bin`,
    '--binlog-format=ROW', '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--skip-name-resolve',
    `--log-error=${dir}/error.log`, '--innodb-flush-log-at-trx-commit=2', '--sync-binlog=0',
    ...(options.args ?? []),
  ], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const admin = () => mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 2000, dateStrings: true, decimalNumbers: true, supportBigNumbers: true });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const c = await admin();
      await c.end();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`mariadbd did not start on port ${port} (see ${dir}/error.log): ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port, socket, dir, admin,
    async sql(statement) {
      const c = await admin();
      try {
        const [rows] = await c.query(statement);
        return Array.isArray(rows) ? rows : [];
      } finally {
        await c.end();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a diagnosing account with the grants the README recommends. */
export async function createMonitorUser(server: MariaDb, user: string, password: string, grants = 'PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT'): Promise<void> {
  for (const host of ['127.0.0.1', 'localhost']) {
    await server.sql(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    if (grants) await server.sql(`GRANT ${grants} ON *.* TO '${user}'@'${host}'`);
  }
}

/** A replica of `primary` using GTID, replicating as `repl`; resolves once both threads run. */
export async function startReplica(primary: MariaDb, options: { serverId?: number; args?: string[] } = {}): Promise<MariaDb> {
  const replica = await startMariaDb({ serverId: options.serverId ?? 2, args: ['--read-only=ON', '--log-slave-updates=ON', ...(options.args ?? [])] });
  const existing = await primary.sql(`SELECT 1 FROM mysql.global_priv WHERE User = 'repl'`);
  if (existing.length === 0) {
    await primary.sql(`CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw'`);
    await primary.sql(`GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'`);
  }
  await replica.sql(`CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`);
  await replica.sql('START SLAVE');
  await waitFor('replication running', async () => {
    const [s] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, unknown>>;
    return s?.Slave_IO_Running === 'Yes' && s?.Slave_SQL_Running === 'Yes';
  });
  return replica;
}

