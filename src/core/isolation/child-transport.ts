// Child-process transport for external plugins: an allowlisted environment, a heap limit, stdio
// captured as logs (so a plugin writing to fd 1 cannot corrupt ksa's JSON), killed at terminate.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ksaError } from '../errors.js';
import { hostEntryUrl } from './host-entry-url.js';
import type { ErrorInfo, LogLevel } from '../types.js';
import type { FromHost, ToHost } from './protocol.js';
import type { HostTransport } from './remote-host.js';

export interface ChildLimits {
  maxOldSpaceSizeMb: number;
}

const ENV_ALLOWLIST = ['PATH', 'LANG', 'TZ'] as const;

export function createChildTransport(limits: ChildLimits, log: (level: LogLevel, message: string) => void): HostTransport {
  const env: Record<string, string> = {};
  for (const key of ENV_ALLOWLIST) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const child = fork(fileURLToPath(hostEntryUrl('child-entry')), [], {
    env,
    execArgv: [`--max-old-space-size=${limits.maxOldSpaceSizeMb}`],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let terminating = false;
  let sawOom = false;
  const exitListeners: Array<(why: ErrorInfo) => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => log('debug', `plugin stdout: ${chunk.toString().trimEnd()}`));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/heap out of memory|Allocation failed/i.test(text)) sawOom = true;
    log('debug', `plugin stderr: ${text.trimEnd()}`);
  });
  child.on('error', (error) => log('debug', `plugin host error: ${error.message}`));
  // 'close' (not 'exit'): stderr is fully read by then, so an OOM message is not missed.
  child.on('close', (code, signal) => {
    const why = terminating
      ? ksaError('KSA_ERR_INTERNAL', 'host terminated').toInfo()
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
        child.kill('SIGKILL');
        await gone;
      }
    },
  };
}
