// Bubblewrap (Debian `bubblewrap`), the first layer around an external plugin host where the
// kernel allows user, mount and PID namespaces: the host sees only read-only mounts of the node
// runtime, ksa's host runtime and the plugin's files; /proc is its own PID namespace's (nothing of
// ksa); it cannot address, so cannot signal, any process outside; everything it starts, daemons
// included, dies with it (--die-with-parent, and the namespace's init takes all with it).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { HostPolicy } from './host-permissions.js';

export type BwrapStatus = { usable: true; path: string } | { usable: false; why: string };

let status: BwrapStatus | undefined;

/** Whether bubblewrap is installed and may create namespaces here; probed once per process (~20 ms). */
export function bwrapStatus(env: NodeJS.ProcessEnv = process.env): BwrapStatus {
  if (status) return status;
  // A system tool: also where distributions put it, whatever PATH the user runs ksa with.
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin', '/bin'];
  const path = dirs.map((d) => join(d, 'bwrap')).find(isExecutable);
  if (!path) return (status = { usable: false, why: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)' });
  const probe = spawnSync(path, [...NAMESPACES, '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', process.execPath, '--version'], { encoding: 'utf8', timeout: 5000, env: {} }); // ksa's environment holds secrets: none of it
  if (probe.status === 0) return (status = { usable: true, path });
  const reason = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0];
  return (status = { usable: false, why: `this kernel or container does not allow the namespaces bubblewrap needs (${reason})` });
}

const NAMESPACES = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent'];

/** Public system files the host needs: name resolution, CA certificates for TLS, the local time zone. */
const SYSTEM_FILES = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/localtime', '/etc/ssl/certs', '/usr/share/ca-certificates', '/etc/pki/tls/certs'];
/** Where node's shared libraries (libc, libstdc++, the NSS modules for DNS) live. */
const LIBRARY_DIRS = ['/lib', '/lib64', '/lib32', '/usr/lib', '/usr/lib64', '/usr/lib32'];

/** bwrap's arguments up to (not including) the command: the mounts and namespaces for this policy. */
export function bwrapArgs(policy: HostPolicy, nodePath: string): string[] {
  const args = [...NAMESPACES, '--new-session', '--cap-drop', 'ALL'];
  if (!policy.network) args.push('--unshare-net');
  for (const dir of LIBRARY_DIRS) {
    const link = symlinkTarget(dir);
    if (link !== undefined) args.push('--symlink', link, dir);
    else if (existsSync(dir)) args.push('--ro-bind', dir, dir);
  }
  args.push('--ro-bind', nodePath, nodePath);
  for (const file of SYSTEM_FILES) args.push('--ro-bind-try', file, file);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  // Sorted: a directory is mounted before anything below it.
  for (const path of [...policy.readPaths].sort()) args.push('--ro-bind-try', path, path);
  args.push('--chdir', '/');
  return args;
}

/** The node binary to run inside (its real path: the one that is mounted). */
export function sandboxNodePath(): string {
  return realpathSync(process.execPath);
}

function symlinkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
