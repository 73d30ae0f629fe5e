// Node's permission model for an external plugin host (second layer; bubblewrap is the first
// where the kernel allows it): reads only where the policy says, no writes, no child processes,
// no worker threads, no native addons, no WASI (each is denied unless its --allow-* is given).
// Node 20.20 takes one --allow-fs-read per path (a comma-separated list is refused with a warning).

/** Flags for `node` (execArgv): the host can read `readPaths` and nothing else. */
export function nodePermissionFlags(readPaths: readonly string[]): string[] {
  return [
    '--experimental-permission',
    ...readPaths.map((p) => `--allow-fs-read=${p}`),
    // The host's stderr is the plugin's debug log: the flag's own warning is noise there.
    '--disable-warning=ExperimentalWarning',
  ];
}

/** The same flags for NODE_OPTIONS (the single executable reads Node flags only from there): values quoted. */
export function nodeOptionsText(flags: readonly string[]): string {
  return flags.map((f) => (/[\s"\\]/.test(f) ? `"${f.replace(/["\\]/g, '\\$&')}"` : f)).join(' ');
}
