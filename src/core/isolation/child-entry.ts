// Entry of a child-process host (external plugins): IPC channel only, fd 1/2 are pipes the
// parent reads as plugin logs, the environment is an allowlist.
import { createHostRuntime, installFatalHandlers } from './host-runtime.js';
import type { FromHost, ToHost } from './protocol.js';

if (!process.send) throw new Error('child-entry must be forked with an IPC channel');
const send = (message: FromHost): void => {
  process.send?.(message);
};
installFatalHandlers(send, () => setImmediate(() => process.exit(70)));
const handle = createHostRuntime(send);
process.on('message', (message: ToHost) => handle(message));
// The host lives as long as the parent does; IPC keeps it alive, disconnect ends it.
process.on('disconnect', () => process.exit(0));
