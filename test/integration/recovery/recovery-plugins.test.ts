// The built-in recovery plugins, loaded through a real PluginManager (registry type `recovery`)
// and run by the engine's attempt runner with the real program runner:
// - script: argv passed item by item (hostile evidence stays one inert argument), environment,
//   exit code, stdout/stderr captured and truncated, the deadline ends the process group;
// - ansible: Debian's ansible-playbook, for real, on localhost (local connection) with extra vars;
// - systemd over ssh: a real sshd on loopback (a key, BatchMode); systemctl is stubbed there by
//   sshd's ForceCommand, which records the command line the remote side received;
// - systemd (local) and kubernetes: argv construction against stub binaries on PATH that record
//   their argv (no systemd as PID 1 and no cluster here): said so.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PluginManager } from '../../../src/core/manager.js';
import { checkParams } from '../../../src/core/action-params.js';
import { registerRecoveryPlugins, resolveAction, type ActionRef } from '../../../src/recovery/action-catalog.js';
import { runAttempt, runRollback, realPorts } from '../../../src/recovery/attempt.js';
import { RecoveryRuleSchema } from '../../../src/recovery/rule-schema.js';
import { render } from '../../../src/recovery/template.js';
import { repoRoot } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import { freePort } from '../../reliability/support/throwaway-servers.js';
import type { MiddlewareTarget } from '../../../src/core/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-plugins-'));
const quiet = { error() {}, warn() {}, info() {}, debug() {} };
let manager: PluginManager;
const target: MiddlewareTarget = { type: 'redis', name: 'cache-1', endpoints: ['redis://user:s3cret@127.0.0.1:6390'], auth: {}, options: {} };
const ctx = (attempt = 1) => ({ target: { name: target.name, type: target.type, endpoints: target.endpoints }, rule: 'r', episode: 'cache-1/x/1', attempt, finding: { id: 'x.y.z', severity: 'critical' } });
const ports = realPorts(async () => ({ ok: false, detail: 'not used' }));

beforeAll(async () => {
  manager = await new PluginManager({ packageRoot: repoRoot, logger: quiet }).load();
  registerRecoveryPlugins(manager, repoRoot);
});
afterAll(async () => {
  await manager.close();
  rmSync(dir, { recursive: true, force: true });
});

function action(plugin: string, name: string, params: Record<string, unknown> = {}): ActionRef {
  return resolveAction(manager, RecoveryRuleSchema.parse({ name: 'r', match: { unreachable: true }, action: { plugin, name, params } }), 'rule');
}
const paramsFor = (ref: ActionRef, raw: Record<string, unknown>, evidence: Record<string, unknown> = {}) =>
  checkParams(ref.spec.params, Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, render(v, { finding: { evidence }, target: { name: target.name } }, k)])), 'params');

/** A stub program that writes each argument on its own line (and a separator per call) to `log`. */
function stub(binDir: string, name: string, log: string): void {
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(binDir, name), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> ${log}\necho --- >> ${log}\n`);
  chmodSync(join(binDir, name), 0o755);
}
const withPath = async <T>(binDir: string, work: () => Promise<T>): Promise<T> => {
  const old = process.env.PATH;
  process.env.PATH = `${binDir}:${old}`;
  try { return await work(); } finally { process.env.PATH = old; }
};

describe('recovery plugins in the registry', () => {
  it('are type recovery, data only, and name what they mutate', () => {
    const ids = manager.registry.listByType('recovery').map((e) => e.manifest.id).sort();
    expect(ids).toEqual(['recovery-ansible', 'recovery-kubernetes', 'recovery-script', 'recovery-systemd']);
    for (const id of ids) {
      const m = manager.registry.require(id).manifest;
      expect(m.entry).toBeUndefined();
      for (const a of m.actions) expect(m.commands?.[a.name]?.mutates, `${id} ${a.name}`).toBeTruthy();
    }
    expect(() => action('recovery-sytemd', 'restart')).toThrow(/did you mean recovery-systemd\?/);
    expect(() => action('recovery-systemd', 'restrat')).toThrow(/did you mean restart\?/);
  });
});

describe('an external recovery plugin', () => {
  it('is a plugin.yaml of type recovery (no code) found by discovery; its command runs with typed params', async () => {
    const pkg = join(dir, 'ext', 'recovery-echo');
    mkdirSync(pkg, { recursive: true });
    const out = join(dir, 'ext-out.txt');
    writeFileSync(join(pkg, 'plugin.yaml'), `id: recovery-echo
name: Echo
version: 1.0.0
apiVersion: 1
type: recovery
actions:
  - name: say
    mutating: true
    params:
      word: {type: string, required: true, pattern: "^[a-z]{1,20}$"}
commands:
  say:
    argv: [/bin/sh, -c, 'printf "%s" "$1" > ${out}', sh, "{{params.word}}"]
    mutates: a file
`);
    const m = await new PluginManager({ packageRoot: repoRoot, logger: quiet, discoveryDirs: [join(dir, 'ext')] }).load();
    try {
      const ref = resolveAction(m, RecoveryRuleSchema.parse({ name: 'r', match: { unreachable: true }, action: { plugin: 'recovery-echo', name: 'say' } }), 'rule');
      expect(ref.kind).toBe('command');
      expect(await runAttempt(ports, ref, target, checkParams(ref.spec.params, { word: 'hello' }, 'params'), ctx(), 5000)).toMatchObject({ ok: true });
      expect(readFileSync(out, 'utf8')).toBe('hello');
      expect(() => checkParams(ref.spec.params, { word: 'a; b' }, 'params')).toThrow(/does not match/);
    } finally {
      await m.close();
    }
  });
});

describe('script', () => {
  it('runs argv without a shell: metacharacters, spaces and newlines in values stay single inert arguments; env names the target; exit code and output captured', async () => {
    const out = join(dir, 'argv.txt');
    const prog = join(dir, 'print-args.sh');
    writeFileSync(prog, `#!/bin/sh\nfor a in "$@"; do printf '[%s]\\n' "$a"; done > ${out}\necho "target=$KSA_TARGET endpoint=$KSA_ENDPOINT finding=$KSA_FINDING_ID pw=$PGPASSWORD"\necho oops >&2\nexit 4\n`);
    chmodSync(prog, 0o755);
    const ref = action('recovery-script', 'run');
    const evidence = { client: 'x; touch /tmp/pwned-ksa', sub: '$(id) `id` | cat /etc/passwd' };
    const params = paramsFor(ref, { argv: [prog, '{{finding.evidence.client}}', '{{finding.evidence.sub}}', 'a b'] }, evidence);
    process.env.PGPASSWORD = 'leak-me';
    const outcome = await runAttempt(ports, ref, target, params, ctx(), 5000).finally(() => { delete process.env.PGPASSWORD; });
    expect(readFileSync(out, 'utf8')).toBe('[x; touch /tmp/pwned-ksa]\n[$(id) `id` | cat /etc/passwd]\n[a b]\n');
    expect(outcome).toMatchObject({ ok: false, exitCode: 4, stderr: 'oops\n' });
    expect(outcome.stdout).toBe('target=cache-1 endpoint=redis://127.0.0.1:6390 finding=x.y.z pw=\n'); // no userinfo, no ambient secret
    // A value from the evidence that would become an option, or carries a newline, never reaches the program.
    expect(() => paramsFor(ref, { argv: [prog, '{{finding.evidence.flag}}'] }, { flag: '--output=/etc/passwd' })).toThrow(/begins with "-"/);
    expect(() => paramsFor(ref, { argv: [prog, '{{finding.evidence.nl}}'] }, { nl: 'a\nrm -rf /' })).toThrow(/control character/);
  });

  it('truncates a flood of output, ends a hung program (and its children) at the deadline, runs the rollback argv', async () => {
    const ref = action('recovery-script', 'run');
    const flood = await runAttempt(ports, ref, target, paramsFor(ref, { argv: ['/bin/sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x'] }), ctx(), 5000);
    expect(flood.ok).toBe(true);
    expect(flood.stdout!.length).toBeLessThan(2200);
    expect(flood.stdout).toMatch(/… 97952 more bytes$/);
    const started = Date.now();
    const hung = await runAttempt(ports, ref, target, paramsFor(ref, { argv: ['/bin/sh', '-c', 'sleep 30 & sleep 30'] }), ctx(), 500);
    expect(hung).toMatchObject({ ok: false });
    expect(hung.detail).toMatch(/did not finish within 500 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    const marker = join(dir, 'rolled-back');
    const rb = await runRollback(ports, ref, target, paramsFor(ref, { argv: ['/bin/false'], rollback: ['/bin/touch', marker] }), ctx(), 5000);
    expect(rb).toMatchObject({ argv: ['/bin/touch', marker], outcome: { ok: true, exitCode: 0 } });
    expect(readFileSync(marker, 'utf8')).toBe('');
    expect(await runRollback(ports, ref, target, paramsFor(ref, { argv: ['/bin/false'] }), ctx(), 5000)).toBeUndefined();
  });
});

describe('ansible (Debian ansible-playbook, for real)', () => {
  it('runs a local playbook against localhost with the extra vars as one JSON argument', async () => {
    const out = join(dir, 'ansible-out.txt');
    const playbook = join(dir, 'fix.yml');
    writeFileSync(playbook, '- hosts: all\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.copy: {content: "{{ marker }} for {{ target }}\\n", dest: "{{ out }}"}\n');
    const ref = action('recovery-ansible', 'playbook');
    const params = paramsFor(ref, { playbook, inventory: 'localhost,', extraVars: JSON.stringify({ marker: 'restarted; $(id)', target: 'cache-1', out }) });
    const outcome = await runAttempt(ports, ref, target, params, ctx(), 60_000);
    expect(outcome, outcome.stdout).toMatchObject({ ok: true, exitCode: 0 });
    expect(readFileSync(out, 'utf8')).toBe('restarted; $(id) for cache-1\n');
    expect(outcome.stdout).toMatch(/ok=1\s+changed=1/);
    // Refused before anything runs: a playbook that is an option, an inventory with a space.
    expect(() => paramsFor(ref, { playbook: '--version', inventory: 'localhost,' })).toThrow(/does not match/);
    expect(() => paramsFor(ref, { playbook, inventory: 'a b' })).toThrow(/does not match/);
  }, 90_000);
});

describe('systemd and kubernetes: argv (stub binaries on PATH: no systemd PID 1, no cluster here)', () => {
  it('systemctl restart -- <unit>; kubectl with explicit context and namespace; hostile values refused', async () => {
    const bin = join(dir, 'stubs');
    const log = join(dir, 'stub-argv.log');
    stub(bin, 'systemctl', log);
    stub(bin, 'kubectl', log);
    const restart = action('recovery-systemd', 'restart');
    const rollout = action('recovery-kubernetes', 'rollout-restart');
    const del = action('recovery-kubernetes', 'delete-pods');
    await withPath(bin, async () => {
      expect(await runAttempt(ports, restart, target, paramsFor(restart, { unit: 'redis-server@6390.service' }), ctx(), 5000)).toMatchObject({ ok: true });
      expect(await runAttempt(ports, rollout, target, paramsFor(rollout, { context: 'prod', namespace: 'cache', kind: 'statefulset', name: 'redis' }), ctx(), 5000)).toMatchObject({ ok: true });
      expect(await runAttempt(ports, del, target, paramsFor(del, { context: 'prod', namespace: 'cache', selector: 'app=redis,role=replica' }), ctx(), 5000)).toMatchObject({ ok: true });
    });
    expect(readFileSync(log, 'utf8').split('---\n').filter(Boolean).map((c) => c.trim().split('\n'))).toEqual([
      ['restart', '--', 'redis-server@6390.service'],
      ['--context=prod', '--namespace=cache', 'rollout', 'restart', 'statefulset/redis'],
      ['--context=prod', '--namespace=cache', 'delete', 'pod', '--selector=app=redis,role=replica', '--wait=false'],
    ]);
    expect(() => paramsFor(restart, { unit: 'redis; reboot' })).toThrow(/does not match/);
    expect(() => paramsFor(rollout, { context: '--kubeconfig=/x', namespace: 'a', kind: 'deployment', name: 'b' })).toThrow(/does not match/);
    expect(() => paramsFor(rollout, { context: 'c', namespace: 'a', kind: 'pod', name: 'b' })).toThrow(/is not one of deployment, statefulset, daemonset/);
  });
});

describe('systemd over ssh (a real sshd on loopback; systemctl stubbed there)', () => {
  let sshd: ChildProcess | undefined;
  afterAll(() => { sshd?.kill('SIGKILL'); });

  it('ssh -oBatchMode=yes -- root@127.0.0.1 systemctl restart -- <unit>: the remote side receives exactly that command', async () => {
    const d = join(dir, 'ssh');
    mkdirSync(d, { mode: 0o700 });
    const port = await freePort();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(d, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(d, 'client_key')]);
    writeFileSync(join(d, 'authorized_keys'), readFileSync(join(d, 'client_key.pub')), { mode: 0o600 });
    const received = join(d, 'received');
    const forced = join(d, 'fake-systemctl.sh');
    writeFileSync(forced, `#!/bin/sh\nprintf '%s\\n' "$SSH_ORIGINAL_COMMAND" >> ${received}\n`);
    chmodSync(forced, 0o755);
    mkdirSync('/run/sshd', { recursive: true });
    writeFileSync(join(d, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(d, 'host_key')}`, `AuthorizedKeysFile ${join(d, 'authorized_keys')}`,
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no',
      `PidFile ${join(d, 'sshd.pid')}`, `ForceCommand ${forced}`, '',
    ].join('\n'));
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(d, 'sshd_config')], { stdio: 'ignore' });
    const home = join(d, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(d, 'host_key.pub'), 'utf8')}`);
    const ref = action('recovery-systemd', 'restart-over-ssh');
    const params = paramsFor(ref, { host: 'root@127.0.0.1', port, unit: 'redis-server.service', identity: join(d, 'client_key'), knownHosts: join(home, '.ssh', 'known_hosts') });
    let outcome;
    await waitFor('sshd to accept', async () => (outcome = await runAttempt(ports, ref, target, params, ctx(), 10_000)).ok, 15_000, 200);
    expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
    expect(readFileSync(received, 'utf8').split('\n')[0]).toBe('systemctl restart -- redis-server.service');
    expect(() => paramsFor(ref, { host: '-oProxyCommand=touch /tmp/x', unit: 'a.service' })).toThrow(/does not match/);
    expect(() => paramsFor(ref, { host: 'h', unit: 'a.service; reboot' })).toThrow(/does not match/);
  }, 30_000);
});
