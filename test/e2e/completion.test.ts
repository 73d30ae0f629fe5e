// Shell completion as a user gets it: `ksa completion bash` is sourced in a real bash and asked
// through bash's programmable-completion interface (COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT,
// the function `complete -p ksa` registered, COMPREPLY read back); `ksa` is a command on PATH
// that runs bin/ksa.js, as after `npm install -g`. Candidates must come from the plugins actually
// loaded: an external fixture given with --plugin or found in the plugin home (KSA_PLUGIN_DIR)
// completes like a built-in. zsh and fish load their scripts too (fish answers `complete -C`).
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/services.js';
import { OUTPUT_FORMATS } from '../../src/render/index.js';
import { ARGUMENT_VALUES } from '../../src/cli/completion/value-words.js';

const BUILTIN_IDS = ['alertmanager', 'email', 'http-diagnostics', 'kafka-diagnostics', 'mysql-diagnostics', 'pagerduty', 'postgres-diagnostics', 'prometheus-diagnostics', 'redis-diagnostics', 'slack', 'teams', 'webhook'];
const RECOVERY_IDS = ['recovery-ansible', 'recovery-kubernetes', 'recovery-script', 'recovery-systemd'];
const FLAG_FIXTURE = './test/fixtures/plugins/flag-fixture'; // id flagged-diagnostics, type flagged, flag --poll-depth

interface RawManifest { thresholds?: string[]; categories: string[]; checks: Array<string | { id: string }> }
const manifest = (type: string) => parse(readFileSync(join(repoRoot, 'manifests', `${type}-diagnostics.yaml`), 'utf8')) as RawManifest;

let dir: string;
let emptyHome: string;
const run = (cmd: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  // The machine's KSA_* variables stay out (the plugin home is chosen per test).
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KSA_')));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: { ...base, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, KSA_PLUGIN_DIR: emptyHome, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
};

/**
 * COMPREPLY for a command line with the cursor at its end. `words` is how bash splits the line
 * (COMP_WORDBREAKS: `--output=js` is `--output`, `=`, `js`); by default, at whitespace.
 */
async function bashComplete(line: string, env: Record<string, string> = {}, words?: string[]): Promise<string[]> {
  const split = words ?? [...line.split(/\s+/).filter(Boolean), ...(/\s$/.test(line) ? [''] : [])];
  const r = await run('bash', ['--norc', '--noprofile', join(repoRoot, 'test/fixtures/completion/bash-complete.sh'), line, ...split], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ksa-completion-'));
  emptyHome = join(dir, 'empty-home');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(emptyHome);
  writeFileSync(join(dir, 'bin', 'ksa'), `#!/bin/sh\nexec '${process.execPath}' '${join(repoRoot, 'bin', 'ksa.js')}' "$@"\n`);
  chmodSync(join(dir, 'bin', 'ksa'), 0o755);
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('ksa completion bash, asked through the bash completion interface', () => {
  it('completes commands: ksa di<TAB> -> diagnose', async () => {
    expect(await bashComplete('ksa di')).toEqual(['diagnose']);
  });

  it('offers the commands `ksa --help` lists, and none of the hidden ones', async () => {
    const help = (await run('ksa', ['--help'])).stdout;
    const listed = help.slice(help.indexOf('Commands:')).split('\n').slice(1).map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    expect(listed).toContain('completion');
    expect(await bashComplete('ksa ')).toEqual(listed);
    expect(await bashComplete('ksa plugin in')).toEqual(['info', 'install']);
    // Hidden from people too: the missing-command line names the visible commands only.
    const bare = await run('ksa', []);
    expect(bare.stderr).toContain(`needs a command (${listed.filter((c) => c !== 'help').join(', ')})`);
  });

  it('completes middleware types: ksa diagnose re<TAB> -> redis', async () => {
    expect(await bashComplete('ksa diagnose re')).toEqual(['redis']);
  });

  it('completes plugin flags from the manifests: ksa diagnose redis --sent<TAB> -> --sentinel', async () => {
    const got = await bashComplete('ksa diagnose redis --sent');
    expect(got).toContain('--sentinel');
    for (const w of got) expect(w.startsWith('--sent')).toBe(true);
  });

  it("offers every flag `ksa help diagnose` lists (ksa's own, the global ones and the plugins')", async () => {
    const help = (await run('ksa', ['help', 'diagnose'])).stdout;
    const flags = [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
    expect(flags).toEqual(expect.arrayContaining(['--threshold', '--output', '--sentinel', '--master-name']));
    const got = await bashComplete('ksa diagnose redis --');
    expect(got).toEqual(expect.arrayContaining([...flags, '--plugin', '--isolation']));
  });

  it('completes plugin ids from the plugins loaded: the built-ins, plus a --plugin or installed one', async () => {
    expect((await bashComplete('ksa plugin info ')).sort()).toEqual([...BUILTIN_IDS, ...RECOVERY_IDS].sort());
    // health: the recovery plugins are data only, nothing of theirs to check (`ksa plugin health recovery-script` says so).
    expect(await bashComplete('ksa plugin health ')).toEqual(BUILTIN_IDS);
    expect((await bashComplete(`ksa --plugin ${FLAG_FIXTURE} plugin info `)).sort()).toEqual([...BUILTIN_IDS, ...RECOVERY_IDS, 'flagged-diagnostics'].sort());
    // Installed in the plugin home: KSA_PLUGIN_DIR/node_modules/<package>.
    const home = join(dir, 'home');
    cpSync(join(repoRoot, FLAG_FIXTURE), join(home, 'node_modules', 'flag-fixture'), { recursive: true });
    expect((await bashComplete('ksa plugin health ', { KSA_PLUGIN_DIR: home })).sort()).toEqual([...BUILTIN_IDS, 'flagged-diagnostics'].sort());
    expect(await bashComplete('ksa diagnose fl', { KSA_PLUGIN_DIR: home })).toEqual(['flagged']);
    expect(await bashComplete('ksa diagnose flagged --poll', { KSA_PLUGIN_DIR: home })).toEqual(['--poll-depth']);
  }, 60_000); // seven completions, each a CLI start: 30 s was not enough at load 11

  it('reads manifests only: a plugin that exits when imported still completes', async () => {
    expect(await bashComplete('ksa --plugin ./test/fixtures/plugins/exit-on-import plugin info ex')).toEqual(['exit-on-import-diagnostics']);
  });

  it('completes threshold ids of the type given: --threshold redis.mem<TAB> -> redis.memory.*=', async () => {
    const want = (manifest('redis').thresholds ?? []).filter((t) => t.startsWith('redis.memory.')).map((t) => `${t}=`);
    expect(want.length).toBeGreaterThan(3);
    expect((await bashComplete('ksa diagnose redis --threshold redis.mem')).sort()).toEqual(want.sort());
    // `id=` waits for its value: no space after it.
    const raw = await run('ksa', ['__complete', '--', 'diagnose', 'redis', '--threshold', 'redis.memory.us']);
    expect(raw.stdout.trim().split('\n').at(-1)).toBe(':nospace');
  });

  it('completes output formats: ksa diagnose -o <TAB>, and --output=js<TAB> as bash splits it', async () => {
    expect(await bashComplete('ksa diagnose -o ')).toEqual([...OUTPUT_FORMATS]);
    // bash hands `--output=js` over as three words and replaces only the text after `=`.
    expect(await bashComplete('ksa diagnose --output=js', {}, ['ksa', 'diagnose', '--output', '=', 'js'])).toEqual(['json']);
  });

  it('completes the categories of the type given, and items of a comma list', async () => {
    expect(await bashComplete('ksa diagnose postgres --category ')).toEqual(manifest('postgres').categories);
    expect(await bashComplete('ksa diagnose redis -c memory,rep')).toEqual(['memory,replication']);
  });

  it('completes explain ids from the check declarations', async () => {
    const checks = manifest('redis').checks.map((c) => (typeof c === 'string' ? c : c.id)).filter((id) => id.startsWith('redis.memory.'));
    expect((await bashComplete('ksa explain redis.memory.')).sort()).toEqual([...checks].sort());
  });

  it("the table of what each positional argument takes names arguments that exist (ksa help's usage lines)", async () => {
    for (const key of Object.keys(ARGUMENT_VALUES)) {
      const words = key.split(' ');
      const argument = words.pop()!;
      const usage = (await run('ksa', ['help', ...words])).stdout.split('\n')[0]!;
      expect(usage, key).toMatch(new RegExp(`^Usage: ksa ${words.join(' ')} .*[<[]${argument.replace(/[|]/g, '\\|')}(\\.\\.\\.)?[>\\]]`));
    }
  });

  it('completes file names for file options', async () => {
    writeFileSync(join(dir, 'ksa-fleet.yaml'), 'targets: []\n');
    expect(await bashComplete(`ksa diagnose --config ${dir}/ksa-fl`)).toEqual([join(dir, 'ksa-fleet.yaml')]);
  });
});

describe('ksa completion zsh and fish', () => {
  it('zsh: the script parses, and its function turns ksa answers into _describe candidates', async () => {
    const script = (await run('ksa', ['completion', 'zsh'])).stdout;
    writeFileSync(join(dir, '_ksa'), script);
    expect(await run('zsh', ['-n', join(dir, '_ksa')])).toMatchObject({ code: 0, stderr: '' });
    // Outside a completion widget: compdef and _describe stubbed, words/CURRENT set as zsh sets them.
    const driver = [
      'compdef() { :; }',
      '_describe() { print -rl -- "${(@P)4}"; print -r -- "args: ${(j: :)@[5,-1]}"; }',
      `source ${join(dir, '_ksa')}`,
      'words=(ksa diagnose redis --threshold redis.memory.us); CURRENT=5; _ksa',
      'words=(ksa di); CURRENT=2; _ksa',
    ].join('\n');
    const r = await run('zsh', ['-f', '-c', driver]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['redis.memory.usage=', 'redis.memory.usage.system=', 'args: -S ', 'diagnose:diagnose one target: ksa diagnose <type> <endpoint...>', 'args: ', '']);
  });

  it('fish: the script parses, and `complete -C` answers from it', async () => {
    const script = (await run('ksa', ['completion', 'fish'])).stdout;
    writeFileSync(join(dir, 'ksa.fish'), script);
    expect(await run('fish', ['-n', join(dir, 'ksa.fish')])).toMatchObject({ code: 0, stderr: '' });
    const ask = (line: string) => `complete -C ${JSON.stringify(line)}`;
    const r = await run('fish', ['--no-config', '-c', [`source ${join(dir, 'ksa.fish')}`, ask('ksa di'), ask(`ksa --plugin ${FLAG_FIXTURE} plugin info fl`), ask('ksa diagnose redis --threshold redis.memory.us')].join('; ')]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(['diagnose', 'flagged-diagnostics', 'redis.memory.usage.system=', 'redis.memory.usage=', '']);
  });
});
