// The clients' own conventions through the real CLI (built dist/) against the real servers
// (.services/env): libpq's PG* variables, password file (0600 rule, wildcards, first match,
// PGPASSFILE), service file, postgresql:// URI parameters; the mysql client's option files
// (~/.my.cnf groups, --defaults-file, --defaults-group-suffix) over the MYSQL_* variables; a Kafka
// client properties file (--config-file). HOME points at a temporary directory, so the runner's own
// files play no part. Every failure is one line, exit 3, KSA_ERR_AUTH naming the user and its
// source; no password ever reaches stdout or stderr. Needs `npm run build`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv } from '../support/services.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';

const s = loadServicesEnv();
const [pgHost, pgPort] = s.KSA_PG_PRIMARY!.split(':') as [string, string];
const [myHost, myPort] = s.KSA_MYSQL_PRIMARY!.split(':') as [string, string];
const PG_PW = s.KSA_PG_PASSWORD!;
const MY_PW = s.KSA_MYSQL_PASSWORD!;
const homes: string[] = [];
afterAll(() => { for (const h of homes) rmSync(h, { recursive: true, force: true }); });

/** A fresh HOME with the given files (name -> [text, mode]). */
function home(files: Record<string, [string, number]> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ksa-conv-'));
  homes.push(dir);
  for (const [name, [text, mode]] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), mode);
  }
  return dir;
}

/** ksa with only the variables given (the runner's PG*, MYSQL_* and KSA_* are dropped). */
const ksa = (args: readonly string[], env: Record<string, string>): Promise<KsaRun> => spawnKsa(['diagnose', ...args, '--json', '--timeout', '8s'], env, /^(KSA_|PG|MYSQL_)/);
const result = (run: KsaRun) => ReportSchema.parse(JSON.parse(run.stdout)).results[0]!;
/** Connected and diagnosed: a verdict (healthy or findings), not "could not diagnose". */
const diagnosed = (run: KsaRun) => {
  const r = result(run);
  expect(r.errors, run.stderr).toEqual([]);
  expect(r.status).not.toBe('unknown');
  expect([0, 1, 2]).toContain(run.code);
};
/** The one coded error of an undiagnosable target: one line, exit 3. */
const failure = (run: KsaRun) => {
  expect(run.code).toBe(3);
  const r = result(run);
  expect(r.status).toBe('unknown');
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]!.message).not.toMatch(/\n/);
  return r.errors[0]!;
};
const noSecret = (run: KsaRun, ...secrets: string[]) => { for (const x of secrets) expect(`${run.stdout}${run.stderr}`).not.toContain(x); };
/** The --explain-auth line of one setting: `user  ksa_monitor  from PGUSER`. */
const explained = (run: KsaRun, setting: string) => run.stderr.split('\n').find((l) => new RegExp(`^ksa:\\s+${setting}\\s`).test(l)) ?? '';

describe('PostgreSQL: libpq conventions', () => {
  it('PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE: no endpoint argument needed', async () => {
    const run = await ksa(['postgres', '--explain-auth'], { HOME: home(), PGHOST: pgHost, PGPORT: pgPort, PGUSER: s.KSA_PG_USER!, PGPASSWORD: PG_PW, PGDATABASE: 'postgres', PGSSLMODE: 'disable' });
    diagnosed(run);
    expect(explained(run, 'user')).toMatch(/ksa_monitor\s+from PGUSER$/);
    expect(explained(run, 'password')).toMatch(/\(set\)\s+from PGPASSWORD$/);
    expect(explained(run, 'endpoints')).toMatch(new RegExp(`${pgHost}:${pgPort}\\s+from PGHOST, port from PGPORT$`));
    expect(explained(run, 'sslmode')).toMatch(/disable\s+from PGSSLMODE$/);
    expect(explained(run, 'database')).toMatch(/postgres\s+from PGDATABASE$/);
    noSecret(run, PG_PW);
  });

  it('PGUSER and PGPASSWORD apply to a host:port argument (was: logged in as postgres)', async () => {
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!], { HOME: home(), PGUSER: s.KSA_PG_USER!, PGPASSWORD: PG_PW });
    diagnosed(run);
  });

  it('a host argument without a port takes PGPORT', async () => {
    const run = await ksa(['postgres', pgHost, '--explain-auth'], { HOME: home(), PGUSER: s.KSA_PG_USER!, PGPASSWORD: PG_PW, PGPORT: pgPort });
    diagnosed(run);
    expect(explained(run, 'endpoints')).toMatch(/from the endpoint argument, port from PGPORT$/);
  });

  it('~/.pgpass with mode 0600: escaped colons, wildcards, first match wins', async () => {
    const pgpass = [
      '# host:port:db:user:password',
      `other\\:host:${pgPort}:*:${s.KSA_PG_USER}:not-this-one`,
      `${pgHost}:*:*:${s.KSA_PG_USER}:${PG_PW}`,
      `*:*:*:*:wrong-later-line`,
    ].join('\n');
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!, '--explain-auth'], { HOME: home({ '.pgpass': [pgpass, 0o600] }), PGUSER: s.KSA_PG_USER! });
    diagnosed(run);
    expect(explained(run, 'password')).toMatch(/from ~\/\.pgpass line 3$/);
    noSecret(run, PG_PW);
  });

  it('~/.pgpass readable by others (0644) is ignored with a warning, as libpq does: KSA_ERR_AUTH, no password', async () => {
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!], { HOME: home({ '.pgpass': [`*:*:*:*:${PG_PW}\n`, 0o644] }), PGUSER: s.KSA_PG_USER! });
    expect(run.stderr).toMatch(/~\/\.pgpass has group or world access \(mode 644\); ignored.*chmod 0600/);
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/none was found; ksa logged in as user "ksa_monitor" \(from PGUSER\) with no password/);
    expect(e.message).toMatch(/PGPASSWORD/);
    expect(e.message).toMatch(/~\/\.pgpass \(PGPASSFILE, mode 0600\)/);
    noSecret(run, PG_PW);
  });

  it('PGPASSFILE names the password file', async () => {
    const dir = home({ 'elsewhere.pass': [`*:${pgPort}:postgres:${s.KSA_PG_USER}:${PG_PW}\n`, 0o600] });
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!, '--explain-auth'], { HOME: dir, PGUSER: s.KSA_PG_USER!, PGPASSFILE: join(dir, 'elsewhere.pass') });
    diagnosed(run);
    expect(explained(run, 'password')).toMatch(/from .*elsewhere\.pass line 1$/);
  });

  it('PGSERVICE + PGSERVICEFILE: the service file wins over PG* variables', async () => {
    const dir = home({ 'services.conf': [`[other]\nuser=nobody\n\n[monitor]\nhost=${pgHost}\nport=${pgPort}\nuser=${s.KSA_PG_USER}\ndbname=postgres\nsslmode=disable\n`, 0o644] });
    const run = await ksa(['postgres', '--explain-auth'], { HOME: dir, PGSERVICE: 'monitor', PGSERVICEFILE: join(dir, 'services.conf'), PGUSER: 'not-this-user', PGSSLMODE: 'require', PGPASSWORD: PG_PW });
    diagnosed(run);
    expect(explained(run, 'user')).toMatch(/ksa_monitor\s+from .*services\.conf \[monitor\]$/);
    expect(explained(run, 'sslmode')).toMatch(/disable\s+from .*services\.conf \[monitor\]$/);
  });

  it('an unknown PGSERVICE is a one-line error naming the file', async () => {
    const dir = home({ 'services.conf': ['[monitor]\nport=1\n', 0o644] });
    const run = await spawnKsa(['diagnose', 'postgres'], { HOME: dir, PGSERVICE: 'missing', PGSERVICEFILE: join(dir, 'services.conf') }, /^(KSA_|PG|MYSQL_)/);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/KSA_ERR_BAD_INPUT service "missing" \(from PGSERVICE\) is not defined in .*services\.conf/);
  });

  it('postgresql:// URI query parameters win over PG* variables (sslmode, connect_timeout)', async () => {
    const uri = `postgresql://${s.KSA_PG_USER}@${s.KSA_PG_PRIMARY}/postgres?sslmode=disable&connect_timeout=5`;
    const run = await ksa(['postgres', uri, '--explain-auth'], { HOME: home(), PGSSLMODE: 'require', PGUSER: 'not-this-user', PGPASSWORD: PG_PW });
    diagnosed(run);
    expect(explained(run, 'sslmode')).toMatch(/disable\s+from the endpoint URI \(sslmode\)$/);
    expect(explained(run, 'connectTimeout')).toMatch(/5\s+from the endpoint URI \(connect_timeout\)$/);
    expect(explained(run, 'user')).toMatch(/ksa_monitor\s+from the endpoint URL$/);
  });

  it('PGSSLMODE applies when the URI has none: require against a server without TLS is a TLS error', async () => {
    const run = await ksa(['postgres', `postgresql://${s.KSA_PG_USER}@${s.KSA_PG_PRIMARY}/postgres`], { HOME: home(), PGSSLMODE: 'require', PGPASSWORD: PG_PW });
    expect(failure(run).code).toBe('KSA_ERR_TLS');
  });

  it('a wrong password: KSA_ERR_AUTH naming the user and both sources, exit 3, one line', async () => {
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!], { HOME: home(), PGUSER: s.KSA_PG_USER!, PGPASSWORD: 'wrong-pw-5521' });
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/ksa logged in as user "ksa_monitor" \(from PGUSER\) with the password from PGPASSWORD: set the user with --user, PGUSER/);
    noSecret(run, 'wrong-pw-5521');
  });

  it('no user anywhere: the OS user, as libpq does', async () => {
    const run = await ksa(['postgres', s.KSA_PG_PRIMARY!, '--explain-auth'], { HOME: home(), PGPASSWORD: 'x-1' });
    expect(explained(run, 'user')).toMatch(new RegExp(`${userInfo().username}\\s+from the OS user$`));
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toContain(`as user "${userInfo().username}" (from the OS user)`);
  });
});

describe('MySQL/MariaDB: option files over MYSQL_* variables', () => {
  const client = (user: string, password: string, extra = '') => `[client]\nuser=${user}\npassword="${password}"\nhost=${myHost}\nport=${myPort}\n${extra}`;

  it('~/.my.cnf [client] user/password/host/port: no endpoint argument needed', async () => {
    const run = await ksa(['mysql', '--explain-auth'], { HOME: home({ '.my.cnf': [client(s.KSA_MYSQL_USER!, MY_PW), 0o600] }) });
    diagnosed(run);
    expect(explained(run, 'user')).toMatch(/ksa\s+from ~\/\.my\.cnf \[client\]$/);
    expect(explained(run, 'password')).toMatch(/\(set\)\s+from ~\/\.my\.cnf \[client\]$/);
    noSecret(run, MY_PW);
  });

  it('~/.my.cnf applies to a host:port argument (was: logged in as root)', async () => {
    const run = await ksa(['mysql', s.KSA_MYSQL_PRIMARY!], { HOME: home({ '.my.cnf': [`[client]\nuser = ${s.KSA_MYSQL_USER}  # the monitor\n[mysql]\npassword=${MY_PW}\n`, 0o600] }) });
    diagnosed(run);
  });

  it('--defaults-file reads only that file (~/.my.cnf is not read)', async () => {
    const dir = home({ '.my.cnf': [client('nobody', 'wrong'), 0o600], 'monitor.cnf': [client(s.KSA_MYSQL_USER!, MY_PW), 0o600] });
    const run = await ksa(['mysql', '--defaults-file', join(dir, 'monitor.cnf')], { HOME: dir });
    diagnosed(run);
  });

  it('--defaults-group-suffix reads [client<suffix>] after [client]', async () => {
    const cnf = `${client(s.KSA_MYSQL_USER!, 'wrong-pw-8812')}\n[client_mon]\npassword=${MY_PW}\n`;
    const dir = home({ '.my.cnf': [cnf, 0o600] });
    diagnosed(await ksa(['mysql', '--defaults-group-suffix', '_mon'], { HOME: dir }));
    const without = await ksa(['mysql'], { HOME: dir });
    const e = failure(without);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/ksa logged in as user "ksa" \(from ~\/\.my\.cnf \[client\]\) with the password from ~\/\.my\.cnf \[client\]/);
    noSecret(without, 'wrong-pw-8812', MY_PW);
  });

  it('the option file overrides MYSQL_PWD; MYSQL_PWD, MYSQL_HOST, MYSQL_TCP_PORT apply without one', async () => {
    const withFile = await ksa(['mysql', '--explain-auth'], { HOME: home({ '.my.cnf': [client(s.KSA_MYSQL_USER!, MY_PW), 0o600] }), MYSQL_PWD: 'wrong-env-pw' });
    diagnosed(withFile);
    expect(explained(withFile, 'password')).toMatch(/from ~\/\.my\.cnf \[client\]$/);
    const envOnly = await ksa(['mysql', '-u', s.KSA_MYSQL_USER!, '--explain-auth'], { HOME: home(), MYSQL_PWD: MY_PW, MYSQL_HOST: myHost, MYSQL_TCP_PORT: myPort });
    diagnosed(envOnly);
    expect(explained(envOnly, 'endpoints')).toMatch(/from MYSQL_HOST, port from MYSQL_TCP_PORT$/);
    expect(explained(envOnly, 'password')).toMatch(/from MYSQL_PWD$/);
    noSecret(withFile, 'wrong-env-pw', MY_PW);
  });

  it('a wrong password from MYSQL_PWD: KSA_ERR_AUTH naming the user and MYSQL_PWD, exit 3', async () => {
    const run = await ksa(['mysql', s.KSA_MYSQL_PRIMARY!, '-u', s.KSA_MYSQL_USER!], { HOME: home(), MYSQL_PWD: 'wrong-pw-3310' });
    const e = failure(run);
    expect(e.code).toBe('KSA_ERR_AUTH');
    expect(e.message).toMatch(/ksa logged in as user "ksa" \(from --user\) with the password from MYSQL_PWD: set the user with --user, ~\/\.my\.cnf/);
    noSecret(run, 'wrong-pw-3310');
  });
});

describe('Kafka: a client properties file (--config-file)', () => {
  it('bootstrap.servers from the file: no endpoint argument needed (against the mock)', async () => {
    const dir = home({ 'client.properties': [`# kcat -F\nbootstrap.servers=${s.KSA_KAFKA_BOOTSTRAP}\nsecurity.protocol=PLAINTEXT\n`, 0o600] });
    const run = await ksa(['kafka', '--config-file', join(dir, 'client.properties'), '--explain-auth'], { HOME: dir });
    diagnosed(run);
    expect(explained(run, 'endpoints')).toMatch(/from .*client\.properties \(bootstrap\.servers, line 2\)$/);
  });

  it('security settings: SASL_SSL, the mechanism, user, password (never shown) and CA from the file', async () => {
    const canary = 'prop-canary-4471';
    const dir = home({ 'client.properties': [[
      'bootstrap.servers = 127.0.0.1:1',
      'security.protocol: SASL_SSL',
      'sasl.mechanism SCRAM-SHA-512',
      'sasl.username=monitor',
      `sasl.password=${canary}`,
      'ssl.ca.location=/etc/ssl/ca.pem',
    ].join('\n'), 0o600] });
    const run = await ksa(['kafka', '--config-file', join(dir, 'client.properties'), '--explain-auth', '--timeout', '2s'], { HOME: dir });
    expect(explained(run, 'user')).toMatch(/monitor\s+from .*client\.properties \(sasl\.username, line 4\)$/);
    expect(explained(run, 'password')).toMatch(/\(set\)\s+from .*client\.properties \(sasl\.password, line 5\)$/);
    expect(explained(run, 'tls')).toMatch(/on \(CA \/etc\/ssl\/ca\.pem\)\s+from .*security\.protocol/);
    expect(explained(run, 'saslMechanism')).toMatch(/scram-sha-512\s+from .*sasl\.mechanism/);
    expect(failure(run).code).not.toBe('KSA_ERR_BAD_INPUT');
    noSecret(run, canary);
  });

  it('an endpoint argument wins over bootstrap.servers', async () => {
    const dir = home({ 'client.properties': ['bootstrap.servers=127.0.0.1:1\n', 0o600] });
    const run = await ksa(['kafka', s.KSA_KAFKA_BOOTSTRAP!, '--config-file', join(dir, 'client.properties')], { HOME: dir });
    diagnosed(run);
  });

  it('an unreadable --config-file is a one-line error', async () => {
    const run = await spawnKsa(['diagnose', 'kafka', '--config-file', '/nonexistent/client.properties'], { HOME: home() }, /^(KSA_|PG|MYSQL_)/);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot read \/nonexistent\/client\.properties \(ENOENT\)/);
  });
});
