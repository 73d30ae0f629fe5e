// One four-letter word on its own TCP connection: connect, write the word, read until the server
// closes. Bounded by the deadline (socket timeout) and cancelled by ctx.signal.
import { connect } from 'node:net';
import { ksaError } from '@kubestack/ksa/sdk';

/** Replies that are answers about the server rather than data. */
export const NOT_WHITELISTED = 'not-whitelisted';
export const NOT_SERVING = 'not-serving';

const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export function classifyReply(text) {
  if (text.includes('is not executed because it is not in the whitelist')) return NOT_WHITELISTED;
  if (text.includes('This ZooKeeper instance is not currently serving requests')) return NOT_SERVING;
  return undefined;
}

/** Sends `word` (already allowed by the guard) and resolves with the full reply text. */
export function sendWord(ctx, guard, { host, port }, word) {
  guard.assert(word.toUpperCase());
  return new Promise((resolve, reject) => {
    const remaining = ctx.deadline - Date.now();
    if (ctx.signal.aborted) return reject(ksaError('KSA_ERR_TIMEOUT', `${word} cancelled before it started`));
    if (remaining <= 0) return reject(ksaError('KSA_ERR_TIMEOUT', `no time left for ${word}`));
    const chunks = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = () => finish(ksaError('KSA_ERR_TIMEOUT', `${word} to ${host}:${port} cancelled`));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(remaining, () => finish(ksaError('KSA_ERR_TIMEOUT', `${word} to ${host}:${port} got no complete answer within ${remaining} ms`)));
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) return finish(ksaError('KSA_ERR_PROTOCOL', `${word} reply exceeds ${MAX_REPLY_BYTES} bytes`));
      chunks.push(chunk);
    });
    socket.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (error) => {
      const code = error.code ?? 'error';
      finish(ksaError('KSA_ERR_CONNECT', `cannot reach ZooKeeper at ${host}:${port} (${code})`));
    });
  });
}
