// Issue 12 item 8, "first minute at a terminal", spawned as a user runs ksa (built dist/) against
// the real test servers (.services/env) and a throwaway standalone Redis: help for commands run
// without a subcommand, did-you-mean for commands, options and middleware types, `diagnose --help`
// generated from the manifests, `config validate` listing every problem, `--quiet`, and
// not-applicable categories told apart from failed ones in JSON and in snapshots.
// Needs `npm run build`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema, ReportSchema, SnapshotFileSchema } from '../../src/core/schemas.js';
import { loadServicesEnv, repoRoot } from '../support/services.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import { startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import type { Report } from '../../src/core/types.js';

const services = loadServicesEnv();
const REDIS_PW = services.KSA_REDIS_PASSWORD!;
const PRIMARY = services.KSA_REDIS_PRIMARY!;
const REPLICA = services.KSA_REDIS_REPLICA!;
const FIXTURE_HELP = './test/fixtures/plugins/fixture-help';

/** Credentials only as each test passes them: nothing from the caller's environment leaks in. */
const ksa = (args: readonly string[], env: Record<string, string> = {}): Promise<KsaRun> =>
  spawnKsa(args, env, /^(KSA_|REDISCLI_AUTH$|PGPASSWORD$|MYSQL_PWD$|FIXTURE_CLI_PASSWORD$|NO_COLOR$|FORCE_COLOR$)/);
const report = (run: KsaRun): Report => ReportSchema.parse(JSON.parse(run.stdout));
const EXIT_OF_WORD: Record<string, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

/** The last stderr line is the one coded error line; nothing on stdout. */
function expectError(run: KsaRun, code: string): string {
  expect(run.code).toBe(3);
  expect(run.stdout).toBe('');
  const last = run.stderr.trimEnd().split('\n').at(-1)!;
  expect(last).toMatch(new RegExp(`^ksa: ${code} \\S`));
  return last;
}

let dir: string;
let standalone: RedisProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-first-minute-'));
  standalone = await startRedis({ password: REDIS_PW });
});
afterAll(async () => {
  await standalone?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('commands without their subcommand print their help', () => {
  // Old code: `ksa`, `ksa plugin`, `ksa config` printed nothing and exited 0 (the exit code assertion fails).
  it.each([
    { args: [] as string[], usage: 'Usage: ksa [options] [command]', names: ['diagnose', 'analyze', 'plugin', 'config'] },
    { args: ['plugin'], usage: 'Usage: ksa plugin [options] [command]', names: ['list', 'info', 'install'] },
    { args: ['config'], usage: 'Usage: ksa config [options] [command]', names: ['validate', 'example'] },
  ])('ksa $args: help on stderr, one coded line, exit 3; --help: stdout, exit 0', async ({ args, usage, names }) => {
    const missing = await ksa(args);
    const line = expectError(missing, 'KSA_ERR_BAD_INPUT');
    expect(missing.stderr.startsWith(usage)).toBe(true);
    for (const n of names) expect(missing.stderr).toMatch(new RegExp(`^  ${n}\\b`, 'm'));
    expect(line).toContain(`\`${['ksa', ...args].join(' ')}\` needs a command (`);
    expect(line).toMatch(/: run e\.g\. `ksa[ a-z]*`; the help above describes each$/);

    const help = await ksa([...args, '--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout.startsWith(usage)).toBe(true);
  });
});

describe('did you mean', () => {
  // Old code: the same errors without any suggestion (the toContain('did you mean ...') assertions fail).
  it('an unknown option of diagnose against a real Redis: --jsn -> --json, one line', async () => {
    const run = await ksa(['diagnose', 'redis', PRIMARY, '--jsn'], { REDISCLI_AUTH: REDIS_PW });
    const line = expectError(run, 'KSA_ERR_BAD_INPUT');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(line).toBe("ksa: KSA_ERR_BAD_INPUT unknown option '--jsn': did you mean --json? (`ksa diagnose --help` lists the options)");
  });

  it('an option value is not taken for a command: `--plugin <dir> diagnose ... --fail-onn`', async () => {
    const run = await ksa(['--plugin', FIXTURE_HELP, 'diagnose', 'fixture', '127.0.0.1:7000', '--fail-onn', 'critical']);
    expect(expectError(run, 'KSA_ERR_BAD_INPUT')).toContain('did you mean --fail-on? (`ksa diagnose --help`');
  });

  it('unknown commands: diagnos -> diagnose, plugin lst -> plugin list, help diagnos', async () => {
    const [top, sub, help] = await Promise.all([
      ksa(['diagnos', 'redis', PRIMARY]),
      ksa(['plugin', 'lst']),
      ksa(['help', 'diagnos']),
    ]);
    expect(expectError(top, 'KSA_ERR_BAD_INPUT')).toContain("unknown command 'diagnos': did you mean `ksa diagnose`?");
    expect(expectError(sub, 'KSA_ERR_BAD_INPUT')).toContain("unknown command 'lst': did you mean `ksa plugin list`?");
    expect(expectError(help, 'KSA_ERR_BAD_INPUT')).toContain("unknown command 'diagnos': did you mean `ksa diagnose`?");
  });

  it('a misspelt middleware type, on argv and in ksa.yaml: redsi -> redis', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, `targets:\n  - { name: cache, type: redsi, endpoints: [${PRIMARY}] }\n`);
    const [argv, config] = await Promise.all([ksa(['diagnose', 'redsi', PRIMARY]), ksa(['diagnose', '--config', file])]);
    expect(expectError(argv, 'KSA_ERR_UNKNOWN_TYPE')).toContain('no plugin diagnoses "redsi" (known types: http, kafka, mysql, postgres, prometheus, redis): did you mean redis?');
    expect(expectError(config, 'KSA_ERR_CONFIG_INVALID')).toContain('targets[0].type: no plugin diagnoses "redsi"');
    expect(config.stderr).toContain('did you mean redis?');
  });
});

describe('diagnose --help: examples and credential variables from the manifests', () => {
  const builtins = readdirSync(join(repoRoot, 'manifests')).filter((f) => f.endsWith('.yaml'))
    .map((f) => ManifestSchema.parse(parseYaml(readFileSync(join(repoRoot, 'manifests', f), 'utf8'))))
    .filter((m) => m.type === 'middleware'); // built-in notifiers take no diagnose flags

  // Old code: no examples, no variables in the help (the toContain assertions fail).
  it('lists every built-in manifest\'s examples and password variables', async () => {
    const run = await ksa(['diagnose', '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(builtins.map((m) => m.middleware).sort()).toEqual(["http", "kafka", "mysql", "postgres", "prometheus", "redis"]);
    for (const m of builtins) {
      // The database plugins meet their users' client habits; http and prometheus have no such variable (yet no examples either).
      if (['kafka', 'mysql', 'postgres', 'redis'].includes(m.middleware!)) {
        expect(m.examples?.length, m.id).toBeGreaterThan(0);
        expect(m.credentials?.passwordEnv.length, m.id).toBeGreaterThan(0);
      }
      expect(run.stdout).toMatch(new RegExp(`^  ${m.middleware} +${m.id} ${m.version}`, 'm'));
      for (const e of m.examples ?? []) expect(run.stdout).toContain(`  ${e.command}\n      ${e.description}\n`);
      if (m.credentials) expect(run.stdout).toMatch(new RegExp(`^  ${m.middleware} +${[...m.credentials.passwordEnv, 'KSA_PASSWORD'].join(', ')}$`, 'm'));
    }
    // `ksa help diagnose` is the same text.
    expect((await ksa(['help', 'diagnose'])).stdout).toBe(run.stdout);
  });

  it("an external plugin's manifest adds its example and variable, and ksa reads that variable", async () => {
    const help = await ksa(['--plugin', FIXTURE_HELP, 'diagnose', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('  ksa diagnose fixture 127.0.0.1:7000 --option behavior=warning\n      a fixture target that reports a warning\n');
    expect(help.stdout).toMatch(/^ {2}fixture +FIXTURE_CLI_PASSWORD, KSA_PASSWORD$/m);
    // The fixture echoes whether it got a password into its finding (redacted in the output).
    const run = await ksa(['--plugin', FIXTURE_HELP, 'diagnose', 'fixture', '127.0.0.1:7000', '--option', 'behavior=warning', '--json'], { FIXTURE_CLI_PASSWORD: 'fixture-pw-1' });
    expect(run.code).toBe(1);
    expect(report(run).results[0]!.findings[0]!.detail).toBe('level 80% (secret is ***)');
    expect(run.stdout).not.toContain('fixture-pw-1');
  });

  it("the manifest's variable authenticates against the real Redis (REDISCLI_AUTH)", async () => {
    const run = await ksa(['diagnose', 'redis', REPLICA, '--json', '--category', 'memory'], { REDISCLI_AUTH: REDIS_PW });
    const r = report(run);
    expect(r.results[0]!.errors).toEqual([]);
    expect(r.results[0]!.status).not.toBe('unknown');
  });

  it('no TypeScript in src/cli or src/config names a built-in password variable', () => {
    const names = builtins.flatMap((m) => m.credentials?.passwordEnv ?? []);
    expect(names.length).toBeGreaterThan(3);
    for (const sub of ['src/cli', 'src/config']) {
      for (const f of readdirSync(join(repoRoot, sub), { recursive: true }).map(String).filter((x) => x.endsWith('.ts'))) {
        const text = readFileSync(join(repoRoot, sub, f), 'utf8');
        for (const n of names) expect(text.includes(n), `${sub}/${f} names ${n}`).toBe(false);
      }
    }
  });
});

describe('config validate reports every problem', () => {
  // Old code: one line, the first problem only (the line-count assertion fails).
  it('one line per problem, each with file, key path and fix; exit 3; diagnose --config counts the rest', async () => {
    const file = join(dir, 'many.yaml');
    writeFileSync(file, [
      'defaults: { timout: 10s, concurrency: 0 }',
      'targets:',
      `  - { name: cache, type: redis, endpoints: [${PRIMARY}], auth: { user: x } }`,
      '  - { name: db, type: redis, endpoints: h:2 }',
      '',
    ].join('\n'));
    const run = await ksa(['config', 'validate', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    const paths = lines.map((l) => {
      const m = new RegExp(`^ksa: KSA_ERR_CONFIG_INVALID ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?::\\d+)?: ([^:]+): .+: .+$`).exec(l);
      expect(m, l).not.toBeNull();
      return m![1];
    });
    expect(paths.sort()).toEqual(['defaults', 'defaults.concurrency', 'targets[0].auth', 'targets[1].endpoints']);
    expect(run.stderr).toContain('unknown key "timout" (did you mean "timeout"?)');
    expect(run.stderr).toContain(`${file}:3: targets[0].auth: unknown key "user" (did you mean "username"?)`);

    const diagnose = await ksa(['diagnose', '--config', file]);
    const line = expectError(diagnose, 'KSA_ERR_CONFIG_INVALID');
    expect(diagnose.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(line).toContain(`; 3 more problems: \`ksa config validate --config ${file}\` lists them all`);
  });

  it('per-target problems are listed for every target (type, category, endpoint), with duplicate names', async () => {
    const file = join(dir, 'targets.yaml');
    writeFileSync(file, [
      'targets:',
      `  - { name: a, type: redsi, endpoints: [${PRIMARY}] }`,
      `  - { name: b, type: redis, endpoints: [${PRIMARY}], categories: [memroy] }`,
      '  - { name: a, type: redis, endpoints: ["127.0.0.1:99999"] }',
      `  - { name: ok, type: redis, endpoints: [${REPLICA}] }`,
      '',
    ].join('\n'));
    const run = await ksa(['config', 'validate', '--config', file]);
    expect(run.code).toBe(3);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.startsWith(`ksa: KSA_ERR_CONFIG_INVALID ${file}`))).toBe(true);
    expect(lines.map((l) => /: (targets\[\d\][.\w[\]]*): /.exec(l)?.[1])).toEqual(['targets[2].name', 'targets[0].type', 'targets[1].categories[0]', 'targets[2].endpoints[0]']);
  });
});

describe('--quiet: only the one-line verdict', () => {
  // Old code: `-q` was an unknown option (exit 3), so the exit code and line assertions fail.
  it('diagnose and analyze print the Nagios status line without perfdata; the exit code is the same', async () => {
    const snap = join(dir, 'quiet-snap.json');
    const live = await ksa(['diagnose', 'redis', PRIMARY, '-q', '--save-snapshot', snap], { REDISCLI_AUTH: REDIS_PW });
    expect(live.stderr).toBe('');
    expect(live.stdout).toMatch(/^KSA (OK|WARNING|CRITICAL) - [^\n|]+\n$/);
    expect(live.code).toBe(EXIT_OF_WORD[/^KSA (\w+)/.exec(live.stdout)![1]!]);

    const [quiet, nagios] = await Promise.all([ksa(['analyze', snap, '--quiet']), ksa(['analyze', snap, '-o', 'nagios'])]);
    expect(quiet.stdout).toBe(`${nagios.stdout.split('\n')[0]!.split('|')[0]!.trimEnd()}\n`);
    expect(quiet.stdout).toBe(live.stdout);
    expect(quiet.code).toBe(nagios.code);
  });

  it('a fleet: the run\'s summary line', async () => {
    const file = join(dir, 'quiet-fleet.yaml');
    writeFileSync(file, `targets:\n  - { name: primary, type: redis, endpoints: [${PRIMARY}], auth: { passwordEnv: RPW } }\n  - { name: down, type: redis, endpoints: ["127.0.0.1:1"] }\n`);
    const run = await ksa(['diagnose', '--config', file, '--quiet'], { RPW: REDIS_PW });
    // CRITICAL > UNKNOWN > WARNING > OK: the unreachable target makes it UNKNOWN unless the primary is critical.
    expect(run.stdout).toMatch(/^KSA (UNKNOWN|CRITICAL) - 2 targets: [^\n|]*\bdown\b[^\n|]*\n$/);
    expect(run.code).toBe(EXIT_OF_WORD[/^KSA (\w+)/.exec(run.stdout)![1]!]);
  });

  it('--quiet with a machine format is refused with the fix', async () => {
    const run = await ksa(['diagnose', 'redis', PRIMARY, '-q', '--json'], { REDISCLI_AUTH: REDIS_PW });
    expect(expectError(run, 'KSA_ERR_BAD_INPUT')).toContain('--quiet replaces the table with the one-line verdict; it does not combine with --output json: drop --quiet, or drop --json');
  });
});

describe('not-applicable categories (JSON notApplicable, snapshots, analyze)', () => {
  // Old code: sentinel/cluster were `unknown` with `skipped` and no notApplicable field (the
  // toEqual on [name, status, notApplicable] fails), and a run of only n/a categories exited 3.
  it('a standalone Redis: sentinel, cluster and replication are n/a, healthy, reasons kept; the rest evaluated', async () => {
    const run = await ksa(['diagnose', 'redis', standalone.endpoint, '--json'], { REDISCLI_AUTH: REDIS_PW });
    const r = report(run).results[0]!;
    expect(r.errors).toEqual([]);
    const na = r.categories.filter((c) => c.notApplicable);
    expect(na.map((c) => [c.name, c.status, c.notApplicable])).toEqual([['replication', 'healthy', true], ['sentinel', 'healthy', true], ['cluster', 'healthy', true]]);
    expect(na.find((c) => c.name === 'sentinel')!.skipped).toMatch(/^not a Sentinel deployment: pass --sentinel/);
    expect(na.find((c) => c.name === 'replication')!.skipped).toBe(`no replication: ${standalone.endpoint} is a primary without replicas (connected_slaves:0)`);
    expect(r.categories.filter((c) => !c.notApplicable).every((c) => c.skipped === undefined && c.status !== 'unknown')).toBe(true);
  });

  it('only n/a categories requested: healthy, exit 0 (n/a never makes a result unknown)', async () => {
    const run = await ksa(['diagnose', 'redis', standalone.endpoint, '--json', '--category', 'sentinel,cluster'], { REDISCLI_AUTH: REDIS_PW });
    const rep = report(run);
    expect(rep.status).toBe('healthy');
    expect(run.code).toBe(0);
    expect(rep.results[0]!.categories.map((c) => [c.name, c.notApplicable])).toEqual([['sentinel', true], ['cluster', true]]);
  });

  it('a real replica: replication applies; --mode cluster on it: cluster is n/a', async () => {
    const run = await ksa(['diagnose', 'redis', REPLICA, '--json', '--category', 'replication,cluster', '--mode', 'cluster'], { REDISCLI_AUTH: REDIS_PW });
    const cats = Object.fromEntries(report(run).results[0]!.categories.map((c) => [c.name, c]));
    expect(cats.replication!.notApplicable).toBeUndefined();
    expect(cats.replication!.skipped).toBeUndefined();
    expect(cats.cluster).toMatchObject({ status: 'healthy', notApplicable: true, skipped: `${REPLICA} has cluster_enabled:0: not a Redis Cluster node (leave out --mode cluster)` });
  });

  it('the snapshot file records them and `ksa analyze` agrees with the live run', async () => {
    const snap = join(dir, 'na-snap.json');
    const live = await ksa(['diagnose', 'redis', standalone.endpoint, '--json', '--save-snapshot', snap], { REDISCLI_AUTH: REDIS_PW });
    const file = SnapshotFileSchema.parse(JSON.parse(readFileSync(snap, 'utf8')));
    expect(file.snapshots[0]!.notApplicable).toEqual({
      sentinel: expect.stringMatching(/^not a Sentinel deployment/),
      cluster: expect.stringMatching(/^cluster_enabled:0/),
    });
    const offline = await ksa(['analyze', snap, '--json']);
    const shape = (run: KsaRun) => report(run).results[0]!.categories.map((c) => [c.name, c.status, c.notApplicable ?? false, c.skipped ?? '']);
    expect(shape(offline)).toEqual(shape(live));
    expect(offline.code).toBe(live.code);
  });
});
