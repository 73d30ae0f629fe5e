// Throwaway Redis, MariaDB and PostgreSQL instances with every command/statement logged, for the
// read-only guarantee (case 13). Own ports, own data in a tmp dir, killed by stop(). Commands are
// the ones measured in /work/shared/notes/test-services.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../support/wait-for.js';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const tryConnect = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

export interface Throwaway {
  address: string;
  user: string;
  password: string;
  /** Log text written since the last call (statements, connections). */
  logSince(): string;
  stop(): Promise<void>;
}

function tail(file: string): () => string {
  let offset = existsSync(file) ? readFileSync(file).length : 0;
  return () => {
    if (!existsSync(file)) return '';
    const all = readFileSync(file);
    const text = all.subarray(offset).toString('utf8');
    offset = all.length;
    return text;
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

/** redis-server in the foreground with a password; the caller watches it with MONITOR. */
export async function startRedis(): Promise<Throwaway> {
  const dir = mkdtempSync(join(tmpdir(), 'ksa-rel-redis-'));
  const port = await freePort();
  const password = randomBytes(9).toString('hex');
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsave ""\nappendonly no\nrequirepass ${password}\n`, { mode: 0o600 });
  const child = spawn('redis-server', [conf], { stdio: 'ignore' });
  await waitFor('redis to come up', () => tryConnect(port), 20_000);
  return {
    address: `127.0.0.1:${port}`, user: 'default', password, logSince: () => '',
    stop: async () => { await stopChild(child); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** mariadbd with the general query log on, and a monitoring user like the shared one. */
export async function startMariadb(): Promise<Throwaway & { rootSql(sql: string): string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ksa-rel-mariadb-'));
  const port = await freePort();
  const password = randomBytes(9).toString('hex');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const data = join(dir, 'data');
  const sock = join(dir, 'mysql.sock');
  const general = join(dir, 'general.log');
  execFileSync('mariadb-install-db', ['--no-defaults', ...asRoot, `--datadir=${data}`, '--auth-root-authentication-method=socket', '--skip-test-db'], { stdio: 'ignore' });
  const child = spawn('mariadbd', ['--no-defaults', ...asRoot, `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${sock}`,
    `--pid-file=${join(dir, 'm.pid')}`, `--log-error=${join(dir, 'error.log')}`, '--skip-name-resolve', '--innodb-buffer-pool-size=32M',
    '--general-log=ON', `--general-log-file=${general}`, '--performance-schema=ON'], { stdio: 'ignore' });
  await waitFor('mariadb to come up', async () => existsSync(sock) && await tryConnect(port), 20_000);
  const rootSql = (sql: string) => execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', '--batch', '--skip-column-names', '-e', sql], { encoding: 'utf8' });
  rootSql(`CREATE USER 'ksa'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT, SHOW VIEW ON *.* TO 'ksa'@'127.0.0.1'; CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v TEXT); INSERT INTO app.t VALUES (1, 'x');`);
  const since = tail(general);
  return {
    address: `127.0.0.1:${port}`, user: 'ksa', password, logSince: since, rootSql,
    stop: async () => { await stopChild(child); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** PostgreSQL with log_statement=all and log_connections=on; the diagnosis runs as the superuser (worst case). */
export async function startPostgres(): Promise<Throwaway> {
  const bin = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`).find((b) => existsSync(join(b, 'initdb')));
  if (!bin) throw new Error('postgresql is not installed');
  const root = mkdtempSync(join(tmpdir(), 'ksa-rel-pg-'));
  const asPg = (cmd: string, args: string[]) => process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' }) : execFileSync(cmd, args, { stdio: 'ignore' });
  chmodSync(root, 0o700);
  if (process.getuid?.() === 0) {
    const pgUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, pgUid, pgUid);
  }
  const port = await freePort();
  const password = randomBytes(9).toString('hex');
  const data = join(root, 'data');
  const pwfile = join(root, 'pw');
  asPg('sh', ['-c', `umask 077; printf %s '${password}' > '${pwfile}'`]);
  asPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8']);
  const log = join(root, 'pg.log');
  asPg('sh', ['-c', `cat >> '${data}/postgresql.conf' <<'CONF'
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${root}'
log_statement = 'all'
log_connections = on
fsync = off
shared_buffers = 16MB
CONF`]);
  asPg(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '30', 'start']);
  const since = tail(log);
  return {
    address: `127.0.0.1:${port}`, user: 'postgres', password, logSince: since,
    stop: async () => {
      try { asPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already down */ }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
