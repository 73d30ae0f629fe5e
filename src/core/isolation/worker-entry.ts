// Entry of a worker-thread host (built-in plugins). Runs with env: {} and resourceLimits.
import { parentPort } from 'node:worker_threads';
import { createHostRuntime, installFatalHandlers } from './host-runtime.js';
import type { FromHost, ToHost } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const send = (message: FromHost): void => port.postMessage(message);
installFatalHandlers(send, () => process.exit(70));
const handle = createHostRuntime(send);
port.on('message', (message: ToHost) => handle(message));
