// "Connecting" to ZooKeeper over the four-letter words is a `ruok` probe: each word uses its own
// TCP connection, so the connection object only holds the address, the guard and the probe result.
import { createOperationGuard, parseEndpoint } from '@kubestack/ksa/sdk';
import { sendWord } from './four-letter-word.js';

export async function connect(ctx, target) {
  // ctx.defaultPort is the manifest's defaultPort (2181): the one place it is written.
  const { host, port } = parseEndpoint(target.endpoints[0], ctx.defaultPort);
  const guard = createOperationGuard(ctx.pluginId, ctx.operations);
  // A refused or silent server fails here (KSA_ERR_CONNECT / KSA_ERR_TIMEOUT): the result is unknown.
  const ruok = (await sendWord(ctx, guard, { host, port }, 'ruok')).trim();
  const maxClientCnxns = Number(target.options.maxClientCnxns ?? 60);
  return { address: { host, port }, guard, ruok, maxClientCnxns: Number.isFinite(maxClientCnxns) && maxClientCnxns > 0 ? maxClientCnxns : 60 };
}
