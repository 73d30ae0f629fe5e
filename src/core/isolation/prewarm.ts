// Start-up overlap: `ksa diagnose <type> ...` for a built-in type starts that plugin's worker
// thread (and its module loading: the driver, the SDK, the checks) before the main thread loads
// the CLI (commander, zod, config). On a multi-core machine the two run in parallel; the manager
// then adopts the warm worker instead of starting a cold one. Nothing here reads secrets or
// touches a target: the worker only imports the plugin's module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWorkerTransport } from './worker-transport.js';
import { builtinEntryPath } from '../builtin-entry.js';
import type { HostTransport } from './remote-host.js';
import type { LogLevel } from '../types.js';

type Log = (level: LogLevel, message: string) => void;

interface Warm { transport: HostTransport; heapMb: number; setLog(log: Log): void }

const warm = new Map<string, Warm>();

/** Default worker heap limit (MB); the manager uses the same default. */
export const DEFAULT_HEAP_MB = 256;

/**
 * Starts the worker for the built-in plugin of `type`, if there is one in the build-time index.
 * Returns the entry URL it warmed, or undefined.
 */
export function prewarmBuiltin(packageRoot: string, type: string, heapMb = DEFAULT_HEAP_MB): string | undefined {
  let manifests: Array<{ id: string; middleware?: string; entry: string }>;
  try {
    manifests = JSON.parse(readFileSync(join(packageRoot, 'dist', 'manifest-index.json'), 'utf8')) as typeof manifests;
  } catch {
    return undefined; // no index: the manager starts workers the usual way
  }
  const manifest = manifests.find((m) => m.middleware === type);
  if (!manifest) return undefined;
  const entryUrl = pathToFileURL(builtinEntryPath(packageRoot, manifest)).href;
  if (warm.has(entryUrl)) return entryUrl;
  // Logs before adoption are kept and replayed to the manager's logger.
  const early: Array<[LogLevel, string]> = [];
  let log: Log = (level, message) => { early.push([level, message]); };
  const transport = createWorkerTransport({ maxOldGenerationSizeMb: heapMb }, (level, message) => log(level, message));
  transport.send({ type: 'preload', entryUrl });
  warm.set(entryUrl, {
    transport,
    heapMb,
    setLog(next) {
      log = next;
      for (const [level, message] of early.splice(0)) next(level, message);
    },
  });
  return entryUrl;
}

/** The warm worker for this plugin entry, once (the caller owns it from then on). */
export function takePrewarmed(entryUrl: string, heapMb: number, log: Log): HostTransport | undefined {
  const w = warm.get(entryUrl);
  if (!w || w.heapMb !== heapMb) return undefined;
  warm.delete(entryUrl);
  w.setLog(log);
  return w.transport;
}

/** Terminates warm workers nobody adopted (e.g. the type was served by an external plugin). */
export async function discardPrewarmed(): Promise<void> {
  const all = [...warm.values()];
  warm.clear();
  await Promise.all(all.map((w) => w.transport.terminate().catch(() => undefined)));
}
