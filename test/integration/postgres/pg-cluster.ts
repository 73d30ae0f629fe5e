// Throwaway PostgreSQL servers for the scenarios that break things: a primary on a free port with
// its data in a fresh tmp dir (initdb refuses root, so everything runs as the postgres OS user),
// and streaming standbys made with pg_basebackup -R using a physical slot.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from '../../support/wait-for.js';

export const PG_BIN = process.env.KSA_PG_BIN
  ?? join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0] ?? '15', 'bin');
export const SUPERUSER_PASSWORD = 'super-secret-pw';
export const MONITOR = { username: 'ksa_monitor', password: 'monitor-secret-pw' };

function postgresUid(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

/** Runs a PostgreSQL binary as the postgres OS user (as root) or directly (otherwise). */
function asPostgres(bin: string, args: string[], env: Record<string, string> = {}): string {
  const cmd = join(PG_BIN, bin);
  const opts = { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], timeout: 60_000 };
  return process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], opts).toString()
    : execFileSync(cmd, args, opts).toString();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  port: number;
  dir: string;
  endpoint: string;
  /** A new superuser connection (caller ends it). */
  client(user?: { username: string; password: string }): Promise<pg.Client>;
  /** One statement as the superuser. */
  sql<R = Record<string, unknown>>(text: string): Promise<R[]>;
  stop(mode?: 'fast' | 'immediate'): void;
  remove(): void;
}

function serverAt(port: number, dir: string, root: string): PgServer {
  let stopped = false;
  const client = async (user = { username: 'postgres', password: SUPERUSER_PASSWORD }) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: user.username, password: user.password, database: 'postgres', connectionTimeoutMillis: 5000 });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  return {
    port,
    dir,
    endpoint: `127.0.0.1:${port}`,
    client,
    async sql<R>(text: string) {
      const c = await client();
      try {
        return (await c.query(text)).rows as R[];
      } finally {
        await c.end();
      }
    },
    stop(mode = 'immediate') {
      if (stopped || !existsSync(join(dir, 'postmaster.pid'))) return;
      stopped = true;
      asPostgres('pg_ctl', ['-D', dir, '-m', mode, '-w', 'stop']);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const BASE_CONF = (port: number, dir: string, extra: Record<string, string | number>) => [
  `listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${dir}'`, `fsync = off`,
  `shared_buffers = 16MB`, ...Object.entries(extra).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`),
].join('\n');

function appendConf(dir: string, conf: string): void {
  // Append as postgres so the file keeps its owner.
  const file = join(dir, 'postgresql.conf');
  process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', 'sh', '-c', `cat >> '${file}'`], { input: `\n${conf}\n` })
    : execFileSync('sh', ['-c', `cat >> '${file}'`], { input: `\n${conf}\n` });
}

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'ksa-pg-test-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUid();
    chownSync(root, uid, gid);
  }
  return root;
}

/** initdb + start; the monitor role (pg_monitor only) and pg_stat_statements are created. */
export async function startPrimary(extra: Record<string, string | number> = {}): Promise<PgServer> {
  const root = newRoot();
  const dir = join(root, 'primary');
  const pwfile = join(root, 'pw');
  execFileSync('sh', ['-c', `umask 077; printf '%s' '${SUPERUSER_PASSWORD}' > '${pwfile}'`]);
  if (process.getuid?.() === 0) { const { uid, gid } = postgresUid(); chownSync(pwfile, uid, gid); }
  asPostgres('initdb', ['-D', dir, '-U', 'postgres', '--auth-host=scram-sha-256', '--auth-local=peer', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  rmSync(pwfile);
  const port = await freePort();
  appendConf(dir, BASE_CONF(port, dir, { shared_preload_libraries: 'pg_stat_statements', ...extra }));
  asPostgres('pg_ctl', ['-D', dir, '-l', join(root, 'primary.log'), '-w', '-t', '60', 'start']);
  const server = serverAt(port, dir, root);
  try {
    await server.sql(`CREATE EXTENSION pg_stat_statements; CREATE ROLE ${MONITOR.username} LOGIN PASSWORD '${MONITOR.password}'; GRANT pg_monitor TO ${MONITOR.username}`);
  } catch (error) {
    server.stop();
    server.remove();
    throw error;
  }
  return server;
}

/** pg_basebackup -R with a physical slot, started on a free port; resolves once it streams. */
export async function startStandby(primary: PgServer, slot: string): Promise<PgServer> {
  const root = newRoot();
  const dir = join(root, 'standby');
  asPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '-c', 'fast', '-C', '-S', slot, '--no-sync'],
    { PGPASSWORD: SUPERUSER_PASSWORD });
  const port = await freePort();
  appendConf(dir, `port = ${port}\nunix_socket_directories = '${dir}'`);
  asPostgres('pg_ctl', ['-D', dir, '-l', join(root, 'standby.log'), '-w', '-t', '60', 'start']);
  const standby = serverAt(port, dir, root);
  try {
    await waitFor(`standby on slot ${slot} streaming`, async () => (await primary.sql(`SELECT 1 FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid
      WHERE s.slot_name = '${slot}' AND r.state = 'streaming'`)).length === 1);
  } catch (error) {
    standby.stop(); // never leave a server behind when setup fails
    standby.remove();
    throw error;
  }
  return standby;
}

