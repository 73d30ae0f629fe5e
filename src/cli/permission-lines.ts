// A plugin's permissions as text, like a mobile app's: what `ksa plugin info` and `ksa plugin
// install` show before any of the plugin's code runs (docs/PLUGINS.md "Permissions").
import { TYPE_NEEDS } from '../core/isolation/host-permissions.js';
import { FS_READ_REFERENCE } from '../core/schemas.js';
import type { Manifest } from '../core/types.js';

/** Where a reference's value comes from, in the words a user configures it with. */
const REFERENCE_SOURCES: Record<'config' | 'option' | 'tls', (key: string, id: string) => string> = {
  config: (key, id) => `plugins.${id}.config.${key} in ksa.yaml`,
  option: (key) => `the target's option ${key} (--option ${key}=...)`,
  tls: (key) => `the target's tls.${key} (--tls-ca/--tls-cert/--tls-key)`,
};

/** One line per declared read: the entry and, for a reference, where its value is configured. */
function readLine(entry: string, id: string): string {
  if (!FS_READ_REFERENCE.test(entry)) return entry;
  const [kind, key] = entry.slice(2, -1).split('.') as ['config' | 'option' | 'tls', string];
  return `${entry}: the file named by ${REFERENCE_SOURCES[kind](key, id)}`;
}

export function permissionLines(manifest: Manifest, source: 'builtin' | 'external'): string[] {
  // Data only: nothing of it runs in a host; what its commands do is the operator's rules' call.
  if (manifest.type === 'recovery') return ["permissions:  no code: ksa's recovery engine runs its commands (argv, no shell, clean environment) for ksa.yaml recovery rules, and only with --enforce (docs/RECOVERY.md)"];
  if (source === 'builtin') return ["permissions:  built-in (ksa's own code, in a worker thread; not sandboxed)"];
  const reads = manifest.permissions?.fsRead ?? [];
  return [
    `permissions:  sandboxed (--plugin-sandbox): reads its own package and ksa's SDK${TYPE_NEEDS[manifest.type].network ? '; network' : ''}; never writes files, starts programs or threads, loads native addons`,
    ...(reads.length === 0 ? ['  reads also: nothing'] : ['  reads also:', ...reads.map((r) => `    ${readLine(r, manifest.id)}`)]),
  ];
}
