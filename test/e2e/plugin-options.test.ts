// Issue 14 items 2 and 3, spawned as a user runs ksa (built dist/) against the real test servers:
// plugin options are a schema applied everywhere (--option, the plugin's flags, ksa.yaml target
// options and plugins.<id>.config are checked, with did-you-mean, before any plugin code runs;
// values arrive typed; a secret option never leaves ksa), and the CLI names no middleware: every
// middleware flag comes from a manifest, so a fixture plugin gets its own flags and help.
// Needs `npm run build`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/core/schemas.js';
import { loadServicesEnv } from '../support/services.js';
import { spawnKsa, type KsaRun } from '../support/spawn-ksa.js';
import { startRedis, startSentinels, type RedisProcess } from '../integration/redis/redis-servers.js';
import { waitFor } from '../support/wait-for.js';
import type { Report } from '../../src/core/types.js';

const env = loadServicesEnv();
const FLAGGED = './test/fixtures/plugins/flag-fixture';
const CANARY = 'Canary-Token-7f3a9c';

const ksa = (args: readonly string[], extra: Record<string, string> = {}): Promise<KsaRun> =>
  spawnKsa(args, extra, /^(KSA_|REDISCLI_AUTH$|PGPASSWORD$|MYSQL_PWD$|NO_COLOR$|FORCE_COLOR$|OPT_)/);
const report = (run: KsaRun): Report => ReportSchema.parse(JSON.parse(run.stdout));

/** Exit 3, nothing on stdout, one coded line on stderr (the last; warnings may precede it). */
function expectOneLineError(run: KsaRun, code: string): string {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('ksa: KSA_ERR_'))).toHaveLength(1);
  expect(lines.at(-1)).toMatch(new RegExp(`^ksa: ${code} \\S`));
  return lines.at(-1)!;
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ksa-options-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writeConfig = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

// Old code: `--option` pairs went to the plugin unchecked: these ran a diagnosis (postgres with
// sslmode unset, i.e. `prefer`, silently) and exited 0-2 instead of 3.
describe('--option and flags are checked against the manifest before the plugin runs', () => {
  it('--option sslmod=require on PostgreSQL: exit 3, did you mean sslmode', async () => {
    const run = await ksa(['diagnose', 'postgres', env.KSA_PG_PRIMARY!, '--user', env.KSA_PG_USER!, '--option', 'sslmod=require', '--json'], { PGPASSWORD: env.KSA_PG_PASSWORD! });
    const line = expectOneLineError(run, 'KSA_ERR_BAD_INPUT');
    expect(line).toContain('--option sslmod: postgres-diagnostics has no option "sslmod"');
    expect(line).toContain('did you mean sslmode?');
  });

  it('--option bogus=1 on Redis: exit 3 naming the options', async () => {
    const line = expectOneLineError(await ksa(['diagnose', 'redis', env.KSA_REDIS_PRIMARY!, '--option', 'bogus=1'], { REDISCLI_AUTH: env.KSA_REDIS_PASSWORD! }), 'KSA_ERR_BAD_INPUT');
    expect(line).toMatch(/has no option "bogus" \(options: mode, sentinel, sentinelPassword, sentinelUser, masterName\)/);
  });

  it('a value of the wrong type or outside the enum: exit 3 with the fix', async () => {
    const samples = expectOneLineError(await ksa(['diagnose', 'kafka', env.KSA_KAFKA_BOOTSTRAP!, '--samples', 'abc']), 'KSA_ERR_BAD_INPUT');
    expect(samples).toContain('--samples: "abc" is not an integer: give an integer from 1 to 1000');
    const mode = expectOneLineError(await ksa(['diagnose', 'postgres', env.KSA_PG_PRIMARY!, '--sslmode', 'required']), 'KSA_ERR_BAD_INPUT');
    expect(mode).toContain('is not one of disable, prefer, require, verify-ca, verify-full');
  });

  it("a flag of another type is refused, not ignored (per-type flags)", async () => {
    const line = expectOneLineError(await ksa(['diagnose', 'mysql', env.KSA_MYSQL_PRIMARY!, '--sentinel', '127.0.0.1:26379']), 'KSA_ERR_BAD_INPUT');
    expect(line).toContain('--sentinel is not an option of mysql');
  });
});

describe('ksa.yaml options and plugins.<id>.config', () => {
  // Old code: `ksa config validate` said ok for all of these (exit 0).
  it('config validate lists every bad option with its path and did-you-mean; diagnose --config stops on the first', async () => {
    const file = writeConfig('bad-options.yaml', [
      'targets:',
      `  - { name: events, type: kafka, endpoints: ["${env.KSA_KAFKA_BOOTSTRAP}"], options: { samples: "abc" } }`,
      `  - { name: cache, type: redis, endpoints: ["${env.KSA_REDIS_PRIMARY}"], options: { masterNam: m } }`,
      'plugins:',
      '  redis-diagnostics: { config: { bogus: 1 } }',
      '  mysql-diagnostics: { config: { topStatement: 5 } }',
      '  redis-diagnostic: { config: {} }',
      '',
    ].join('\n'));
    const run = await ksa(['config', 'validate', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/KSA_ERR_CONFIG_INVALID .*plugins\.redis-diagnostics\.config\.bogus: redis-diagnostics has no option "bogus"/),
      expect.stringMatching(/plugins\.mysql-diagnostics\.config\.topStatement: .*did you mean topStatements\?/),
      expect.stringMatching(/plugins\.redis-diagnostic: no plugin "redis-diagnostic" is loaded .*did you mean redis-diagnostics\?/),
      expect.stringMatching(/targets\[0\]\.options\.samples: "abc" is not an integer/),
      expect.stringMatching(/targets\[1\]\.options\.masterNam: .*did you mean masterName\?/),
    ]));
    expect(lines.every((l) => l.startsWith('ksa: KSA_ERR_CONFIG_INVALID '))).toBe(true);

    const diagnose = await ksa(['diagnose', '--config', file]);
    expectOneLineError(diagnose, 'KSA_ERR_CONFIG_INVALID');
  });

  it('a plugin-wide option given to one target is refused with where it belongs', async () => {
    const file = writeConfig('scope.yaml', `targets:\n  - { name: db, type: mysql, endpoints: ["${env.KSA_MYSQL_PRIMARY}"], options: { topStatements: 5 } }\n`);
    const line = expectOneLineError(await ksa(['config', 'validate', '--config', file]), 'KSA_ERR_CONFIG_INVALID');
    expect(line).toContain('topStatements applies to the whole plugin, not to one target: set it in ksa.yaml under plugins.mysql-diagnostics.config.topStatements');
  });

  it('valid options are ok, and plugin flags on the command line do not combine with --config', async () => {
    const file = writeConfig('good.yaml', [
      'targets:',
      `  - { name: events, type: kafka, endpoints: ["${env.KSA_KAFKA_BOOTSTRAP}"], options: { samples: 2, intervalMs: 250ms, group: etl } }`,
      'plugins:',
      '  mysql-diagnostics: { config: { topStatements: 5 } }',
      '',
    ].join('\n'));
    const ok = await ksa(['config', 'validate', '--config', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: /);
    const line = expectOneLineError(await ksa(['diagnose', '--config', file, '--group', 'etl']), 'KSA_ERR_BAD_INPUT');
    expect(line).toContain(`--group applies to a target given on the command line, not to ${file}'s targets`);
  });
});

// Old code: --poll-depth was an unknown option (commander error, exit 3); there was no way for an
// external plugin to get a flag.
describe('a fixture plugin declares its own flags (no edit outside its package)', () => {
  it('--poll-depth, --watch, --chatty reach the plugin as typed options', async () => {
    const run = await ksa(['--plugin', FLAGGED, 'diagnose', 'flagged', 'h:1', '--poll-depth', '3', '--watch', 'a,b', '--watch', 'c', '--chatty', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const finding = report(run).results[0]!.findings[0]!;
    expect(finding.evidence).toEqual({
      options: { depth: 3, watch: ['a', 'b', 'c'], chatty: true, behavior: 'echo' },
      types: { depth: 'number', watch: 'array', chatty: 'boolean', behavior: 'string' },
    });
  });

  it('the same plugin via ksa.yaml options: the same typed values', async () => {
    const file = writeConfig('flagged.yaml', 'targets:\n  - { name: f, type: flagged, endpoints: ["h:1"], options: { depth: "4", watch: x } }\n');
    const run = await ksa(['--plugin', FLAGGED, 'diagnose', '--config', file, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(report(run).results[0]!.findings[0]!.evidence.options).toEqual({ depth: 4, watch: ['x'], behavior: 'echo' });
  });

  it('ksa diagnose --help lists its flags with the manifest text; a bad value is refused', async () => {
    const help = await ksa(['--plugin', FLAGGED, 'diagnose', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Plugin options \(per type, from the manifests/);
    expect(help.stdout).toMatch(/--poll-depth <n>\s+flagged: how deep the fixture polls \(1-9\)/);
    expect(help.stdout).toMatch(/--access-token <token>\s+flagged: the API token/);
    // Without the plugin, its flags do not exist.
    expect((await ksa(['diagnose', '--help'])).stdout).not.toContain('--poll-depth');
    const line = expectOneLineError(await ksa(['--plugin', FLAGGED, 'diagnose', 'flagged', 'h:1', '--poll-depth', '12']), 'KSA_ERR_BAD_INPUT');
    expect(line).toContain('--poll-depth: "12" is above the maximum 9: give an integer from 1 to 9, e.g. --poll-depth <n>');
  });

  it('two plugins that declare one flag with different shapes are refused at load; so is a flag shadowing ksa\'s own', async () => {
    const make = (name: string, options: string): string => {
      const pkg = join(dir, name);
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'index.js'), 'export default {};\n');
      writeFileSync(join(pkg, 'plugin.yaml'), `id: ${name}-diagnostics\nname: ${name}\nversion: 1.0.0\napiVersion: 1\ntype: middleware\nmiddleware: ${name}\nentry: ./index.js\ncategories: [a]\noptions:\n${options}`);
      return pkg;
    };
    const clash = make('clash', '  chatty: { type: string, flag: chatty, description: a string this time }\n');
    const conflict = expectOneLineError(await ksa(['--plugin', FLAGGED, '--plugin', clash, 'diagnose', 'flagged', 'h:1']), 'KSA_ERR_MANIFEST_INVALID');
    expect(conflict).toContain('--chatty is declared by flagged-diagnostics (boolean) and by clash-diagnostics (string)');
    const shadow = make('shadow', '  limit: { type: duration, flag: timeout, description: shadows --timeout }\n');
    const own = expectOneLineError(await ksa(['--plugin', shadow, 'diagnose', 'shadow', 'h:1']), 'KSA_ERR_MANIFEST_INVALID');
    expect(own).toContain("shadow-diagnostics declares --timeout, which clashes with ksa's own --timeout");
  });
});

// Old code: there were no secret options (a plugin's config_schema was never applied).
describe('a secret option never leaves ksa', () => {
  const noCanary = (run: KsaRun) => {
    expect(run.stdout).not.toContain(CANARY);
    expect(run.stderr).not.toContain(CANARY);
  };

  it('JSON, table and snapshot: the plugin echoed it, ksa shows ***', async () => {
    const snapshot = join(dir, 'snap.json');
    const json = await ksa(['--plugin', FLAGGED, 'diagnose', 'flagged', 'h:1', '--access-token', CANARY, '--json', '--save-snapshot', snapshot]);
    noCanary(json);
    expect(json.code, json.stderr).toBe(1);
    expect(report(json).results[0]!.findings[0]!.evidence.options).toMatchObject({ accessToken: '***' });
    expect(json.stderr).toContain('the secret option accessToken on the command line is visible to other users');
    const file = readFileSync(snapshot, 'utf8');
    expect(file).not.toContain(CANARY);
    expect(file).toContain('"accessToken": "***"');
    const table = await ksa(['--plugin', FLAGGED, 'diagnose', 'flagged', 'h:1', '--access-token', CANARY, '--output', 'table']);
    noCanary(table);
    expect(table.stdout).toContain('***');
  });

  it('errors and debug logs, from argv and from ksa.yaml ${VARIABLE}', async () => {
    const failed = await ksa(['--log-level', 'debug', '--plugin', FLAGGED, 'diagnose', 'flagged', 'h:1', '--access-token', CANARY, '--chatty', '--option', 'behavior=fail', '--json']);
    noCanary(failed);
    expect(report(failed).results[0]!.errors[0]!.message).toContain('cannot poll with token ***');
    expect(failed.stderr).toMatch(/\[flagged-diagnostics\] options: \{.*"accessToken":"\*\*\*"/);
    const file = writeConfig('secret.yaml', 'targets:\n  - { name: f, type: flagged, endpoints: ["h:1"], options: { accessToken: "${OPT_TOKEN}", chatty: true, behavior: fail } }\n');
    const fromConfig = await ksa(['--log-level', 'debug', '--plugin', FLAGGED, 'diagnose', '--config', file, '--output', 'nagios'], { OPT_TOKEN: CANARY });
    noCanary(fromConfig);
    expect(fromConfig.stdout).toContain('cannot poll with token ***');
  });

  it('a secret of the wrong type is reported without its value', async () => {
    const file = writeConfig('secret-bad.yaml', 'targets:\n  - { name: f, type: flagged, endpoints: ["h:1"], options: { accessToken: [1, 2], depth: 1 } }\n');
    const run = await ksa(['--plugin', FLAGGED, 'config', 'validate', '--config', file]);
    const line = expectOneLineError(run, 'KSA_ERR_CONFIG_INVALID');
    expect(line).toContain('targets[0].options.accessToken: the value is not a string');
  });
});

// The built-ins' flags are manifest options now: the same commands keep working on real servers.
describe('built-in flags from the manifests, on the real servers', () => {
  it('postgres --sslmode disable --database postgres', async () => {
    const run = await ksa(['diagnose', 'postgres', env.KSA_PG_PRIMARY!, '--user', env.KSA_PG_USER!, '--sslmode', 'disable', '--database', 'postgres', '--category', 'connection', '--json'], { PGPASSWORD: env.KSA_PG_PASSWORD! });
    expect(run.code, run.stderr).toBeLessThan(3);
    expect(report(run).results[0]!.errors).toEqual([]);
  });

  it('mysql --socket (no endpoint: the socket is the target)', async () => {
    const run = await ksa(['diagnose', 'mysql', '--socket', env.KSA_MYSQL_PRIMARY_SOCKET!, '--user', env.KSA_MYSQL_USER!, '--category', 'connection', '--json'], { MYSQL_PWD: env.KSA_MYSQL_PASSWORD! });
    expect(run.code, run.stderr).toBeLessThan(3);
    const result = report(run).results[0]!;
    expect(result.errors).toEqual([]);
    expect(result.target).toMatchObject({ name: `mysql@${env.KSA_MYSQL_PRIMARY_SOCKET}`, endpoints: [`unix:${env.KSA_MYSQL_PRIMARY_SOCKET}`] });
  });

  describe('redis --sentinel --master-name', () => {
    const servers: RedisProcess[] = [];
    afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); });

    it('diagnoses the Sentinel deployment the flags name', async () => {
      const primary = await startRedis();
      servers.push(primary);
      const sentinels = await startSentinels(primary, 'opts-master', 1);
      servers.push(...sentinels);
      await waitFor('the sentinel to monitor the master', () => /opts-master/.test(sentinels[0]!.cli('SENTINEL', 'MASTERS')));
      const run = await ksa(['diagnose', 'redis', primary.endpoint, '--sentinel', sentinels[0]!.endpoint, '--master-name', 'opts-master', '--category', 'sentinel', '--json']);
      expect(run.code, run.stderr).toBeLessThan(3);
      const result = report(run).results[0]!;
      expect(result.categories[0]).toMatchObject({ name: 'sentinel' });
      expect(result.categories[0]!.notApplicable).toBeUndefined();
      expect(result.metrics).toMatchObject({ mode: 'sentinel', sentinels_reachable: 1 });
    }, 30_000);
  });
});
