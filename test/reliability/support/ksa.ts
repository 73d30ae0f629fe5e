// Spawns the built CLI (`node bin/ksa.js ...`) the way a CI job does and measures it from the
// outside: wall time with performance.now, the CLI's own peak RSS (sampled from /proc), and an
// optional /proc watcher that runs while the CLI is alive (secret canary, orphan checks).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../..', import.meta.url));
export const ksaBin = join(repo, 'bin/ksa.js');
export const fixturePlugin = join(repo, 'test/fixtures/plugins/fixture');
export const hostilePlugin = join(repo, 'test/reliability/fixtures/hostile');
export const bystanderPlugin = join(repo, 'test/reliability/fixtures/bystander');

export interface KsaRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, ms. */
  ms: number;
  pid: number;
  /** Peak VmRSS of the ksa process itself (not its children), MB, sampled every 10 ms. */
  peakRssMb: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called every `watchEveryMs` while the CLI runs, with its pid. */
  watch?: (pid: number) => void;
  watchEveryMs?: number;
  /** Kill the CLI (SIGKILL) if it has not exited after this long: a hang is a failure, not a stuck suite. */
  killAfterMs?: number;
}

/** Environment of a spawned ksa: the test's own, without the services' secrets unless asked. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/PASSWORD|PASS$|AUTH|SECRET|PGPASSWORD|MYSQL_PWD/i.test(k)) continue;
    if (k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runKsa(args: readonly string[], opts: RunOptions = {}): Promise<KsaRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [ksaBin, ...args], {
      cwd: opts.cwd ?? repo,
      env: baseEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid!;
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const sampleRss = () => { peak = Math.max(peak, rssMb(pid)); };
    const rssTimer = setInterval(sampleRss, 10);
    const watchTimer = opts.watch ? setInterval(() => { try { opts.watch!(pid); } catch { /* raced with exit */ } }, opts.watchEveryMs ?? 20) : undefined;
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearInterval(rssTimer);
      if (watchTimer) clearInterval(watchTimer);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms, pid, peakRssMb: peak });
    });
  });
}

/** VmRSS of a live process in MB (0 when it is gone). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Pids of every live descendant of `pid` (children, grandchildren, ...), read from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [child, parent] of parentOf) if (parent === p) { out.push(child); frontier.push(child); }
  }
  return out;
}

/** Reads a /proc file of a process as text with NULs turned into spaces ('' when gone). */
export function procText(pid: number, file: 'cmdline' | 'environ'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`).toString('utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Pids whose command line contains `marker` (used to find processes a plugin left behind). */
export function pidsWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    if (procText(Number(name), 'cmdline').includes(marker)) out.push(Number(name));
  }
  return out;
}

const tempDirs: string[] = [];

/** A fresh temp dir, removed by removeTempDirs() (call it in afterAll). */
export function tempDir(prefix = 'ksa-rel-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface ConfigTarget {
  name: string;
  type: string;
  endpoints: string[];
  auth?: Record<string, string>;
  options?: Record<string, unknown>;
  timeout?: string;
  categories?: string[];
}

/** Writes a ksa.yaml (JSON is valid YAML) and returns its path. */
export function writeConfig(dir: string, targets: ConfigTarget[], opts: { timeout?: string; concurrency?: number; packages?: string[] } = {}): string {
  const file = join(dir, `ksa-${Math.random().toString(36).slice(2)}.yaml`);
  const config = {
    defaults: { timeout: opts.timeout ?? '10s', concurrency: opts.concurrency ?? 16 },
    targets,
    plugins: { discovery: { packages: opts.packages ?? [fixturePlugin] } },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface ReportJson {
  status: string;
  exitCode: number;
  results: Array<{
    target: { name: string; endpoints: string[] };
    status: string;
    startedAt: string;
    durationMs: number;
    errors: Array<{ code: string; message: string }>;
    findings: Array<{ id: string; detail: string; evidence?: unknown }>;
    metrics?: Record<string, unknown>;
  }>;
}

export function parseReport(stdout: string): ReportJson {
  return JSON.parse(stdout) as ReportJson;
}

export function byName(report: ReportJson): Map<string, ReportJson['results'][number]> {
  return new Map(report.results.map((r) => [r.target.name, r]));
}

/** Whether dist/ holds a built plugin (driver cases wait for the plugin engineers). */
export function builtPlugin(name: string): boolean {
  return existsSync(join(repo, `dist/plugins/${name}/index.js`)) && readdirSync(join(repo, 'manifests')).some((f) => f.startsWith(`${name}`));
}

/** Measured numbers, collected per file and printed at the end (copied into docs/RELIABILITY.md). */
export function measurements(title: string): { record: (key: string, value: string | number) => void; print: () => void } {
  const rows: Array<[string, string]> = [];
  return {
    record: (k, v) => { rows.push([k, typeof v === 'number' ? v.toFixed(0) : v]); },
    print: () => { if (rows.length > 0) console.info(`${title}:\n${rows.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`); },
  };
}
