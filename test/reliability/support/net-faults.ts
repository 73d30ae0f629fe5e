// Network faults for the reliability suite, all on loopback (or a private network namespace):
// a refused port, a silent server (accepts, never answers), a random-bytes server, a real
// SYN black hole (netns + nftables drop, when available) and a TCP fault proxy (latency,
// half-open, reset mid-stream, swallow).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface Endpoint {
  host: string;
  port: number;
  /** host:port */
  address: string;
  close(): Promise<void>;
}

function listen(server: net.Server, sockets: Set<net.Socket>): Promise<Endpoint> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        host: '127.0.0.1',
        port,
        address: `127.0.0.1:${port}`,
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}

/** A port nothing listens on: connect gets ECONNREFUSED at once. */
export async function refusedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `127.0.0.1:${port}`;
}

/** Accepts every connection and never sends a byte (a hung server or a swallowing middlebox). */
export function silentServer(): Promise<Endpoint> {
  return listen(net.createServer(() => undefined), new Set());
}

/** Answers every chunk it receives (and the connection itself) with random bytes. */
export function randomBytesServer(): Promise<Endpoint> {
  return listen(net.createServer((socket) => {
    socket.write(randomBytes(64 + Math.floor(Math.random() * 512)));
    socket.on('data', () => { if (!socket.destroyed) socket.write(randomBytes(16 + Math.floor(Math.random() * 4096))); });
  }), new Set());
}

export type ProxyFault =
  | { kind: 'none' }
  /** Delay every chunk in both directions. */
  | { kind: 'latency'; ms: number }
  /** After `afterBytes` from the server, stop forwarding and keep the client socket open (half-open). */
  | { kind: 'half-open'; afterBytes: number }
  /** After `afterBytes` from the server, reset the client connection (RST). */
  | { kind: 'reset'; afterBytes: number }
  /** Accept and swallow everything (no upstream connection). */
  | { kind: 'swallow' };

/** A TCP proxy to `upstream` whose fault can be changed between runs. */
export async function faultProxy(upstream: string, fault: ProxyFault): Promise<Endpoint & { setFault(f: ProxyFault): void }> {
  let current = fault;
  const [uhost, uport] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const f = current;
    if (f.kind === 'swallow') return;
    const up = net.connect(uport, uhost);
    sockets.add(up);
    up.on('error', () => client.destroy());
    up.on('close', () => { sockets.delete(up); if (f.kind !== 'half-open') client.end(); });
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
    const delay = f.kind === 'latency' ? f.ms : 0;
    const pass = (to: net.Socket, chunk: Buffer) => {
      if (delay === 0) { if (!to.destroyed) to.write(chunk); return; }
      setTimeout(() => { if (!to.destroyed) to.write(chunk); }, delay);
    };
    let fromServer = 0;
    let cut = false;
    client.on('data', (c: Buffer) => { if (!cut) pass(up, c); });
    up.on('data', (c: Buffer) => {
      if (cut) return;
      if (f.kind === 'half-open' || f.kind === 'reset') {
        const room = f.afterBytes - fromServer;
        fromServer += c.length;
        if (room <= c.length) {
          if (room > 0) client.write(c.subarray(0, room));
          cut = true;
          up.destroy();
          if (f.kind === 'reset') client.resetAndDestroy();
          return; // half-open: the client socket stays open and silent
        }
      }
      pass(client, c);
    });
  });
  const endpoint = await listen(server, sockets);
  return { ...endpoint, setFault: (f) => { current = f; } };
}

export interface BlackHole {
  /** An address whose SYNs are dropped (connect never completes). */
  host: string;
  close(): void;
}

/** Whether this machine can build a real black hole: root, `ip netns` and `nft`. */
export function canBlackHole(): boolean {
  if (process.getuid?.() !== 0) return false;
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  return has('ip', ['netns', 'list']) && has('nft', ['--version']);
}

/**
 * A private network namespace reached through a veth pair, whose input policy drops everything:
 * a SYN to `host` gets no answer at all, exactly like a firewalled or vanished host.
 */
export function blackHole(): BlackHole {
  const tag = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  const ns = `ksarel${tag}`;
  const [hostIf, nsIf] = [`krh${tag}`, `krn${tag}`];
  const octet = 1 + (Number(tag) % 250);
  const [hostIp, nsIp] = [`10.231.${octet}.1`, `10.231.${octet}.2`];
  const sh = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' });
  sh(['ip', 'netns', 'add', ns]);
  try {
    sh(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    sh(['ip', 'link', 'set', nsIf, 'netns', ns]);
    sh(['ip', 'addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    sh(['ip', 'link', 'set', hostIf, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf]);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'nft', 'add table inet ksa_bh; add chain inet ksa_bh input { type filter hook input priority 0; policy drop; }']);
  } catch (error) {
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf]);
    throw error;
  }
  return {
    host: nsIp,
    close: () => {
      // Deleting the namespace deletes the veth pair with it.
      spawnSync('ip', ['netns', 'del', ns]);
      spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
    },
  };
}
