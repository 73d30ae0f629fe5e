// The Nagios side of the CI-gate contract (issue 12 items 1, 4, 5) on the real Redis primary of
// scripts/services.sh, spawned as Nagios would run ksa: the status word follows the exit code
// (--fail-on, --baseline), the long output says why a finding does not fail the gate, perfdata
// follows the monitoring-plugins grammar with one label set whatever the run finds, and an
// unreachable target keeps its reason on the first line. Output is read with an independent
// guideline reader (test/support/nagios-output.ts). Warnings and criticals are provoked with
// --threshold on the connection usage (ksa's own connection makes it > 0%). Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnKsa } from '../support/spawn-ksa.js';
import { parseNagios, type NagiosOutput } from '../support/nagios-output.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-nagios-'));
const PRIMARY = () => process.env.KSA_REDIS_PRIMARY!;
const ksa = (args: readonly string[]) =>
  spawnKsa(['--no-color', ...args], { KSA_NAGIOS_REDIS_PW: process.env.KSA_REDIS_PASSWORD ?? '' }, /^(KSA_(?!NAGIOS_)|REDISCLI_AUTH$)/);

const WARN = ['--threshold', 'redis.connection.usage=0,100'];
const CRIT = ['--threshold', 'redis.connection.usage=0,0'];
const cache = (...extra: string[]) => ['diagnose', 'redis', PRIMARY(), '--password-env', 'KSA_NAGIOS_REDIS_PW', '--name', 'cache', '--category', 'connection', ...extra];
const nagios = async (args: readonly string[]): Promise<{ code: number | null; stdout: string; out: NagiosOutput }> => {
  const r = await ksa([...args, '-o', 'nagios']);
  expect(r.stderr).toBe('');
  return { code: r.code, stdout: r.stdout, out: parseNagios(r.stdout) };
};
const labelSet = (out: NagiosOutput, prefix = '') => out.perf.map((p) => p.label).filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)).sort();

beforeAll(() => {
  // One key lookup, so Redis' hit-rate metric exists before the runs compared below (it is only
  // computed once the server has seen a lookup, and other suites may make the first one mid-test).
  const [host, port] = PRIMARY().split(':');
  const probe = spawnSync('redis-cli', ['-h', host!, '-p', port!, 'GET', 'ksa-nagios-probe'], { env: { ...process.env, REDISCLI_AUTH: process.env.KSA_REDIS_PASSWORD ?? '' }, encoding: 'utf8' });
  expect(probe.status, probe.stderr).toBe(0);
});

describe('one target: the status word is the gate', () => {
  it('--fail-on critical with only a warning: KSA OK, exit 0, the warning listed as below --fail-on', async () => {
    const r = await nagios(cache(...WARN, '--fail-on', 'critical'));
    expect(r.out.text).toBe('KSA OK - cache (redis): 0 critical, 0 warning (1 below --fail-on)');
    expect(r.out.long).toEqual([expect.stringMatching(/^- warning redis\.connection\.usage \[[^\]]+\]: .+ \(below --fail-on\)$/)]);
    expect(r.stdout).not.toMatch(/KSA (WARNING|CRITICAL|UNKNOWN)/);
    expect(r.code).toBe(0);
  });

  it('--baseline of all findings: KSA OK, exit 0, marked (baselined); a finding missing from it is (new)', async () => {
    const hit = join(dir, 'hit.json');
    const miss = join(dir, 'miss.json');
    expect((await ksa([...cache(...WARN), '--json', '--write-baseline', hit])).code).toBe(1);
    expect((await ksa([...cache(), '--json', '--write-baseline', miss])).code).toBe(0);
    const baselined = await nagios(cache(...WARN, '--baseline', hit));
    expect(baselined.out.text).toBe('KSA OK - cache (redis): 0 critical, 0 warning (1 baselined)');
    expect(baselined.out.long).toEqual([expect.stringMatching(/^- warning redis\.connection\.usage .+ \(baselined\)$/)]);
    expect(baselined.stdout).not.toMatch(/KSA (WARNING|CRITICAL|UNKNOWN)/);
    expect(baselined.code).toBe(0);
    const fresh = await nagios(cache(...WARN, '--baseline', miss));
    expect(fresh.out.text).toMatch(/^KSA WARNING - cache \(redis\): 0 critical, 1 warning; /);
    expect(fresh.out.long).toEqual([expect.stringMatching(/^- warning redis\.connection\.usage .+ \(new\)$/)]);
    expect(fresh.code).toBe(1);
  });

  it('healthy, warning and critical runs have the same perfdata labels, none with the endpoint', async () => {
    const [healthy, warning, critical] = await Promise.all([nagios(cache()), nagios(cache(...WARN)), nagios(cache(...CRIT))]);
    expect([healthy.code, warning.code, critical.code]).toEqual([0, 1, 2]);
    expect([healthy.out.status, warning.out.status, critical.out.status]).toEqual(['OK', 'WARNING', 'CRITICAL']);
    expect(labelSet(warning.out)).toEqual(labelSet(healthy.out));
    expect(labelSet(critical.out)).toEqual(labelSet(healthy.out));
    expect(labelSet(healthy.out)).toEqual(expect.arrayContaining(['duration', 'redis.connection.usage', 'connected_clients', 'uptime_seconds']));
    const [host, port] = PRIMARY().split(':');
    for (const p of healthy.out.perf) expect(p.label).not.toMatch(new RegExp(`${host}|${port}|@`));
    // Thresholds as ranges, with the overrides; the UOM from the guideline set.
    expect(healthy.out.perf.find((p) => p.label === 'redis.connection.usage')).toMatchObject({ uom: '%', warn: '90', crit: '95' });
    expect(warning.out.perf.find((p) => p.label === 'redis.connection.usage')).toMatchObject({ uom: '%', warn: '0', crit: '100' });
    expect(healthy.out.perf.find((p) => p.label === 'uptime_seconds')).toMatchObject({ uom: 's' });
    expect(healthy.out.perf.find((p) => p.label === 'redis.connection.output-buffers')).toMatchObject({ uom: 'B' });
  });

  it('unreachable target: UNKNOWN with the reason on the first line, exit 3', async () => {
    const r = await nagios(['diagnose', 'redis', '127.0.0.1:1', '--name', 'gone', '--timeout', '5s']);
    expect(r.stdout.split('\n')[0]).toMatch(/^KSA UNKNOWN - gone \(redis\): could not diagnose: KSA_ERR_CONNECT \S.* \| 'duration'=\d+ms;;;0$/);
    expect(r.code).toBe(3);
  });
});

describe('a fleet (ksa.yaml)', () => {
  const config = (name: string, targets: string[]) => {
    const file = join(dir, name);
    const target = (n: string, extra = '') => `  - { name: ${n}, type: redis, endpoints: [${PRIMARY()}], auth: { passwordEnv: KSA_NAGIOS_REDIS_PW }, categories: [connection]${extra} }`;
    const lines = targets.map((t) => t === 'gone' ? '  - { name: gone, type: redis, endpoints: [127.0.0.1:1] }'
      : t === 'warn' ? target('warn', ', thresholds: { redis.connection.usage: { warning: 0, critical: 100 } }') : target(t));
    writeFileSync(file, ['defaults: { timeout: 5s }', 'targets:', ...lines, ''].join('\n'));
    return file;
  };

  it('counts by effective status, names every non-OK target, labels prefixed with the target name', async () => {
    const r = await nagios(['diagnose', '--config', config('mixed.yaml', ['ok', 'warn', 'gone'])]);
    expect(r.out.text).toBe('KSA UNKNOWN - 3 targets: 0 critical, 1 unknown, 1 warning, 1 ok (gone, warn)');
    expect(r.out.long.filter((l) => l.startsWith('KSA '))).toEqual([
      expect.stringMatching(/^KSA OK - ok \(redis\): 0 critical, 0 warning$/),
      expect.stringMatching(/^KSA WARNING - warn \(redis\): 0 critical, 1 warning; /),
      expect.stringMatching(/^KSA UNKNOWN - gone \(redis\): could not diagnose: KSA_ERR_CONNECT /),
    ]);
    expect(labelSet(r.out, 'warn:')).toEqual(labelSet(r.out, 'ok:'));
    expect(labelSet(r.out, 'gone:')).toEqual(['duration']);
    expect(r.out.perf.every((p) => /^(ok|warn|gone):/.test(p.label))).toBe(true);
    expect(r.code).toBe(3);
  });

  it('--fail-on critical with a warning target: KSA OK, exit 0, nothing says WARNING', async () => {
    const r = await nagios(['diagnose', '--config', config('warn-only.yaml', ['ok', 'warn']), '--fail-on', 'critical']);
    expect(r.out.text).toBe('KSA OK - 2 targets: 0 critical, 0 unknown, 0 warning, 2 ok');
    expect(r.out.long).toContain('KSA OK - warn (redis): 0 critical, 0 warning (1 below --fail-on)');
    expect(r.stdout).not.toMatch(/KSA (WARNING|CRITICAL|UNKNOWN)/);
    expect(r.code).toBe(0);
  });
});
