// Preload for bench/latency.mjs and test/e2e/slow-link.test.ts (node --import): connections to the host:port pairs named in
// KSA_LATENCY_REDIRECT ("127.0.0.1:9092=127.0.0.1:41001,...") go to the given address instead.
// Kafka clients connect to the brokers the cluster advertises, not to the address they were given,
// so each broker gets its own latency proxy and the client is steered to it here Bench and tests only.
import net from 'node:net';

const map = new Map((process.env.KSA_LATENCY_REDIRECT ?? '').split(',').filter(Boolean).map((pair) => pair.split('=')));
if (map.size > 0) {
  const steer = (options) => {
    const to = map.get(`${options.host ?? '127.0.0.1'}:${options.port}`) ?? map.get(`localhost:${options.port}`);
    if (!to) return options;
    const at = to.lastIndexOf(':');
    return { ...options, host: to.slice(0, at), port: Number(to.slice(at + 1)) };
  };
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    // net.connect() hands over its normalized arguments as one marked array ([options, callback]):
    // changed in place, so Node still sees the mark.
    if (Array.isArray(args[0]) && args[0][0]?.port !== undefined) args[0][0] = steer(args[0][0]);
    else if (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) && args[0].port !== undefined) args[0] = steer(args[0]);
    else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
      const o = steer({ port: Number(args[0]), host: typeof args[1] === 'string' ? args[1] : undefined });
      args[0] = o.port; if (typeof args[1] === 'string') args[1] = o.host; else args.splice(1, 0, o.host);
    }
    return original.apply(this, args);
  };
}
