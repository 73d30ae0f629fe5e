// Issue 20: the sandbox's pure parts: the manifest's permission schema, what a host may read
// (its package, the node_modules it resolves through, ksa's runtime, declared reads with their
// references resolved), the Node flags, the bubblewrap mounts, and Node's refusals as codes.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestSchema, PluginTypeSchema } from '../../../src/core/schemas.js';
import { hostPolicy, resolveDeclared, TYPE_NEEDS } from '../../../src/core/isolation/host-permissions.js';
import { nodeOptionsText, nodePermissionFlags } from '../../../src/core/isolation/node-permission-flags.js';
import { bwrapArgs } from '../../../src/core/isolation/bubblewrap.js';
import { childSandbox } from '../../../src/core/isolation/plugin-sandbox.js';
import { toErrorInfo } from '../../../src/core/errors.js';
import { permissionLines } from '../../../src/cli/permission-lines.js';
import type { Manifest, MiddlewareTarget } from '../../../src/core/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'ksa-sandbox-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = { id: 'acme-diagnostics', name: 'Acme', version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: 'acme', entry: './index.js' };
const manifest = (permissions?: unknown): Manifest => ManifestSchema.parse({ ...base, ...(permissions === undefined ? {} : { permissions }) });

describe('manifest permissions:', () => {
  it.each([
    '/etc/krb5.conf', '~/.acme/ca.pem', '${config.caFile}', '${option.keytab}', '${tls.caFile}', '${tls.certFile}', '${tls.keyFile}',
  ])('accepts %s', (entry) => {
    expect(manifest({ fsRead: [entry] }).permissions?.fsRead).toEqual([entry]);
  });

  it.each([
    'relative/path', '${env.HOME}', '${tls.password}', '/etc/${config.x}', '${config.caFile}/sub', '/a,b', '${option.}', '',
  ])('refuses %j with the forms it accepts', (entry) => {
    const r = ManifestSchema.safeParse({ ...base, permissions: { fsRead: [entry] } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('an absolute path, ~/path, or one of');
  });

  it('refuses unknown keys (a typo is not a silently missing permission) and more than 32 reads', () => {
    expect(ManifestSchema.safeParse({ ...base, permissions: { fsWrite: ['/tmp'] } }).success).toBe(false);
    expect(ManifestSchema.safeParse({ ...base, permissions: { fsRead: Array.from({ length: 33 }, (_, i) => `/f${i}`) } }).success).toBe(false);
    expect(ManifestSchema.safeParse({ ...base, permissions: { fsRead: Array.from({ length: 32 }, (_, i) => `/f${i}`) } }).success).toBe(true);
  });
});

describe('what a host may read', () => {
  const target = (extra: Partial<MiddlewareTarget> = {}): MiddlewareTarget => ({ type: 'acme', name: 't', endpoints: ['h:1'], auth: {}, options: {}, ...extra });

  it('references resolve against the configured values; unset ones grant nothing and are reported', () => {
    const r = resolveDeclared(['${config.caFile}', '${option.keytab}', '${tls.caFile}', '${tls.keyFile}', '~/x.pem', '/etc/y'], {
      config: { caFile: '/pki/ca.pem' }, home: '/home/u',
      target: target({ options: { keytab: '/k/acme.keytab' }, tls: { enabled: true, rejectUnauthorized: true, caFile: '/pki/tls-ca.pem' } }),
    });
    expect(r.paths).toEqual(['/pki/ca.pem', '/k/acme.keytab', '/pki/tls-ca.pem', '/home/u/x.pem', '/etc/y']);
    expect(r.unset).toEqual(['${tls.keyFile}']);
    expect(resolveDeclared(['${option.keytab}'], { config: {} })).toEqual({ paths: [], unset: ['${option.keytab}'] });
    expect(resolveDeclared(['${option.keytab}'], { config: {}, target: target({ options: { keytab: 42 } }) }).unset).toEqual(['${option.keytab}']);
  });

  it("the plugin's package, each node_modules up its path with the packages linked into them, ksa's runtime; nothing else", () => {
    const ksaRoot = join(tmp, 'ksa');
    for (const d of ['dist', 'node_modules/zod']) mkdirSync(join(ksaRoot, d), { recursive: true });
    writeFileSync(join(ksaRoot, 'package.json'), '{}');
    const home = join(tmp, 'home');
    const plugin = join(home, 'node_modules', 'acme-plugin');
    mkdirSync(join(plugin, 'node_modules'), { recursive: true });
    mkdirSync(join(home, 'node_modules', '@kubestack'), { recursive: true });
    symlinkSync(ksaRoot, join(home, 'node_modules', '@kubestack', 'ksa'));
    const linkedDep = join(tmp, 'src-of-dep');
    mkdirSync(linkedDep);
    symlinkSync(linkedDep, join(home, 'node_modules', 'dep'));
    const policy = hostPolicy({ manifest: manifest({ fsRead: ['${config.caFile}'] }), pluginDir: plugin, ksaRoot, config: { caFile: '/pki/ca.pem' } });
    // Paths inside a listed directory are dropped (the plugin is inside home/node_modules; ksa's
    // dist/ is inside ksa's package, linked into home/node_modules as @kubestack/ksa).
    expect(policy.readPaths).toEqual([join(home, 'node_modules'), ksaRoot, linkedDep, '/pki/ca.pem'].sort());
    // Not linked: ksa's runtime is its dist/, package.json and node_modules, not the whole directory.
    const alone = hostPolicy({ manifest: manifest(), pluginDir: linkedDep, ksaRoot, config: {} });
    expect(alone.readPaths).toEqual([linkedDep, join(ksaRoot, 'dist'), join(ksaRoot, 'node_modules'), join(ksaRoot, 'package.json')].sort());
    expect(policy.readPaths.some((p) => p === tmp || p === home)).toBe(false);
    expect(policy.network).toBe(true);
  });

  it('every plugin type states its needs in one table', () => {
    expect(Object.keys(TYPE_NEEDS).sort()).toEqual([...PluginTypeSchema.options].sort());
  });
});

describe('launch', () => {
  const policy = { readPaths: ['/ksa/dist', '/plugins/acme', '/pki/my ca.pem'], network: true, unset: [] };

  it('Node flags: permission model, one --allow-fs-read per path, no write/child/worker/addon allowances', () => {
    const flags = nodePermissionFlags(policy.readPaths);
    expect(flags).toContain('--experimental-permission');
    expect(flags.filter((f) => f.startsWith('--allow-fs-read='))).toEqual(policy.readPaths.map((p) => `--allow-fs-read=${p}`));
    expect(flags.some((f) => /--allow-(fs-write|child-process|worker|addons|wasi)/.test(f))).toBe(false);
    expect(nodeOptionsText(flags)).toContain('"--allow-fs-read=/pki/my ca.pem"');
  });

  it('bubblewrap: new user/pid namespaces, dies with its parent, own /proc, the paths read-only, network kept unless not needed', () => {
    const args = bwrapArgs(policy, '/usr/bin/node');
    for (const a of ['--unshare-user', '--unshare-pid', '--die-with-parent', '--new-session']) expect(args).toContain(a);
    expect(args.join(' ')).toContain('--proc /proc');
    expect(args.join(' ')).toContain('--ro-bind /usr/bin/node /usr/bin/node');
    for (const p of policy.readPaths) expect(args.join('\0')).toContain(`--ro-bind-try\0${p}\0${p}`);
    expect(args).not.toContain('--unshare-net');
    expect(args.some((a) => a === '--bind' || a === '--bind-try')).toBe(false); // nothing writable from outside
    expect(args.join(' ')).not.toMatch(/--ro-bind(-try)? \/etc\/ssl /); // certificates only, never /etc/ssl/private
    expect(bwrapArgs({ ...policy, network: false }, '/usr/bin/node')).toContain('--unshare-net');
  });

  it('trust full or sandbox none start a plain child; node adds only the flags', () => {
    expect(childSandbox('bwrap', 'full', policy)).toBeUndefined();
    expect(childSandbox('none', 'sandboxed', policy)).toBeUndefined();
    expect(childSandbox('node', 'sandboxed', policy)).toEqual({ nodeFlags: nodePermissionFlags(policy.readPaths) });
  });
});

describe("Node's refusals are KSA_ERR_PERMISSION, saying what to declare or pass", () => {
  const denied = (permission: string, resource?: string) => Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED', permission, ...(resource ? { resource } : {}) });

  it.each([
    ['FileSystemRead', '/etc/acme.conf', 'reading /etc/acme.conf', 'permissions: { fsRead: ["/etc/acme.conf"] }'],
    ['FileSystemWrite', '/tmp/x', 'writing /tmp/x', '--plugin-trust full'],
    ['ChildProcess', undefined, 'starting a child process', '--plugin-trust full'],
    ['WorkerThreads', undefined, 'starting a worker thread', '--plugin-trust full'],
    ['SomethingNew', undefined, 'an operation (SomethingNew)', 'permissions:'],
  ])('%s', (permission, resource, what, fix) => {
    const info = toErrorInfo(denied(permission, resource), 'KSA_ERR_PLUGIN_CRASH');
    expect(info.code).toBe('KSA_ERR_PERMISSION');
    expect(info.message).toContain(`the plugin sandbox refused ${what}`);
    expect(info.message).toContain(fix);
    expect(info.retryable).toBe(false);
  });

  it('a native addon (ERR_DLOPEN_DISABLED); other errors keep their fallback', () => {
    expect(toErrorInfo(Object.assign(new Error('x'), { code: 'ERR_DLOPEN_DISABLED' })).message).toContain('refused loading a native addon');
    expect(toErrorInfo(Object.assign(new Error('x'), { code: 'ENOENT' }), 'KSA_ERR_PLUGIN_CRASH').code).toBe('KSA_ERR_PLUGIN_CRASH');
  });
});

describe('permissions as `ksa plugin info` and `ksa plugin install` show them', () => {
  it('external: sandboxed, each declared read with where its value is configured', () => {
    const lines = permissionLines(manifest({ fsRead: ['${config.caFile}', '${tls.caFile}', '/etc/krb5.conf'] }), 'external');
    expect(lines[0]).toMatch(/^permissions: +sandboxed .*network; never writes files, starts programs or threads, loads native addons$/);
    expect(lines).toContain('    ${config.caFile}: the file named by plugins.acme-diagnostics.config.caFile in ksa.yaml');
    expect(lines).toContain("    ${tls.caFile}: the file named by the target's tls.caFile (--tls-ca/--tls-cert/--tls-key)");
    expect(lines).toContain('    /etc/krb5.conf');
    expect(permissionLines(manifest(), 'external')).toContain('  reads also: nothing');
    expect(permissionLines(manifest(), 'builtin')[0]).toContain('built-in');
  });
});
