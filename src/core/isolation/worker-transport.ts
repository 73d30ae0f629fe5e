// Worker-thread transport for built-in plugins: empty environment, heap limits, captured stdio.
import { Worker } from 'node:worker_threads';
import { ksaError } from '../errors.js';
import { hostEntryUrl } from './host-entry-url.js';
import { embeddedPackage, SEA_WORKER_HOST } from '../embedded.js';
import type { ErrorInfo, LogLevel } from '../types.js';
import type { FromHost, ToHost } from './protocol.js';
import type { HostTransport } from './remote-host.js';

const WORKER_YOUNG_GENERATION_MB = 6;

export interface WorkerLimits {
  maxOldGenerationSizeMb: number;
}

export function createWorkerTransport(
  limits: WorkerLimits,
  log: (level: LogLevel, message: string) => void,
): HostTransport {
  // Inside the single executable the host is an embedded CommonJS script, evaluated as the worker's code.
  const embeddedHost = embeddedPackage()?.read(SEA_WORKER_HOST);
  const worker = new Worker(embeddedHost ?? hostEntryUrl('worker-entry'), {
    eval: embeddedHost !== undefined,
    env: {},
    stdout: true,
    stderr: true,
    // A small young generation: a long-running watcher's worker fills any semi-space it is given and
    // keeps it committed; 6 MB instead of 32 took the 1000-target fleet bench (bench/watch-fleet.sh) from a 265-289 MB peak
    // to 239-243 MB with no measurable CPU cost (bench/RESULTS.md, issue 16).
    resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let terminating = false;
  let exitReason: ErrorInfo | undefined;
  let exited: ErrorInfo | undefined;
  const exitListeners: Array<(why: ErrorInfo) => void> = [];
  const finish = (why: ErrorInfo) => {
    exited = why;
    for (const l of exitListeners.splice(0)) l(why);
  };
  // A prewarmed worker (prewarm.ts) runs before anyone listens: keep what it says (a `fatal`
  // while importing the plugin, say) and how it ended, for the host that adopts it.
  const early: FromHost[] = [];
  let deliver: ((m: FromHost) => void) | undefined;
  worker.on('message', (m: FromHost) => { if (deliver) deliver(m); else early.push(m); });
  // A plugin must not print; whatever it does print becomes a debug log line, never our stdout.
  worker.stdout.on('data', (chunk: Buffer) => log('debug', `plugin stdout: ${chunk.toString().trimEnd()}`));
  worker.stderr.on('data', (chunk: Buffer) => log('debug', `plugin stderr: ${chunk.toString().trimEnd()}`));
  worker.on('error', (error: Error & { code?: string }) => {
    exitReason = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? ksaError('KSA_ERR_OUT_OF_MEMORY', `plugin exceeded its ${limits.maxOldGenerationSizeMb} MB heap limit`).toInfo()
      : ksaError('KSA_ERR_PLUGIN_CRASH', `plugin host crashed: ${error.message}`).toInfo();
  });
  worker.on('exit', (code) => {
    finish(exitReason ?? (terminating
      ? ksaError('KSA_ERR_INTERNAL', 'host terminated').toInfo()
      : ksaError('KSA_ERR_PLUGIN_EXIT', `plugin host exited with code ${code} during the call`).toInfo()));
  });
  return {
    send: (message: ToHost) => worker.postMessage(message),
    onMessage: (listener: (m: FromHost) => void) => {
      deliver = listener;
      for (const m of early.splice(0)) listener(m);
    },
    onExit: (listener) => {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
