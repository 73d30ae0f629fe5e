// man/ksa.1: generated from the commander program and the built-in manifests (`ksa __man`), in
// sync with the committed page, rendered by man-db (`man -l`) and groff without warnings, with
// the sections a man page owes its reader, and shipped in the npm package (`"man"` field).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const run = promisify(execFile);
const PAGE = join(repoRoot, 'man', 'ksa.1');
const BUILTINS = ['redis', 'mysql', 'postgres', 'kafka', 'http', 'prometheus'];
const NO_PASSWORD_VARIABLE = new Set(['http', 'prometheus']);
const ksa = (...args: string[]) => spawnKsa(args, { NO_COLOR: '1' }, /^KSA_/);

/** The rendered page's sections: heading (a line at column 0) -> its text. */
function sections(rendered: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading = '';
  for (const line of rendered.split('\n').slice(1)) {
    if (/^[A-Z][A-Z ]+$/.test(line)) heading = line;
    else if (heading) out.set(heading, `${out.get(heading) ?? ''}${line}\n`);
  }
  return out;
}

describe('man/ksa.1', () => {
  let rendered: string;
  let byHeading: Map<string, string>;
  beforeAll(async () => {
    const r = await run('man', ['-l', '--warnings', '--pager=cat', PAGE], { env: { ...process.env, MANWIDTH: '80', LANG: 'C.UTF-8' } });
    expect(r.stderr).toBe('');
    rendered = r.stdout;
    byHeading = sections(rendered);
  }, 30_000);

  it('is what `ksa __man` generates from the current command definitions and manifests (npm run docs:man)', async () => {
    const r = await ksa('__man');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout, 'man/ksa.1 is stale: run npm run build && npm run docs:man').toBe(readFileSync(PAGE, 'utf8'));
  });

  it('renders with man -l into the sections NAME, SYNOPSIS, COMMANDS, EXIT STATUS, ENVIRONMENT, FILES', () => {
    expect(rendered.split('\n')[0]).toMatch(/^KSA\(1\)\s+User Commands\s+KSA\(1\)$/);
    expect([...byHeading.keys()]).toEqual(expect.arrayContaining(['NAME', 'SYNOPSIS', 'DESCRIPTION', 'GLOBAL OPTIONS', 'COMMANDS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES']));
    expect(byHeading.get('NAME')!.trim()).toMatch(/^ksa - \S/);
  });

  it('has no groff warnings and a NAME line whatis/apropos can index', async () => {
    const groff = await run('groff', ['-man', '-Tutf8', '-ww', '-z', PAGE]);
    expect(groff.stderr).toBe('');
    expect((await run('lexgrog', [PAGE])).stdout).toMatch(/^.*ksa\.1: "ksa - \S.*"\n$/);
  });

  it('documents every command `ksa --help` and `ksa plugin --help` list, and every flag of `ksa help diagnose`', async () => {
    const commands = (help: string) => help.slice(help.indexOf('Commands:')).split('\n').slice(1).map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    const top = commands((await ksa('--help')).stdout).filter((c) => !['config', 'plugin', 'help'].includes(c));
    const plugin = commands((await ksa('plugin', '--help')).stdout).filter((c) => c !== 'help');
    const text = byHeading.get('COMMANDS')!;
    for (const c of [...top.map((n) => `ksa ${n} `), ...plugin.map((n) => `ksa plugin ${n} `), 'ksa config validate ', 'ksa config example ']) {
      expect(text, c).toMatch(new RegExp(`^ {3}${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
      expect(byHeading.get('SYNOPSIS')!, c).toContain(c.replace(/^ksa /, ''));
    }
    const flags = [...(await ksa('help', 'diagnose')).stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
    expect(flags).toEqual(expect.arrayContaining(['--threshold', '--sentinel']));
    const diagnose = text.slice(text.indexOf('ksa diagnose '), text.indexOf('ksa action '));
    for (const f of flags.filter((f) => f !== '--help')) expect(diagnose, f).toMatch(new RegExp(`^ {7}(-\\w, )?${f}\\b`, 'm'));
  });

  it('states the exit code contract 0/1/2/3 with the Nagios words', () => {
    const text = byHeading.get('EXIT STATUS')!;
    const codes = [...text.matchAll(/^ {7}([0-3]) +(OK|WARNING|CRITICAL|UNKNOWN):/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(codes).toEqual(['0 OK', '1 WARNING', '2 CRITICAL', '3 UNKNOWN']);
    expect(text.replace(/\s+/g, ' ')).toContain('CRITICAL > UNKNOWN > WARNING > OK');
  });

  it("lists ksa's variables (every KSA_* the sources read) and each built-in's conventional password variables", () => {
    const text = byHeading.get('ENVIRONMENT')!;
    const names = new Set([...text.matchAll(/^ {7}([A-Z_][A-Z0-9_]*)\b/gm)].map((m) => m[1]!));
    // Every KSA_ name in src/, error codes and the single executable's internal parent-child marker aside.
    const files = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const read = [...new Set(files.flatMap((f) => [...readFileSync(join(repoRoot, 'src', f), 'utf8').matchAll(/\bKSA_(?!ERR_)[A-Z][A-Z_]*/g)].map((m) => m[0])))]
      .filter((name) => name !== 'KSA_SEA_CHILD_HOST');
    expect(read).toEqual(expect.arrayContaining(['KSA_CONFIG', 'KSA_PLUGIN_DIR', 'KSA_PASSWORD']));
    for (const name of [...read, 'NO_COLOR', 'FORCE_COLOR']) expect(names, name).toContain(name);
    for (const type of BUILTINS) {
      const m = parse(readFileSync(join(repoRoot, 'manifests', `${type}-diagnostics.yaml`), 'utf8')) as { credentials?: { passwordEnv?: string[] } };
      for (const name of m.credentials?.passwordEnv ?? []) expect(names, `${type}: ${name}`).toContain(name);
      // HTTP clients (curl, a Prometheus API client) have no conventional password variable.
      if (!NO_PASSWORD_VARIABLE.has(type)) expect(m.credentials?.passwordEnv?.length, type).toBeGreaterThan(0);
      else expect(m.credentials?.passwordEnv, type).toBeUndefined();
    }
  });

  it("names the files ksa reads: ./ksa.yaml, the plugin directory and its lock", () => {
    const text = byHeading.get('FILES')!;
    for (const f of ['./ksa.yaml', '~/.ksa/plugins/', '~/.ksa/plugins/ksa-plugins.lock.json']) expect(text).toMatch(new RegExp(`^ {7}${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
  });

  it('ships in the npm package: "man" field and the packed file list', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { man?: string[] };
    expect(pkg.man).toEqual(['./man/ksa.1']);
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('man/ksa.1');
  }, 60_000);
});
