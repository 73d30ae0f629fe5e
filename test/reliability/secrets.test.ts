// Cases 9 and 10: a unique canary password, given through every supported channel, goes through
// every output path a plugin can reach (findings, metrics, logs, its stdout/stderr, error
// messages, a timeout, a crash) and every renderer. It must never appear in ksa's stdout or
// stderr, nor in /proc/<pid>/cmdline of ksa and its children (nor in the children's environ)
// while they run. Endpoints show `user:***@`.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServicesEnv } from '../support/services.js';
import { startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { removeTempDirs, builtPlugin, descendants, fixturePlugin, hostilePlugin, measurements, parseReport, procText, runKsa, tempDir, writeConfig, type KsaRun } from './support/ksa.js';

const m = measurements('secrets (reliability cases 9, 10)');
afterAll(() => { m.print(); removeTempDirs(); });

const dir = tempDir();
const CANARY = `cnry+${randomBytes(6).toString('hex')}/k=Z`;
/** Every form in which the canary could leak: raw, URL-encoded, JSON-escaped. */
const FORMS = [...new Set([CANARY, encodeURIComponent(CANARY), JSON.stringify(CANARY).slice(1, -1)])];
const secretFile = join(dir, 'pw');
writeFileSync(secretFile, `${CANARY}\n`, { mode: 0o600 });

const leaks = (text: string) => FORMS.some((f) => text.includes(f));

interface Source {
  name: string;
  /** argv after `diagnose` for a single target of `type`, or a config file. */
  args(type: string, behavior: string): string[];
  env: Record<string, string>;
}

const ENDPOINT: Record<string, string> = { hostile: 'hostile://canaryuser@127.0.0.1:7100', fixture: 'fixture://canaryuser@127.0.0.1:7000' };
const single = (extra: string[]) => (type: string, behavior: string) => [type, ENDPOINT[type]!, '--option', `behavior=${behavior}`, ...extra];
const viaConfig = (auth: Record<string, string>) => (type: string, behavior: string) => [
  '--config', writeConfig(dir, [{ name: `canary-${behavior}`, type, endpoints: [ENDPOINT[type]!], auth, options: { behavior } }], { packages: [hostilePlugin, fixturePlugin], timeout: '1500ms' }),
];

const SOURCES: Source[] = [
  { name: 'env KSA_PASSWORD', args: single([]), env: { KSA_PASSWORD: CANARY } },
  { name: '--password-env', args: single(['--password-env', 'REL_CANARY']), env: { REL_CANARY: CANARY } },
  { name: '--password-file', args: single(['--password-file', secretFile]), env: {} },
  { name: 'config passwordEnv', args: viaConfig({ passwordEnv: 'REL_CANARY' }), env: { REL_CANARY: CANARY } },
  { name: 'config passwordFile', args: viaConfig({ passwordFile: secretFile }), env: {} },
  { name: 'config ${ENV}', args: viaConfig({ password: '${REL_CANARY}' }), env: { REL_CANARY: CANARY } },
];

/** What each scenario makes the plugin do with the password, and the status it must end in. */
const SCENARIOS = [
  { behavior: 'secret-echo', type: 'hostile', status: 'warning' },
  { behavior: 'secret-wrong-password', type: 'hostile', status: 'unknown' },
  { behavior: 'secret-hang', type: 'hostile', status: 'unknown' },
  { behavior: 'secret-crash', type: 'hostile', status: 'unknown' },
  { behavior: 'warning', type: 'fixture', status: 'warning' },
] as const;

/** Runs ksa while scanning /proc of ksa and every descendant for the canary. */
async function runWatched(args: string[], env: Record<string, string>): Promise<{ run: KsaRun; procLeaks: string[]; scans: number }> {
  const procLeaks: string[] = [];
  let scans = 0;
  const run = await runKsa(args, {
    env,
    watchEveryMs: 15,
    watch: (pid) => {
      scans++;
      const own = procText(pid, 'cmdline');
      if (leaks(own)) procLeaks.push(`ksa ${pid} cmdline`);
      for (const child of descendants(pid)) {
        // Between fork() and exec() a child is a copy of ksa (same cmdline and environ): no plugin
        // code runs there yet, so only exec'd children count.
        if (procText(child, 'cmdline') === own) continue;
        if (leaks(procText(child, 'cmdline'))) procLeaks.push(`child ${child} cmdline`);
        if (leaks(procText(child, 'environ'))) procLeaks.push(`child ${child} environ`);
      }
    },
  });
  return { run, procLeaks, scans };
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('case 9: secret canary', () => {
  it('never appears in stdout, stderr or /proc of ksa and its children, for every source x scenario (--json --log-level debug)', async () => {
    const cases = SOURCES.flatMap((source) => SCENARIOS.map((scenario) => ({ source, scenario })));
    const failures: string[] = [];
    let totalScans = 0;
    await inBatches(cases, 4, async ({ source, scenario }) => {
      const plugins = source.name.startsWith('config') ? [] : ['--plugin', hostilePlugin, '--plugin', fixturePlugin];
      // The hang runs into its deadline, so it is short; the others end on their own, and a long deadline
      // keeps a sandboxed host that starts slowly on a loaded machine from turning them unknown.
      const timeout = scenario.behavior === 'secret-hang' ? '1500ms' : '8s';
      const args = [...plugins, '--log-level', 'debug', 'diagnose', ...source.args(scenario.type, scenario.behavior), '--timeout', timeout, '--json'];
      const { run, procLeaks, scans } = await runWatched(args, source.env);
      totalScans += scans;
      const label = `${source.name} / ${scenario.behavior}`;
      if (leaks(run.stdout)) failures.push(`${label}: stdout`);
      if (leaks(run.stderr)) failures.push(`${label}: stderr`);
      failures.push(...procLeaks.map((p) => `${label}: ${p}`));
      let result;
      try {
        result = parseReport(run.stdout).results[0]!;
      } catch {
        failures.push(`${label}: exit ${run.code}, no JSON report (${run.stderr.split('\n')[0]})`);
        return;
      }
      if (result.status !== scenario.status) failures.push(`${label}: status ${result.status}, expected ${scenario.status} (${run.stderr.split('\n')[0]})`);
      if (!result.target.endpoints.every((e) => e.includes('canaryuser:***@'))) failures.push(`${label}: endpoint shown as ${result.target.endpoints.join(',')}`);
    });
    m.record('case 9 source x scenario runs', `${cases.length} runs, ${totalScans} /proc scans, ${failures.length} leaks`);
    expect(failures).toEqual([]);
  }, 120_000);

  it.concurrent.each(['table', 'json', 'nagios', 'junit', 'markdown', 'html'])('renderer %s: the echoed secret is redacted', async (format) => {
    const { run, procLeaks } = await runWatched(['--plugin', hostilePlugin, 'diagnose', 'hostile', ENDPOINT.hostile!, '--option', 'behavior=secret-echo', '--password-file', secretFile, '-o', format], {});
    expect(run.code).toBe(1);
    if (format !== 'nagios') expect(run.stdout).toContain('***'); // nagios prints no finding detail
    expect(leaks(run.stdout)).toBe(false);
    expect(leaks(run.stderr)).toBe(false);
    expect(procLeaks).toEqual([]);
  });
});

describe('case 9 with the real drivers: a wrong canary password', () => {
  const DRIVERS = [
    { type: 'redis', env: 'KSA_REDIS_PRIMARY', user: undefined },
    { type: 'postgres', env: 'KSA_PG_PRIMARY', user: 'KSA_PG_USER' },
    { type: 'mysql', env: 'KSA_MYSQL_PRIMARY', user: 'KSA_MYSQL_USER' },
  ] as const;

  it.concurrent.each(DRIVERS.filter((d) => builtPlugin(d.type)))('$type: AUTH fails, the canary is nowhere (DEBUG=* and --log-level debug)', async (d) => {
    const services = loadServicesEnv();
    const user = d.user ? ['--user', services[d.user]!] : [];
    const { run, procLeaks } = await runWatched(['--log-level', 'debug', 'diagnose', d.type, services[d.env]!, ...user, '--password-env', 'REL_CANARY', '--timeout', '5s', '--json'], { REL_CANARY: CANARY, DEBUG: '*', NODE_DEBUG: 'net' });
    const result = parseReport(run.stdout).results[0]!;
    expect(result.status).toBe('unknown');
    expect(result.errors[0]?.code).toBe('KSA_ERR_AUTH');
    expect(leaks(run.stdout)).toBe(false);
    expect(leaks(run.stderr)).toBe(false);
    expect(procLeaks).toEqual([]);
    m.record(`case 9 ${d.type} wrong password`, `${result.errors[0]?.code}: ${result.errors[0]?.message.slice(0, 90)}`);
  });
});

describe("case 9 with the clients' own sources (issue 13): a wrong canary password from each", () => {
  /** Each source writes its files into a fresh HOME and returns argv and environment. */
  const CLIENT_SOURCES: { name: string; type: 'postgres' | 'mysql' | 'kafka'; ownArgv?: boolean; setup(home: string, services: Record<string, string>): { args: string[]; env: Record<string, string> } }[] = [
    { name: 'PGPASSWORD', type: 'postgres', setup: (_h, sv) => ({ args: [sv.KSA_PG_PRIMARY!], env: { PGUSER: sv.KSA_PG_USER!, PGPASSWORD: CANARY } }) },
    { name: '~/.pgpass', type: 'postgres', setup: (h, sv) => { writeFileSync(join(h, '.pgpass'), `*:*:*:*:${CANARY.replace(/[:\\]/g, '\\$&')}\n`, { mode: 0o600 }); return { args: [sv.KSA_PG_PRIMARY!], env: { PGUSER: sv.KSA_PG_USER! } }; } },
    { name: 'PGSERVICEFILE', type: 'postgres', setup: (h, sv) => { writeFileSync(join(h, 'svc.conf'), `[mon]\nhost=${sv.KSA_PG_PRIMARY!.split(':')[0]}\nport=${sv.KSA_PG_PRIMARY!.split(':')[1]}\nuser=${sv.KSA_PG_USER}\npassword=${CANARY}\n`); return { args: [], env: { PGSERVICE: 'mon', PGSERVICEFILE: join(h, 'svc.conf') } }; } },
    // The user put this one on ksa's own argv (warned about): only the children's /proc counts.
    { name: 'postgresql:// URI', type: 'postgres', ownArgv: true, setup: (_h, sv) => ({ args: [`postgresql://${sv.KSA_PG_USER}:${encodeURIComponent(CANARY)}@${sv.KSA_PG_PRIMARY}/postgres?sslmode=disable`], env: {} }) },
    { name: '~/.my.cnf', type: 'mysql', setup: (h, sv) => { writeFileSync(join(h, '.my.cnf'), `[client]\nuser=${sv.KSA_MYSQL_USER}\npassword="${CANARY}"\n`, { mode: 0o600 }); return { args: [sv.KSA_MYSQL_PRIMARY!], env: {} }; } },
    { name: '--defaults-file', type: 'mysql', setup: (h, sv) => { writeFileSync(join(h, 'm.cnf'), `[client]\nuser=${sv.KSA_MYSQL_USER}\npassword=${CANARY}\n`, { mode: 0o600 }); return { args: [sv.KSA_MYSQL_PRIMARY!, '--defaults-file', join(h, 'm.cnf')], env: {} }; } },
    { name: 'MYSQL_PWD', type: 'mysql', setup: (_h, sv) => ({ args: [sv.KSA_MYSQL_PRIMARY!, '-u', sv.KSA_MYSQL_USER!], env: { MYSQL_PWD: CANARY } }) },
    { name: 'kafka --config-file sasl.password', type: 'kafka', setup: (h, sv) => { writeFileSync(join(h, 'c.properties'), `bootstrap.servers=${sv.KSA_KAFKA_BOOTSTRAP}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=mon\nsasl.password=${CANARY}\n`, { mode: 0o600 }); return { args: ['--config-file', join(h, 'c.properties')], env: {} }; } },
  ];

  it.concurrent.each(CLIENT_SOURCES.filter((c) => builtPlugin(c.type)))('$name ($type): KSA_ERR_AUTH, the canary is nowhere (--explain-auth, --log-level debug, /proc)', async (c) => {
    const services = loadServicesEnv();
    const home = tempDir('ksa-rel-home-');
    const { args, env } = c.setup(home, services);
    const { run, procLeaks } = await runWatched(['--log-level', 'debug', 'diagnose', c.type, ...args, '--explain-auth', '--timeout', '5s', '--json'], { HOME: home, ...env });
    const result = parseReport(run.stdout).results[0]!;
    expect(result.status).toBe('unknown');
    expect(result.errors[0]?.code).toBe('KSA_ERR_AUTH');
    expect(run.stderr).toMatch(/password\s+\(set\)\s+from /);
    expect(leaks(run.stdout)).toBe(false);
    expect(leaks(run.stderr)).toBe(false);
    expect(procLeaks.filter((p) => !(c.ownArgv && p.startsWith('ksa ')))).toEqual([]);
    m.record(`case 9 ${c.name}`, `${result.errors[0]?.code}: ${result.errors[0]?.message.slice(0, 90)}`);
  });
});

describe('case 10: --password on argv', () => {
  it('works, and warns that argv is visible to other users', async () => {
    const pw = `argv-${randomBytes(4).toString('hex')}`;
    const run = await runKsa(['--plugin', fixturePlugin, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=healthy', '--password', pw, '--json']);
    expect(run.code).toBe(0);
    expect(parseReport(run.stdout).status).toBe('healthy');
    expect(run.stderr).toMatch(/--password.*visible to other users/);
    expect(run.stdout).not.toContain(pw);
    expect(run.stderr).not.toContain(pw);
    m.record('case 10 warning', run.stderr.trim().split('\n')[0]!);
  });
});

describe('case 9 with Redis sources (issue 13): a wrong canary password from each', () => {
  // A Sentinel with its own requirepass, so a wrong Sentinel password is refused there.
  let sentinel: RedisProcess | undefined;
  afterAll(async () => { await sentinel?.stop(); });
  const SENTINEL_PW = `sentinel-${randomBytes(6).toString('hex')}`;
  const startSentinel = async (primary: string) => {
    sentinel ??= await startRedis({
      sentinel: true,
      configText: (port, d) => `port ${port}\nbind 127.0.0.1\ndir ${d}\nrequirepass ${SENTINEL_PW}\nsentinel monitor m ${primary.replace(':', ' ')} 1\n`,
    });
    return sentinel;
  };
  const REDIS_SOURCES: { name: string; ownArgv?: boolean; setup(primary: string): Promise<{ args: string[]; env: Record<string, string> }> }[] = [
    { name: 'REDISCLI_AUTH', setup: async (p) => ({ args: [p], env: { REDISCLI_AUTH: CANARY } }) },
    // The user put these on ksa's own argv (warned about): only the children's /proc counts.
    { name: 'redis:// URL password', ownArgv: true, setup: async (p) => ({ args: [`redis://:${encodeURIComponent(CANARY)}@${p}`], env: {} }) },
    { name: '--sentinel-password (argv)', ownArgv: true, setup: async (p) => ({ args: ['--sentinel', (await startSentinel(p)).endpoint, '--sentinel-password', CANARY], env: {} }) },
    {
      name: 'ksa.yaml options.sentinelPassword ${VAR}',
      setup: async (p) => ({
        args: ['--config', writeConfig(dir, [{ name: 'sentinels', type: 'redis', endpoints: [], options: { sentinel: [(await startSentinel(p)).endpoint], sentinelPassword: '${REL_SENTINEL}' } }], { packages: [] })],
        env: { REL_SENTINEL: CANARY },
      }),
    },
  ];

  it.each(REDIS_SOURCES.filter(() => builtPlugin('redis')))('$name: KSA_ERR_AUTH, the canary is nowhere (--log-level debug, /proc)', async (c) => {
    const services = loadServicesEnv();
    const { args, env } = await c.setup(services.KSA_REDIS_PRIMARY!);
    const target = args[0] === '--config' ? args : ['redis', ...args];
    const { run, procLeaks } = await runWatched(['--log-level', 'debug', 'diagnose', ...target, '--timeout', '5s', '--json'], { DEBUG: '*', ...env });
    const result = parseReport(run.stdout).results[0]!;
    expect(result.status).toBe('unknown');
    expect(result.errors[0]?.code).toBe('KSA_ERR_AUTH');
    expect(leaks(run.stdout)).toBe(false);
    expect(leaks(run.stderr)).toBe(false);
    expect(procLeaks.filter((p) => !(c.ownArgv && p.startsWith('ksa ')))).toEqual([]);
    m.record(`case 9 redis ${c.name}`, `${result.errors[0]?.code}: ${result.errors[0]?.message.slice(0, 90)}`);
  }, 30_000);
});
