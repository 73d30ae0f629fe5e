// sslmode=prefer on one socket, as libpq does it: SSLRequest, then TLS on that socket when the server
// answers 'S', or the plaintext startup on the same socket when it answers 'N'. node-postgres closes
// the socket on 'N', so ksa had to connect again: one TCP handshake (a round trip) more against every
// server without TLS, 300 ms on a 150 ms link. The socket handed to pg is already negotiated.
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';

/** Length 8, code 80877103 (PostgreSQL protocol, "SSLRequest"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export interface PreferTlsOptions {
  host: string;
  port: number;
  /** TLS options used when the server says 'S' (sslOptionsOf('prefer', ...)). */
  ssl: ConnectionOptions;
  timeoutMs: number;
  signal: AbortSignal;
  /** Sees the raw socket before it connects (the wrong-service watch). */
  onSocket?: (socket: net.Socket) => void;
}

export interface NegotiatedSocket {
  socket: net.Socket;
  tls: boolean;
}

/** The negotiated socket; rejects with errors in pg's words, so pg-errors maps them the same way. */
export function connectPreferTls(o: PreferTlsOptions): Promise<NegotiatedSocket> {
  return new Promise((resolve, reject) => {
    const raw = new net.Socket();
    let current: net.Socket = raw;
    const fail = (error: Error) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      current.destroy();
      raw.destroy();
      reject(error);
    };
    const done = (socket: net.Socket, encrypted: boolean) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      raw.off('error', fail);
      resolve({ socket, tls: encrypted });
    };
    const onAbort = () => fail(new Error('connection aborted'));
    const timer = setTimeout(() => fail(new Error('timeout expired')), Math.max(1, o.timeoutMs));
    o.signal.addEventListener('abort', onAbort, { once: true });
    raw.on('error', fail);
    o.onSocket?.(raw);
    raw.setNoDelay(true);
    raw.connect(o.port, o.host, () => raw.write(SSL_REQUEST));
    raw.once('data', (chunk: Buffer) => {
      // Anything after the one-byte answer was sent before TLS started: possibly injected by a
      // man in the middle (CVE-2021-23222), so it is refused, as libpq does.
      if (chunk.length !== 1 || (chunk[0] !== 0x53 && chunk[0] !== 0x4e)) {
        fail(new Error('There was an error establishing an SSL connection'));
        return;
      }
      if (chunk[0] === 0x4e) {
        done(raw, false);
        return;
      }
      // SNI must not be an IP address (RFC 6066); node checks the identity against `host` then.
      const secure = tls.connect({ socket: raw, host: o.host, ...(net.isIP(o.host) === 0 ? { servername: o.host } : {}), ...o.ssl });
      current = secure;
      secure.on('error', fail);
      secure.once('secureConnect', () => done(secure, true));
    });
  });
}

/**
 * pg calls `stream.connect(port, host)` and waits for 'connect': an already connected socket answers
 * at once (pg then sends the startup message, with `ssl: false` since TLS is already done).
 */
export function asConnectedStream(socket: net.Socket): net.Socket {
  socket.connect = (() => {
    process.nextTick(() => socket.emit('connect'));
    return socket;
  }) as net.Socket['connect'];
  return socket;
}
