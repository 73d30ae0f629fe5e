// --isolation none: the host runtime in the main thread. For debugging plugins only: a plugin
// that blocks or exits takes ksa with it.
import { createHostRuntime } from './host-runtime.js';
import type { FromHost, ToHost } from './protocol.js';
import type { HostTransport } from './remote-host.js';

export function createInProcessTransport(): HostTransport {
  const listeners: Array<(m: FromHost) => void> = [];
  const handle = createHostRuntime((message) => queueMicrotask(() => listeners.forEach((l) => l(message))));
  return {
    send: (message: ToHost) => queueMicrotask(() => handle(message)),
    onMessage: (listener) => listeners.push(listener),
    onExit: () => undefined,
    terminate: async () => undefined,
  };
}
