// Which sandbox wraps an external plugin host (built-in plugins are ksa's own code and run in
// worker threads, unchanged): `bwrap` = bubblewrap namespaces + Node's permission model, `node` =
// the permission model alone, `none` = today's child process (with a warning). `auto` picks bwrap
// where it is installed and the kernel allows namespaces, else node with a one-line notice.
import { bwrapArgs, bwrapStatus, sandboxNodePath } from './bubblewrap.js';
import { nodePermissionFlags } from './node-permission-flags.js';
import type { HostPolicy } from './host-permissions.js';
import type { ChildSandbox } from './child-transport.js';

export const SANDBOX_MODES = ['bwrap', 'node', 'none'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
export type SandboxSetting = SandboxMode | 'auto';
export const SANDBOX_SETTINGS: readonly SandboxSetting[] = ['auto', ...SANDBOX_MODES];
/** `full`: the plugin runs as before this sandbox existed (its own process, ksa's uid, every file ksa can read). */
export const PLUGIN_TRUST = ['sandboxed', 'full'] as const;
export type PluginTrust = (typeof PLUGIN_TRUST)[number];

type Warn = (message: string) => void;

/** The mode in force, decided once per run (the first external host asks); says why when it is weaker than asked. */
export function chooseSandbox(setting: SandboxSetting, warn: Warn): SandboxMode {
  if (setting === 'node' || setting === 'none') return setting;
  const bwrap = bwrapStatus();
  if (bwrap.usable) return 'bwrap';
  if (setting === 'bwrap') {
    warn(`--plugin-sandbox bwrap: ${bwrap.why}; external plugins run under Node's permission model only`);
  } else {
    warn(`external plugins run under Node's permission model only: ${bwrap.why} (say --plugin-sandbox node, or plugins.sandbox: node in ksa.yaml, to accept this)`);
  }
  return 'node';
}

const LAUNCH: Record<SandboxMode, (policy: HostPolicy) => ChildSandbox | undefined> = {
  bwrap: (policy) => {
    const nodePath = sandboxNodePath();
    const status = bwrapStatus();
    if (!status.usable) return { nodeFlags: nodePermissionFlags(policy.readPaths) };
    return { nodeFlags: nodePermissionFlags(policy.readPaths), wrapper: { command: status.path, args: bwrapArgs(policy, nodePath), nodePath } };
  },
  node: (policy) => ({ nodeFlags: nodePermissionFlags(policy.readPaths) }),
  none: () => undefined,
};

/** How the child transport starts a host for this policy; undefined = unsandboxed (trust full, sandbox none). */
export function childSandbox(mode: SandboxMode, trust: PluginTrust, policy: HostPolicy): ChildSandbox | undefined {
  return trust === 'full' ? undefined : LAUNCH[mode](policy);
}
