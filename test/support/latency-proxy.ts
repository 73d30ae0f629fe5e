// A TCP relay that makes 127.0.0.1 look like a far-away server: every chunk waits `delayMs` in
// each direction (order and bytes kept), and opening a connection costs one round trip (the TCP
// handshake a real link would add: the upstream socket opens 1.5 RTT after accept, so a greeting
// reaches the client 2 RTT after it connected, as over a real link). It also counts, per
// connection, the client's request bursts that the server answered: the round trips a driver
// made, read off the wire rather than guessed from wall time. Used by the integration tests
// (test/integration/latency) and by bench/latency.sh (node dist/test/support/latency-proxy.js).
import net from 'node:net';

export interface ProxiedConnection {
  /** Client bursts (bytes sent after the server last spoke, or first) that got an answer. */
  answeredBursts: number;
  /** All client bursts, answered or not (a COM_QUIT / Terminate gets no answer). */
  bursts: number;
  bytesUp: number;
  bytesDown: number;
  openedAt: number;
  closedAt?: number;
}

export interface LatencyProxy {
  host: string;
  port: number;
  /** `host:port` of the proxy. */
  endpoint: string;
  connections: ProxiedConnection[];
  /** Forget the connections counted so far. */
  reset(): void;
  close(): Promise<void>;
}

/** Writes chunks to `to` no earlier than `delayMs` after they arrived, strictly in order. */
function delayedPipe(delayMs: number, write: (chunk: Buffer) => void) {
  const queue: Array<{ at: number; chunk: Buffer }> = [];
  let timer: NodeJS.Timeout | undefined;
  let notBefore = 0;
  const drain = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0]!.at <= now) write(queue.shift()!.chunk);
    if (queue.length > 0) timer = setTimeout(drain, queue[0]!.at - now);
  };
  return {
    push(chunk: Buffer) {
      queue.push({ at: Math.max(Date.now() + delayMs, notBefore), chunk });
      if (!timer) timer = setTimeout(drain, Math.max(0, queue[0]!.at - Date.now()));
    },
    /** Nothing leaves before `at` (the upstream connection is not open yet). */
    holdUntil(at: number) { notBefore = at; },
    pending: () => queue.length > 0,
    stop() { if (timer) clearTimeout(timer); queue.length = 0; },
  };
}

export async function startLatencyProxy(upstream: { host: string; port: number }, delayMs: number): Promise<LatencyProxy> {
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const stats: ProxiedConnection = { answeredBursts: 0, bursts: 0, bytesUp: 0, bytesDown: 0, openedAt: Date.now() };
    connections.push(stats);
    sockets.add(client);
    client.setNoDelay(true);
    let serverSpoke = true; // the first client bytes start a burst
    let awaitingAnswer = false;
    let upstreamSocket: net.Socket | undefined;
    const buffered: Buffer[] = [];
    let clientEnded = false;
    let serverEnded = false;
    const up = delayedPipe(delayMs, (chunk) => {
      if (upstreamSocket) upstreamSocket.write(chunk);
      else buffered.push(chunk);
    });
    const down = delayedPipe(delayMs, (chunk) => { if (!client.destroyed) client.write(chunk); });
    const finish = () => {
      stats.closedAt ??= Date.now();
      up.stop(); down.stop();
      client.destroy(); upstreamSocket?.destroy();
    };
    // Half-closes travel with the same delay, behind the data already queued.
    const endAfter = (pipe: ReturnType<typeof delayedPipe>, end: () => void) => {
      const wait = () => (pipe.pending() ? setTimeout(wait, 5) : setTimeout(end, delayMs));
      wait();
    };
    client.on('data', (chunk: Buffer) => {
      stats.bytesUp += chunk.length;
      if (serverSpoke) { stats.bursts += 1; serverSpoke = false; awaitingAnswer = true; }
      up.push(chunk);
    });
    client.on('end', () => { clientEnded = true; endAfter(up, () => { upstreamSocket?.end(); if (serverEnded) finish(); }); });
    client.on('error', finish);
    client.on('close', () => endAfter(down, finish));
    // The TCP handshake of a real link: SYN, SYN-ACK, ACK take 1.5 one-way trips before the server
    // accepts; the client's first bytes leave after its own connect (1 RTT) and arrive 0.5 RTT later.
    const openAt = Date.now() + 3 * delayMs;
    up.holdUntil(openAt);
    setTimeout(() => {
      if (client.destroyed && !clientEnded) return;
      const s = net.connect(upstream.port, upstream.host);
      upstreamSocket = s;
      sockets.add(s);
      s.setNoDelay(true);
      s.on('connect', () => { for (const chunk of buffered.splice(0)) s.write(chunk); });
      s.on('data', (chunk: Buffer) => {
        stats.bytesDown += chunk.length;
        if (awaitingAnswer) { stats.answeredBursts += 1; awaitingAnswer = false; }
        serverSpoke = true;
        down.push(chunk);
      });
      s.on('end', () => { serverEnded = true; endAfter(down, () => { client.end(); if (clientEnded) finish(); }); });
      s.on('error', () => endAfter(down, finish));
      s.on('close', () => sockets.delete(s));
    }, Math.max(0, openAt - Date.now()));
    client.on('close', () => sockets.delete(client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    endpoint: `127.0.0.1:${port}`,
    connections,
    reset() { connections.length = 0; },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `node latency-proxy.js <upstream host:port> <delay ms>`: prints the proxy's port, counts to stderr on SIGTERM. */
async function main(argv: string[]): Promise<void> {
  const [target, delay] = argv;
  const at = target?.lastIndexOf(':') ?? -1;
  if (!target || at < 0 || delay === undefined || !/^\d+$/.test(delay)) {
    process.stderr.write('usage: latency-proxy <host:port> <delay ms each way>\n');
    process.exit(3);
  }
  const proxy = await startLatencyProxy({ host: target.slice(0, at), port: Number(target.slice(at + 1)) }, Number(delay));
  process.stdout.write(`${proxy.port}\n`);
  // Per run: SIGUSR2 prints the connections' counts as one JSON line and forgets them.
  process.on('SIGUSR2', () => {
    process.stderr.write(`${JSON.stringify(proxy.connections.map(({ answeredBursts, bursts }) => ({ answeredBursts, bursts })))}\n`);
    proxy.reset();
  });
  process.on('SIGTERM', () => { void proxy.close().then(() => process.exit(0)); });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) void main(process.argv.slice(2));
