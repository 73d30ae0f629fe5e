// Child-process transport for external plugins: an allowlisted environment, a heap limit, stdio
// captured as logs (so a plugin writing to fd 1 cannot corrupt ksa's JSON), killed at terminate.
import { printableText } from '../printable.js';
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ksaError } from '../errors.js';
import { hostEntryUrl } from './host-entry-url.js';
import { embeddedPackage, SEA_CHILD_HOST_ENV } from '../embedded.js';
import { nodeOptionsText } from './node-permission-flags.js';
import type { ErrorInfo, LogLevel } from '../types.js';
import type { FromHost, ToHost } from './protocol.js';
import type { HostTransport } from './remote-host.js';

export interface ChildLimits {
  maxOldSpaceSizeMb: number;
  /** Resident memory bound (off-heap Buffers included, which --max-old-space-size ignores). */
  maxRssMb?: number;
}

/** How a sandboxed host is started (src/core/isolation/plugin-sandbox.ts); absent = a plain child. */
export interface ChildSandbox {
  /** Node's permission model flags (--experimental-permission, --allow-fs-read=...). */
  nodeFlags: string[];
  /** A program the host runs under (bubblewrap), its arguments up to the node binary, and that binary's path inside. */
  wrapper?: { command: string; args: string[]; nodePath: string };
}

const RSS_SAMPLE_MS = 50;
/** Process groups of live plugin hosts: killed when ksa exits or is interrupted. */
const liveGroups = new Set<number>();
let exitHooksInstalled = false;

/** Kills a host's whole process group, so processes the plugin spawned die with it. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

let signalsOwnedByCaller = false;

/**
 * A long-running command (ksa watch) handles SIGINT/SIGTERM/SIGHUP itself (graceful stop, reload)
 * and terminates its hosts on the way out: the hosts are then reaped on exit only.
 */
export function leaveSignalsToCaller(): void {
  signalsOwnedByCaller = true;
}

/** A host lives in its own process group (so terminate reaches what it spawned); ksa reaps them on exit and on SIGINT/SIGTERM/SIGHUP, then dies by the same signal. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => { for (const pid of liveGroups) killGroup(pid); });
  if (signalsOwnedByCaller) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pid of liveGroups) killGroup(pid);
      process.kill(process.pid, signal);
    });
  }
}

/** Direct children of pid from /proc/<pid>/task/<tid>/children (cheap); undefined where unavailable. */
function childrenOf(pid: number): number[] | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return undefined;
  }
}

/** Live descendants of pid (a plugin's setsid() children escape the group kill, not this). */
function descendantsOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const direct = childrenOf(pid);
  if (direct !== undefined) {
    const out: number[] = [];
    for (let frontier = direct; frontier.length > 0;) {
      out.push(...frontier);
      frontier = frontier.flatMap((p) => childrenOf(p) ?? []);
    }
    return out;
  }
  // No per-task children files (older kernels): scan every process's parent.
  const children = new Map<number, number[]>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  for (let frontier = [pid]; frontier.length > 0;) {
    const next = children.get(frontier.pop()!) ?? [];
    out.push(...next);
    frontier.push(...next);
  }
  return out;
}

/** VmRSS of a process in MB; undefined where /proc is unavailable. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process and all its descendants in MB; undefined where /proc is unavailable. */
function treeRssMb(pid: number): number | undefined {
  const own = rssMb(pid);
  if (own === undefined) return undefined;
  return descendantsOf(pid).reduce((sum, p) => sum + (rssMb(p) ?? 0), own);
}

const ENV_ALLOWLIST = ['PATH', 'LANG', 'TZ'] as const;

export function createChildTransport(limits: ChildLimits, log: (level: LogLevel, message: string) => void, sandbox?: ChildSandbox): HostTransport {
  const env: Record<string, string> = {};
  for (const key of ENV_ALLOWLIST) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const nodeFlags = [`--max-old-space-size=${limits.maxOldSpaceSizeMb}`, ...(sandbox?.nodeFlags ?? [])];
  // Inside the single executable, fork re-runs the executable itself (process.execPath): the env
  // marker makes it run the host, and it reads Node flags from NODE_OPTIONS only (argv is ours).
  const sea = embeddedPackage() !== undefined;
  const wrapper = sandbox?.wrapper;
  // fork runs `execPath ...execArgv module`: under a wrapper that is `bwrap <mounts> node <flags> child-entry.js`.
  const child = fork(sea ? process.execPath : fileURLToPath(hostEntryUrl('child-entry')), [], {
    env: sea ? { ...env, [SEA_CHILD_HOST_ENV]: '1', NODE_OPTIONS: nodeOptionsText(nodeFlags) } : env,
    ...(wrapper ? { execPath: wrapper.command } : {}),
    execArgv: [...(wrapper ? [...wrapper.args, wrapper.nodePath] : []), ...(sea ? [] : nodeFlags)],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    detached: true,
  });
  installExitHooks();
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const maxRssMb = limits.maxRssMb ?? limits.maxOldSpaceSizeMb * 2 + 128;
  let rssOver: number | undefined;
  const rssWatch = setInterval(() => {
    // Under a wrapper the host is a descendant of child.pid (bwrap, its namespace's init, node).
    const rss = child.pid === undefined ? undefined : wrapper ? treeRssMb(child.pid) : rssMb(child.pid);
    if (rss !== undefined && rss > maxRssMb && rssOver === undefined) {
      rssOver = rss;
      killGroup(child.pid);
    }
  }, RSS_SAMPLE_MS);
  rssWatch.unref();
  let terminating = false;
  let sawOom = false;
  const exitListeners: Array<(why: ErrorInfo) => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => log('debug', `plugin stdout: ${printableText(chunk.toString().trimEnd())}`));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/heap out of memory|Allocation failed/i.test(text)) sawOom = true;
    log('debug', `plugin stderr: ${printableText(text.trimEnd())}`);
  });
  child.on('error', (error) => log('debug', `plugin host error: ${error.message}`));
  // A process the plugin spawned may hold the stdio pipes open: kill the group at 'exit' so 'close' follows.
  child.on('exit', () => killGroup(child.pid));
  // 'close' (not 'exit'): stderr is fully read by then, so an OOM message is not missed.
  child.on('close', (code, signal) => {
    clearInterval(rssWatch);
    // Whatever the plugin spawned dies with its host, however the host ended.
    killGroup(child.pid);
    if (child.pid !== undefined) liveGroups.delete(child.pid);
    const why = terminating
      ? ksaError('KSA_ERR_INTERNAL', 'host terminated').toInfo()
      : rssOver !== undefined
        ? ksaError('KSA_ERR_OUT_OF_MEMORY', `plugin exceeded its ${maxRssMb} MB memory limit (resident ${Math.round(rssOver)} MB, off-heap buffers included)`).toInfo()
        : sawOom || signal === 'SIGABRT' || code === 134
        ? ksaError('KSA_ERR_OUT_OF_MEMORY', `plugin exceeded its ${limits.maxOldSpaceSizeMb} MB heap limit`).toInfo()
        : ksaError('KSA_ERR_PLUGIN_EXIT', `plugin host exited (${signal ?? `code ${code}`}) during the call`).toInfo();
    for (const l of exitListeners.splice(0)) l(why);
  });
  return {
    send: (message: ToHost) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener: (m: FromHost) => void) => child.on('message', listener as (m: unknown) => void),
    onExit: (listener) => exitListeners.push(listener),
    async terminate() {
      terminating = true;
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        const spawned = descendantsOf(child.pid);
        killGroup(child.pid);
        for (const pid of spawned) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
        await gone;
      }
      killGroup(child.pid);
    },
  };
}
