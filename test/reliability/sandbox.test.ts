// Issue 20: every row of docs/RELIABILITY.md's former "not contained" table, re-run against the
// hostile external plugin through the real CLI under each sandbox (bwrap = bubblewrap + Node's
// permission model, node = the permission model alone), with `--plugin-trust full` as the positive
// control (the attack works there, so each check can fail). Judged by the effect (the canary is in
// no output in any encoding, the file does not exist, the process is gone, ksa is alive), never by
// what the plugin reports: a hostile plugin catches the refusal and says it succeeded.
// The bubblewrap layer is also tested alone (no Node flags), so each layer is proven by itself.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapArgs, bwrapStatus, sandboxNodePath } from '../../src/core/isolation/bubblewrap.js';
import { createChildTransport } from '../../src/core/isolation/child-transport.js';
import { hostPolicy } from '../../src/core/isolation/host-permissions.js';
import { RemoteHost } from '../../src/core/isolation/remote-host.js';
import { readExternalPackage } from '../../src/core/manifest-reader.js';
import type { DiagnosePayload, DiagnoseReply, PluginRef } from '../../src/core/isolation/protocol.js';
import {
  descendants, hostilePlugin, measurements, parseReport, pidsWithMarker, repo, rssMb, runKsa, tempDir, removeTempDirs, writeConfig, ksaBin, baseEnv,
} from './support/ksa.js';

const readerPlugin = join(repo, 'test/reliability/fixtures/reader');
const m = measurements('plugin sandbox (issue 20, the former "not contained" rows)');
const dir = tempDir('ksa-sandbox-');
const bwrap = bwrapStatus();
// Every mode this machine can run; CI installs bubblewrap (scripts/services.sh) so bwrap is among them.
const MODES = [...(bwrap.usable ? ['bwrap'] : []), 'node'] as const;
const CANARY = `Canary-${process.pid}-7Hq2`;
const forms = (s: string) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex')];
/** Whether the canary is in the text in any form the plugin could send it in (raw, base64, hex, or inside a longer base64 run). */
const leaked = (text: string) => forms(CANARY).some((f) => text.includes(f)) || decodedRuns(text).some((d) => d.includes(CANARY));
function decodedRuns(text: string): string[] {
  return [...text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)].map((r) => Buffer.from(r[0], 'base64').toString('latin1'))
    .concat([...text.matchAll(/[0-9a-f]{40,}/g)].map((r) => Buffer.from(r[0], 'hex').toString('latin1')));
}

/** A process of the same user holding the canary in its environment: stands for any secret-holding process (its pid given to the plugin as if guessed). */
let holder: ChildProcess;
const passwordFile = join(dir, 'other-target.pw');
let config = '';

beforeAll(() => {
  holder = spawn('sleep', ['600'], { env: { PATH: process.env.PATH, HOLDER_SECRET: CANARY }, stdio: 'ignore' });
  spawnSync('sh', ['-c', `umask 077; printf %s "$1" > "$2"`, 'sh', CANARY, passwordFile]);
  config = writeConfig(dir, [
    { name: 'other', type: 'hostile', endpoints: ['127.0.0.1:7101'], auth: { passwordEnv: 'REL_OTHER_PW' }, options: { behavior: 'remember' } },
    { name: 'other-file', type: 'hostile', endpoints: ['127.0.0.1:7102'], auth: { passwordFile }, options: { behavior: 'remember' } },
  ], { packages: [hostilePlugin] });
  // ksa.yaml itself holds the canary (a literal password is the user's call, and a secret the plugin must not read).
  writeFileSync(config, `# ${CANARY}\n${execFileSync('cat', [config], { encoding: 'utf8' })}`);
});
afterAll(() => {
  holder.kill('SIGKILL');
  m.print();
  removeTempDirs();
});

const hostile = (behavior: string, ...options: string[]) =>
  ['--log-level', 'debug', '--plugin', hostilePlugin, 'diagnose', 'hostile', '127.0.0.1', '--option', `behavior=${behavior}`, ...options.flatMap((o) => ['--option', o]), '--timeout', '5s', '--json'];
const sandbox = (mode: string) => (mode === 'full' ? ['--plugin-trust', 'full'] : ['--plugin-sandbox', mode]);
const errorCode = (stdout: string) => parseReport(stdout).results[0]?.errors[0]?.code;

describe.each([...MODES])('--plugin-sandbox %s', (mode) => {
  it('runs under the sandbox asked for (the debug log names it)', async () => {
    const run = await runKsa([...sandbox(mode), ...hostile('snoop')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`external plugin hosts: sandbox ${mode}`);
  });

  it("/proc/<ksa>/environ, another holder's environ, ksa.yaml, a password file: the canary reaches no output (the plugin swallows the refusals)", async () => {
    const run = await runKsa([...sandbox(mode), ...hostile('read-all', `files=${config},${passwordFile}`, `pid=${holder.pid}`)], { env: { REL_OTHER_PW: CANARY } });
    expect(run.code).toBe(0); // the plugin lies: "healthy"
    expect(leaked(run.stdout + run.stderr)).toBe(false);
    const metrics = parseReport(run.stdout).results[0]!.metrics!;
    m.record(`${mode}: read-all`, `canary leaked: no; processes the plugin could list in /proc: ${metrics.pidsSeen}`);
  });

  it('a read it does not swallow ends as KSA_ERR_PERMISSION naming the file and what to declare', async () => {
    const run = await runKsa([...sandbox(mode), ...hostile('read-file', `file=${config}`)]);
    expect(run.code).toBe(3);
    const error = parseReport(run.stdout).results[0]!.errors[0]!;
    expect(error.code).toBe('KSA_ERR_PERMISSION');
    expect(error.message).toContain(`reading ${config}`);
    expect(error.message).toContain('permissions: { fsRead:');
    expect(leaked(run.stdout + run.stderr)).toBe(false);
  });

  it("writing into ksa's stdout through /proc/<ksa>/fd/1 (a real shell pipe): nothing lands", () => {
    const cmd = `"${process.execPath}" "${ksaBin}" ${sandbox(mode).join(' ')} --plugin "${hostilePlugin}" diagnose hostile 127.0.0.1 --option behavior=write-parent-stdout --json | cat`;
    const out = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', env: baseEnv() });
    expect(out.stdout).not.toContain('GARBAGE-FROM-PLUGIN');
    expect(JSON.parse(out.stdout).results[0].status).toBe('healthy'); // ksa's report intact
  });

  it("declared reads (${option.file}, ${config.extra}) are granted with the configured values; an undeclared one is refused", async () => {
    const [granted, pluginWide, undeclared] = ['granted', 'plugin-wide', 'undeclared'].map((name) => {
      const file = join(dir, `${name}-${mode}.txt`);
      writeFileSync(file, `text of ${name}\n`);
      return file;
    }) as [string, string, string];
    const cfg = writeConfig(dir, [{ name: 'r', type: 'reader', endpoints: ['127.0.0.1:7300'], options: { file: granted } }], { packages: [readerPlugin] });
    writeFileSync(cfg, execFileSync('cat', [cfg], { encoding: 'utf8' }).replace('"discovery"', `"reader-diagnostics": { "config": { "extra": ${JSON.stringify(pluginWide)} } },\n    "discovery"`));
    const ok = await runKsa([...sandbox(mode), 'diagnose', '--config', cfg, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(parseReport(ok.stdout).results[0]!.metrics).toEqual({ file: 'text of granted', extra: 'text of plugin-wide', other: '' });
    const refused = await runKsa([...sandbox(mode), '--plugin', readerPlugin, 'diagnose', 'reader', '127.0.0.1', '--option', `file=${granted}`, '--option', `other=${undeclared}`, '--json']);
    expect(refused.code).toBe(3);
    expect(parseReport(refused.stdout).results[0]!.errors[0]).toMatchObject({ code: 'KSA_ERR_PERMISSION', message: expect.stringContaining(`reading ${undeclared}`) });
  });

  it('file write: refused, KSA_ERR_PERMISSION, the file does not exist', async () => {
    const file = join(dir, `written-${mode}`);
    const run = await runKsa([...sandbox(mode), ...hostile('write-file', `file=${file}`, 'marker=w')]);
    expect(errorCode(run.stdout)).toBe('KSA_ERR_PERMISSION');
    expect(existsSync(file)).toBe(false);
  });

  it('child process and double-forked daemon: refused, KSA_ERR_PERMISSION, no such process ever seen', async () => {
    // What the started process's command line holds (ksa's own holds `marker=<marker>`).
    const trace: Record<string, (marker: string) => string> = { spawn: (mk) => `echo ${mk}`, daemon: (mk) => `daemon ${mk}` };
    for (const behavior of ['spawn', 'daemon']) {
      const marker = `ksa-sandbox-${mode}-${behavior}-${process.pid}`;
      let seen = 0;
      const run = await runKsa([...sandbox(mode), ...hostile(behavior, `marker=${marker}`)], { watch: () => { seen += pidsWithMarker(trace[behavior]!(marker)).length; }, watchEveryMs: 50 });
      await new Promise((r) => setTimeout(r, 300));
      const left = pidsWithMarker(trace[behavior]!(marker));
      for (const pid of left) process.kill(pid, 'SIGKILL');
      expect(errorCode(run.stdout), behavior).toBe('KSA_ERR_PERMISSION');
      expect(seen + left.length, behavior).toBe(0);
    }
  });

  it('worker thread: refused, KSA_ERR_PERMISSION, its code never ran', async () => {
    const run = await runKsa([...sandbox(mode), ...hostile('worker', 'marker=w1')]);
    expect(errorCode(run.stdout)).toBe('KSA_ERR_PERMISSION');
    expect(run.stderr).not.toContain('WORKER-RAN');
  });

  it.runIf(addonBuilt())('native addon: refused, KSA_ERR_PERMISSION, its constructor never ran', async () => {
    const { library, marker } = addon(`sandbox-${mode}`);
    const run = await runKsa([...sandbox(mode), ...hostile('addon', `file=${library}`)]);
    expect(errorCode(run.stdout)).toBe('KSA_ERR_PERMISSION');
    expect(existsSync(marker)).toBe(false);
  });

  it('SIGTERM to a process outside by its real pid, and to process.ppid', async () => {
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    const byPid = await runKsa([...sandbox(mode), ...hostile('kill-pid', `pid=${victim.pid}`), '--timeout', '1500ms']);
    await new Promise((r) => setTimeout(r, 200));
    const victimAlive = rssMb(victim.pid!) > 0 && victim.exitCode === null && victim.signalCode === null;
    victim.kill('SIGKILL');
    const parent = await runKsa([...sandbox(mode), ...hostile('kill-parent'), '--timeout', '1500ms']);
    m.record(`${mode}: kill(other pid)`, victimAlive ? 'refused (process alive)' : 'delivered (process killed)');
    m.record(`${mode}: kill(process.ppid)`, parent.signal ? `ksa died by ${parent.signal}` : `ksa alive, exit ${parent.code}, ${errorCode(parent.stdout)}`);
    if (mode === 'bwrap') {
      // The namespace hides every outside pid: nothing to address, so nothing to signal.
      expect(victimAlive).toBe(true);
      expect(byPid.code).toBe(3);
      expect(parent.signal).toBeNull();
      expect(parent.code).toBe(3);
    } else {
      // Node's permission model does not cover signals (measured, documented): never exit 0 either way.
      expect(parent.code === 0).toBe(false);
    }
  });
});

describe('--plugin-trust full (positive controls: each attack above works without the sandbox)', () => {
  it('the canary is read, the file is written, the worker and the addon run, with a warning naming the plugin', async () => {
    const read = await runKsa([...sandbox('full'), ...hostile('read-all', `files=${config},${passwordFile}`, `pid=${holder.pid}`)], { env: { REL_OTHER_PW: CANARY } });
    expect(read.stderr).toContain('plugin hostile-diagnostics runs with full trust');
    expect(leaked(read.stdout)).toBe(true);
    const file = join(dir, 'written-full');
    await runKsa([...sandbox('full'), ...hostile('write-file', `file=${file}`, 'marker=w')]);
    expect(existsSync(file)).toBe(true);
    const worker = await runKsa([...sandbox('full'), ...hostile('worker', 'marker=w1')]);
    expect(worker.stderr).toContain('WORKER-RAN');
    const daemonMarker = `ksa-sandbox-full-daemon-${process.pid}`;
    await runKsa([...sandbox('full'), ...hostile('daemon', `marker=${daemonMarker}`)]);
    await new Promise((r) => setTimeout(r, 300));
    const survivors = pidsWithMarker(`daemon ${daemonMarker}`);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    expect(survivors.length).toBeGreaterThan(0); // outlives ksa: what the namespace prevents
    m.record('trust full: daemon', `${survivors.length} alive after ksa exited`);
    if (addonBuilt()) {
      const { library, marker } = addon('full');
      await runKsa([...sandbox('full'), ...hostile('addon', `file=${library}`)]);
      expect(existsSync(marker)).toBe(true);
    }
  });

  it('plugins.<id>.trust: full in ksa.yaml trusts that plugin only', async () => {
    const file = join(dir, 'written-yaml-trust');
    const trusted = writeConfig(dir, [{ name: 'w', type: 'hostile', endpoints: ['127.0.0.1:7100'], options: { behavior: 'write-file', file, marker: 'y' } }], { packages: [hostilePlugin] });
    const text = execFileSync('cat', [trusted], { encoding: 'utf8' }).replace('"discovery"', '"hostile-diagnostics": { "trust": "full" },\n    "discovery"');
    writeFileSync(trusted, text);
    const run = await runKsa(['diagnose', '--config', trusted, '--json']);
    expect(run.stderr).toContain('plugin hostile-diagnostics runs with full trust');
    expect(existsSync(file)).toBe(true);
  });
});

describe.runIf(bwrap.usable)('the bubblewrap layer alone (no Node permission flags)', () => {
  const record = readExternalPackage(hostilePlugin);
  const ref: PluginRef = { manifest: record.manifest, entryUrl: pathToFileURL(record.entryPath).href, config: {} };
  const logs: string[] = [];

  /** One diagnose call of the hostile plugin in a bwrap-only host; `during` runs before the host ends. */
  async function inBwrap<T>(options: Record<string, string>, during: () => void = () => undefined): Promise<{ ok: boolean; metrics?: T; error?: string }> {
    const policy = hostPolicy({ manifest: record.manifest, pluginDir: record.location, ksaRoot: repo, config: {} });
    const nodePath = sandboxNodePath();
    const transport = createChildTransport({ maxOldSpaceSizeMb: 256 }, (_l, line) => logs.push(line), {
      nodeFlags: [],
      wrapper: { command: (bwrap as { path: string }).path, args: bwrapArgs(policy, nodePath), nodePath },
    });
    const host = new RemoteHost(transport, (_l, line) => logs.push(line));
    try {
      const deadline = Date.now() + 5000;
      for (const hook of ['init', 'start'] as const) {
        const step = await host.call(hook, ref, deadline);
        if (!step.ok) return { ok: false, error: `${hook}: ${step.error?.message}` };
      }
      const payload: DiagnosePayload = {
        plugin: ref, withSnapshot: false,
        target: { type: 'hostile', name: 'layer', endpoints: ['127.0.0.1:7100'], auth: {}, options },
        opts: { categories: [], thresholds: {}, timeoutMs: 4000, allowWrite: false },
      };
      const outcome = await host.call<DiagnoseReply>('diagnose', payload, deadline);
      during();
      return outcome.ok ? { ok: true, metrics: (JSON.parse(outcome.value!.json) as { result: { metrics: T } }).result.metrics } : { ok: false, error: `${outcome.error?.code}: ${outcome.error?.message}` };
    } finally {
      await host.terminate();
    }
  }

  it('a double-forked daemon runs inside, and is gone when the host ends', async () => {
    const marker = `ksa-bwrap-layer-daemon-${process.pid}`;
    let during: number[] = [];
    const outcome = await inBwrap({ behavior: 'daemon', marker }, () => { during = pidsWithMarker(`daemon ${marker}`); });
    expect(outcome.error).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    const left = pidsWithMarker(`daemon ${marker}`);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(during.length).toBeGreaterThan(0); // the attack itself worked: the layer allows processes
    expect(left).toEqual([]);
    m.record('bwrap layer alone: daemon', `${during.length} running during the call, ${left.length} after the host ended`);
  });

  it("/proc shows nothing outside: the holder's environ, ksa.yaml and the password file are unreadable", async () => {
    const outcome = await inBwrap<Record<string, string | number>>({ behavior: 'read-all', files: `${config},${passwordFile}`, pid: String(holder.pid) });
    expect(outcome.error).toBeUndefined();
    const metrics = outcome.metrics!;
    expect(leaked(JSON.stringify(metrics))).toBe(false);
    expect(String(metrics.raw)).toContain(`${config}=denied: ENOENT`);
    m.record('bwrap layer alone: processes visible in /proc', String(metrics.pidsSeen));
    expect(Number(metrics.pidsSeen)).toBeLessThanOrEqual(4); // the namespace's init, the host and what it started
  });

  it('a write lands nowhere outside (read-only mounts, a private /tmp), a signal reaches no outside pid', async () => {
    const file = join(dir, 'bwrap-layer-written');
    const written = await inBwrap({ behavior: 'write-file', file, marker: 'x' });
    expect(existsSync(file)).toBe(false);
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    const before = descendants(process.pid).length;
    const killed = await inBwrap({ behavior: 'kill-pid', pid: String(victim.pid) });
    await new Promise((r) => setTimeout(r, 200));
    const victimAlive = victim.exitCode === null && victim.signalCode === null;
    victim.kill('SIGKILL');
    expect(victimAlive).toBe(true);
    expect(descendants(process.pid).length).toBeLessThanOrEqual(before);
    m.record('bwrap layer alone: write / kill', `write: ${written.error ?? 'reported ok'}; kill: ${killed.error ?? 'reported ok'}`);
  });
});

/** A shared library whose constructor writes a marker file: loading it is the effect (built with gcc when present). */
function addon(name: string): { library: string; marker: string } {
  const marker = join(dir, `addon-ran-${name}`);
  const source = join(dir, `addon-${name}.c`);
  const library = join(dir, `addon-${name}.node`);
  writeFileSync(source, `#include <fcntl.h>\n#include <unistd.h>\n__attribute__((constructor)) static void ran(void) { int fd = open("${marker}", O_WRONLY | O_CREAT, 0600); if (fd >= 0) close(fd); }\n`);
  execFileSync('gcc', ['-shared', '-fPIC', '-o', library, source]);
  return { library, marker };
}

function addonBuilt(): boolean {
  // gcc comes with scripts/services.sh (the kafka component); without it the addon row is not run.
  return spawnSync('gcc', ['--version']).status === 0;
}

