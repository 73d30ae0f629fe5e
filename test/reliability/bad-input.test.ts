// Case 12: bad input fuzz. 200 generated malformed endpoints, durations, categories, ksa.yaml
// files and plugin manifests (seeded, so a failure reproduces). Every one must exit 3 with exactly
// one line on stderr (`ksa: KSA_ERR_* ...`), no stack trace, nothing on stdout, within 300 ms.
//
// All 200 run through the CLI's `main()` in this process (the CLI's own cost, measured around
// the call); a sample of 20 also runs as a spawned `node bin/ksa.js`, where the bound is applied
// to ksa's cost over a bare `node -e 0` measured at the same time (the machine is shared: raw
// wall time measures the load as much as ksa).
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, fixturePlugin, measurements, repo, runKsa, tempDir } from './support/ksa.js';

const m = measurements('bad input fuzz (reliability case 12)');
afterAll(() => { m.print(); removeTempDirs(); });

const dir = tempDir('ksa-fuzz-');
const BOUND_MS = 300;

/** mulberry32: a tiny seeded PRNG so every run generates the same 200 inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(0x6b5a);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const junk = (n: number, alphabet = 'abcXYZ09:/@[]%?#&=.-_ \t') => Array.from({ length: n }, () => pick([...alphabet])).join('');

interface FuzzCase {
  kind: 'endpoint' | 'duration' | 'category' | 'config' | 'manifest';
  label: string;
  argv: string[];
}

const FIX = ['--plugin', fixturePlugin];

const ENDPOINTS = [
  '', ' ', ':7000', 'host:', 'host:0', 'host:65536', 'host:-1', 'host:abc', 'a:b:c', '[::1', '[zz]:80', '[::1]:99999',
  'fixture://', 'fixture://:pw@', 'fixture://host:99999', 'ho st:1', 'hôst:1', `${'a'.repeat(300)}:1`, 'host:1:2',
  '-host:1', 'host-:1', '.:1', '..:1', 'host:1.5', 'host:0x10', 'host:+1', '%zz:1', 'fixture://%zz@host', 'host :1', 'ho\tst:1',
];
const DURATIONS = [
  '', '0', '0s', '0ms', '-1s', '5x', '1e3', 'NaN', 'Infinity', '10', '1h1m', '999999h', '25h', '2 s', 's', 'ms', '.5s',
  '1,5s', '1 s', '--1s', '0x10s', '1S', '1sec', '1min', 'PT1S', '1d', '1w', '∞s', '١s', '1s1',
];
const CATEGORIES = ['zzz', 'ALPHA', 'alpha,zzz', 'al pha', 'memory', 'alpha,,zzz', '../alpha', 'alpha;beta', '*', 'beta ,x'];

function endpointCases(n: number): FuzzCase[] {
  const out = ENDPOINTS.map((e) => e);
  while (out.length < n) out.push(`${junk(1 + Math.floor(rand() * 6))}:${pick(['', '0', '-5', '70000', 'x', '1:1', '%'])}${junk(Math.floor(rand() * 3), ' :@[')}`);
  return out.slice(0, n).map((e) => ({ kind: 'endpoint', label: JSON.stringify(e), argv: [...FIX, 'diagnose', 'fixture', e] }));
}

function durationCases(n: number): FuzzCase[] {
  const out = [...DURATIONS];
  while (out.length < n) out.push(`${pick(['-', '', '+', '0'])}${Math.floor(rand() * 1e6)}${pick(['x', 'd', 'sec', '', 'S', 'h0', '  s'])}`);
  return out.slice(0, n).map((d) => ({ kind: 'duration', label: JSON.stringify(d), argv: [...FIX, 'diagnose', 'fixture', '127.0.0.1:7000', '--timeout', d] }));
}

function categoryCases(n: number): FuzzCase[] {
  const out = [...CATEGORIES];
  while (out.length < n) out.push(junk(1 + Math.floor(rand() * 8), 'abcz-_.,'));
  return out.slice(0, n).filter((c) => !/^[,\s]*(alpha|beta)?([,\s]+(alpha|beta))*[,\s]*$/.test(c)).map((c) => ({ kind: 'category', label: JSON.stringify(c), argv: [...FIX, 'diagnose', 'fixture', '127.0.0.1:7000', '--category', c] }));
}

const GOOD_TARGET = { name: 't', type: 'fixture', endpoints: ['127.0.0.1:7000'] };
const discovery = { discovery: { packages: [fixturePlugin] } };
const CONFIGS: Array<[string, string]> = [
  ['empty file', ''],
  ['yaml syntax', 'targets: [\n  - name: x\n    type: ['],
  ['a list', '- 1\n- 2\n'],
  ['a string', 'hello'],
  ['binary', '\u0000\u0001\u0002\u00ff\u00fe'],
  ['no targets', JSON.stringify({ plugins: discovery })],
  ['empty targets', JSON.stringify({ targets: [], plugins: discovery })],
  ['unknown top key', JSON.stringify({ targets: [GOOD_TARGET], plugins: discovery, evil: 1 })],
  ['unknown target key', JSON.stringify({ targets: [{ ...GOOD_TARGET, port: 1 }], plugins: discovery })],
  ['target without type', JSON.stringify({ targets: [{ name: 't', endpoints: ['h:1'] }], plugins: discovery })],
  ['target without endpoints', JSON.stringify({ targets: [{ name: 't', type: 'fixture' }], plugins: discovery })],
  ['empty endpoints', JSON.stringify({ targets: [{ ...GOOD_TARGET, endpoints: [] }], plugins: discovery })],
  ['bad endpoint', JSON.stringify({ targets: [{ ...GOOD_TARGET, endpoints: ['h:99999'] }], plugins: discovery })],
  ['unknown type', JSON.stringify({ targets: [{ ...GOOD_TARGET, type: 'nosuch' }], plugins: discovery })],
  ['bad type name', JSON.stringify({ targets: [{ ...GOOD_TARGET, type: 'No Such' }], plugins: discovery })],
  ['bad target name', JSON.stringify({ targets: [{ ...GOOD_TARGET, name: ' spaced out ' }], plugins: discovery })],
  ['bad timeout', JSON.stringify({ targets: [{ ...GOOD_TARGET, timeout: '10' }], plugins: discovery })],
  ['bad default timeout', JSON.stringify({ defaults: { timeout: 'soon' }, targets: [GOOD_TARGET], plugins: discovery })],
  ['zero concurrency', JSON.stringify({ defaults: { concurrency: 0 }, targets: [GOOD_TARGET], plugins: discovery })],
  ['huge concurrency', JSON.stringify({ defaults: { concurrency: 100000 }, targets: [GOOD_TARGET], plugins: discovery })],
  ['bad failOn', JSON.stringify({ defaults: { failOn: 'always' }, targets: [GOOD_TARGET], plugins: discovery })],
  ['missing ${ENV}', JSON.stringify({ targets: [{ ...GOOD_TARGET, auth: { password: '${KSA_REL_NOT_SET_ANYWHERE}' } }], plugins: discovery })],
  ['passwordEnv unset', JSON.stringify({ targets: [{ ...GOOD_TARGET, auth: { passwordEnv: 'KSA_REL_NOT_SET_ANYWHERE' } }], plugins: discovery })],
  ['passwordEnv bad name', JSON.stringify({ targets: [{ ...GOOD_TARGET, auth: { passwordEnv: 'not a name' } }], plugins: discovery })],
  ['passwordFile missing', JSON.stringify({ targets: [{ ...GOOD_TARGET, auth: { passwordFile: '/nonexistent/ksa-rel-pw' } }], plugins: discovery })],
  ['unknown category', JSON.stringify({ targets: [{ ...GOOD_TARGET, categories: ['zzz'] }], plugins: discovery })],
  ['threshold not numeric', JSON.stringify({ targets: [{ ...GOOD_TARGET, thresholds: { 'fixture.alpha.level': { warning: 'high' } } }], plugins: discovery })],
  ['discovery dir missing', JSON.stringify({ targets: [GOOD_TARGET], plugins: { discovery: { packages: ['/nonexistent/ksa-rel-plugin'] } } })],
  ['tls unknown key', JSON.stringify({ targets: [{ ...GOOD_TARGET, tls: { enabled: true, verify: 'maybe' } }], plugins: discovery })],
  ['endpoints a string', JSON.stringify({ targets: [{ ...GOOD_TARGET, endpoints: '127.0.0.1:7000' }], plugins: discovery })],
  ['deep nesting', `targets: ${'['.repeat(1000)}${']'.repeat(1000)}`],
  ['yaml anchor bomb', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ntargets: *f\n'],
  ['duplicate keys', 'targets: []\ntargets: []\n'],
  ['tab indentation', 'targets:\n\t- name: t\n'],
  ['nonexistent file', ''],
];

function configCases(n: number): FuzzCase[] {
  const out: FuzzCase[] = CONFIGS.map(([label, text], i) => {
    const file = join(dir, `config-${i}.yaml`);
    if (label !== 'nonexistent file') writeFileSync(file, text);
    return { kind: 'config', label, argv: ['diagnose', '--config', label === 'nonexistent file' ? join(dir, 'nope.yaml') : file] };
  });
  let i = 0;
  while (out.length < n) {
    // Random single-field corruption of a valid file.
    const target: Record<string, unknown> = { ...GOOD_TARGET };
    const key = pick(['name', 'type', 'endpoints', 'timeout', 'categories', 'options', 'auth']);
    target[key] = pick([null, 42, true, [], {}, '', junk(5, '!@# ')]);
    if ((key === 'options' && typeof target[key] === 'object' && target[key] !== null && !Array.isArray(target[key])) || (key === 'categories' && Array.isArray(target[key]))) target[key] = 42;
    const file = join(dir, `config-rand-${i++}.yaml`);
    writeFileSync(file, JSON.stringify({ targets: [target], plugins: discovery }));
    out.push({ kind: 'config', label: `targets[0].${key} = ${JSON.stringify(target[key])}`, argv: ['diagnose', '--config', file] });
  }
  return out.slice(0, n);
}

const GOOD_MANIFEST: Record<string, unknown> = {
  id: 'fuzz-diagnostics', name: 'Fuzz', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'fuzz', entry: './index.js',
  categories: ['alpha'], checks: [], operations: ['READ'], actions: [],
};
const MANIFEST_MUTATIONS: Array<[string, (m: Record<string, unknown>) => Record<string, unknown> | string]> = [
  ...['id', 'name', 'version', 'apiVersion', 'type', 'entry'].map((k): [string, (m: Record<string, unknown>) => Record<string, unknown>] => [`missing ${k}`, (m) => { const c = { ...m }; delete c[k]; return c; }]),
  ['apiVersion 2', (m) => ({ ...m, apiVersion: 2 })],
  ['apiVersion "1"', (m) => ({ ...m, apiVersion: '1' })],
  ['apiVersion 1.5', (m) => ({ ...m, apiVersion: 1.5 })],
  ['apiVersion -1', (m) => ({ ...m, apiVersion: -1 })],
  ['version not semver', (m) => ({ ...m, version: 'one point oh' })],
  ['version empty', (m) => ({ ...m, version: '' })],
  ['type unknown', (m) => ({ ...m, type: 'trojan' })],
  ['id with spaces', (m) => ({ ...m, id: 'Bad Id!' })],
  ['id empty', (m) => ({ ...m, id: '' })],
  ['unknown key', (m) => ({ ...m, evil: true })],
  ['category bad', (m) => ({ ...m, categories: ['BAD CAT'] })],
  ['categories a string', (m) => ({ ...m, categories: 'alpha' })],
  ['defaultPort 0', (m) => ({ ...m, defaultPort: 0 })],
  ['defaultPort 70000', (m) => ({ ...m, defaultPort: 70000 })],
  ['capability unknown', (m) => ({ ...m, capabilities: ['fly'] })],
  ['action empty', (m) => ({ ...m, actions: [{}] })],
  ['action mutating string', (m) => ({ ...m, actions: [{ name: 'x', mutating: 'yes' }] })],
  ['operations empty string', (m) => ({ ...m, operations: [''] })],
  ['requires missing plugin', (m) => ({ ...m, requires: ['nosuch-diagnostics >= 1.0.0'] })],
  ['requires garbage', (m) => ({ ...m, requires: ['!!!'] })],
  ['config_schema a list', (m) => ({ ...m, config_schema: [1, 2] })],
  ['middleware bad', (m) => ({ ...m, middleware: 'Bad Type' })],
  ['a list', () => '- 1\n- 2\n'],
  ['empty', () => ''],
  ['yaml syntax', () => 'id: [\n'],
  ['binary', () => '\u0000\u00ff\u00fe'],
  ['null', () => 'null\n'],
];

function manifestCases(n: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (let i = 0; out.length < n; i++) {
    const [label, mutate] = i < MANIFEST_MUTATIONS.length
      ? MANIFEST_MUTATIONS[i]!
      : [`random field ${i}`, (mf: Record<string, unknown>) => {
        const key = pick(['id', 'name', 'version', 'apiVersion', 'type', 'entry', 'categories', 'actions', 'capabilities']);
        return { ...mf, [key]: pick([null, 0, -3, [], { x: 1 }, false, junk(4, '!@# ')]) };
      }] as const;
    const pluginDir = join(dir, `manifest-${i}`);
    mkdirSync(pluginDir, { recursive: true });
    const content = mutate(GOOD_MANIFEST);
    writeFileSync(join(pluginDir, 'plugin.yaml'), typeof content === 'string' ? content : JSON.stringify(content));
    writeFileSync(join(pluginDir, 'index.js'), 'throw new Error("plugin code must never be imported for a bad manifest");\n');
    out.push({ kind: 'manifest', label, argv: ['--plugin', pluginDir, 'diagnose', 'fuzz', '127.0.0.1:7000'] });
  }
  return out;
}

const CASES: FuzzCase[] = [...endpointCases(50), ...durationCases(40), ...categoryCases(30), ...configCases(45), ...manifestCases(35)];

interface Outcome { code: number; stdout: string; stderr: string; ms: number }
type Main = (argv: string[], version: string) => Promise<number>;
let main: Main;

beforeAll(async () => {
  ({ main } = (await import(pathToFileURL(join(repo, 'dist/src/cli/main.js')).href)) as { main: Main });
  // Warm the module cache (a spawned ksa pays this in its start-up, measured separately below).
  for (const warm of [[...FIX, 'diagnose', 'fixture', ':1'], ['diagnose', '--config', join(dir, 'nope.yaml')]]) await runInProcess(warm);
});

/** Runs the CLI's main() in this process with stdout/stderr captured. */
async function runInProcess(argv: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const [out, err] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  const t0 = performance.now();
  let code: number;
  try {
    code = await main(argv, '0.0.0-fuzz');
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

/** Timing is judged only on a machine not overloaded by other work (it measures the load otherwise). */
/** quiet: single runs are judged. oversubscribed (over twice as many runnable as cores): even the medians move. */
function quietMachine(): { quiet: boolean; oversubscribed: boolean; note: string } {
  const load = loadavg()[0]!;
  const quiet = load < availableParallelism();
  const oversubscribed = load > 2 * availableParallelism();
  return { quiet, oversubscribed, note: quiet ? `yes (load ${load.toFixed(1)})` : `no: load average ${load.toFixed(1)} on ${availableParallelism()} cores${oversubscribed ? ' (medians recorded, not judged)' : ''}` };
}

function problems(c: FuzzCase, o: Outcome, boundMs: number): string[] {
  const lines = o.stderr.split('\n').filter((l) => l !== '');
  const p: string[] = [];
  if (o.code !== 3) p.push(`exit ${o.code}`);
  if (lines.length !== 1) p.push(`${lines.length} stderr lines`);
  if (lines[0] !== undefined && !/^ksa: KSA_ERR_[A-Z_]+ \S/.test(lines[0])) p.push(`message ${JSON.stringify(lines[0].slice(0, 80))}`);
  if (/\n\s+at |Error: .*\n/.test(o.stderr)) p.push('stack trace');
  if (o.stdout !== '') p.push(`stdout ${JSON.stringify(o.stdout.slice(0, 60))}`);
  if (o.ms >= boundMs) p.push(`${o.ms.toFixed(0)} ms`);
  return p.length > 0 ? [`${c.kind} ${c.label}: ${p.join(', ')}`] : [];
}

describe('case 12: bad input fuzz', () => {
  it('generates 200 distinct malformed inputs', () => {
    expect(CASES).toHaveLength(200);
    expect(new Set(CASES.map((c) => c.argv.join('\u0001'))).size).toBe(200);
  });

  it('every one exits 3 with one `ksa: KSA_ERR_*` line, no stack, nothing on stdout, < 300 ms (CLI main)', async () => {
    const failures: string[] = [];
    const timing: string[] = [];
    const times: number[] = [];
    const codes = new Map<string, number>();
    for (const c of CASES) {
      const o = await runInProcess(c.argv);
      times.push(o.ms);
      if (o.ms >= BOUND_MS) timing.push(`${c.kind} ${c.label}: ${o.ms.toFixed(0)} ms`);
      const code = /KSA_ERR_[A-Z_]+/.exec(o.stderr)?.[0] ?? 'none';
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 'KSA_ERR_INTERNAL') failures.push(`${c.kind} ${c.label}: reported as an internal error (${o.stderr.trim().slice(0, 160)})`);
      failures.push(...problems(c, { ...o, ms: 0 }, BOUND_MS));
    }
    const { quiet, oversubscribed, note } = quietMachine();
    m.record('case 12 in-process timing judged', note);
    if (quiet) failures.push(...timing);
    times.sort((a, b) => a - b);
    // The median is judged unless the machine is oversubscribed: load moves single runs, not the middle
    // of 200, until more than twice the cores' work is runnable (a CI run beside two builds, load 10-22
    // on 2 cores, moved the spawned median to 450 ms).
    if (times[100]! >= BOUND_MS && !oversubscribed) failures.push(`median ${times[100]!.toFixed(0)} ms`);
    m.record('case 12 in-process main()', `200 inputs: median ${times[100]!.toFixed(1)} ms, max ${times[199]!.toFixed(1)} ms`);
    m.record('case 12 error codes', [...codes].map(([k, v]) => `${k}=${v}`).join(', '));
    expect(failures).toEqual([]);
  }, 120_000);

  it('a spawned sample of 20 (`node bin/ksa.js`): same contract; ksa costs < 300 ms over a bare `node -e 0`', async () => {
    const failures: string[] = [];
    const timing: string[] = [];
    const over: number[] = [];
    const walls: number[] = [];
    for (const c of CASES.filter((_, i) => i % 10 === 0)) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      const node0 = performance.now() - t0;
      const run = await runKsa(c.argv);
      walls.push(run.ms);
      over.push(run.ms - node0);
      failures.push(...problems(c, { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr, ms: 0 }, BOUND_MS));
      if (run.ms - node0 >= BOUND_MS) timing.push(`${c.kind} ${c.label}: ${(run.ms - node0).toFixed(0)} ms over node -e 0`);
    }
    const { quiet, oversubscribed, note } = quietMachine();
    m.record('case 12 spawned timing judged', note);
    if (quiet) failures.push(...timing);
    over.sort((a, b) => a - b);
    walls.sort((a, b) => a - b);
    // As above: the median cost over a bare node start is judged unless the machine is oversubscribed.
    if (over[10]! >= BOUND_MS && !oversubscribed) failures.push(`median ${over[10]!.toFixed(0)} ms over node -e 0`);
    m.record('case 12 spawned sample', `20 runs: wall median ${walls[10]!.toFixed(0)} ms (max ${walls[19]!.toFixed(0)}); over node -e 0: median ${over[10]!.toFixed(0)} ms, max ${over[19]!.toFixed(0)} ms`);
    expect(failures).toEqual([]);
  }, 60_000);
});
