// Who is listening on host:port? Used only after a client's own first message met silence or a
// wordless close: most servers wait for the client to speak (only MySQL greets), so each candidate
// protocol is asked once, on its own short-lived connection, with that protocol's harmless opening
// (the message its own clients send first, which reads or changes nothing), and the answers go
// through the one recogniser. A healthy server that answers its client never sees these.
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { recognizeWire, type WireProtocol } from './wire-recognizer.js';

/**
 * The opening each protocol's clients send. MySQL is absent (the server greets every connection,
 * so any probe hears it) and so is HTTP (a server answers any non-HTTP bytes with 400).
 */
export const PROBE_OPENINGS: Record<Exclude<WireProtocol, 'mysql' | 'http' | 'tls'>, Buffer> = {
  // RESP inline PING: what redis-cli and every client's health check send.
  redis: Buffer.from('PING\r\n', 'latin1'),
  // SSLRequest (length 8, code 80877103): libpq's first packet; the server answers one byte, S or N.
  postgresql: Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
  // ApiVersions v0, correlation id 1, client id "ksa": every Kafka client's first request.
  kafka: Buffer.from([0, 0, 0, 13, 0, 18, 0, 0, 0, 0, 0, 1, 0, 3, 0x6b, 0x73, 0x61]),
  // The four-letter word of ZooKeeper's own monitoring (whitelisted by default since 3.5).
  zookeeper: Buffer.from('srvr', 'latin1'),
};

export interface IdentifyOptions {
  host: string;
  port: number;
  /** Per probe: connect, send, first answer. */
  timeoutMs?: number;
  /** Stops early: the first recognised protocol for which this returns true ends the search. */
  decisive?: (protocol: WireProtocol) => boolean;
}

/** Sends one opening on a fresh connection; resolves with the recognised protocol of the first answer. */
function probeWith(host: string, port: number, opening: Buffer, timeoutMs: number): Promise<WireProtocol | undefined> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port }, () => socket.write(opening));
    const done = (p: WireProtocol | undefined) => { clearTimeout(timer); socket.destroy(); resolve(p); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('data', (chunk: Buffer) => done(recognizeWire(chunk)));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
}

/** A TLS server shows itself by completing (or refusing, with a TLS alert) a handshake. */
function probeTls(host: string, port: number, timeoutMs: number): Promise<WireProtocol | undefined> {
  return new Promise((resolve) => {
    // No verification: this only asks whether the port speaks TLS at all; nothing is sent after it.
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(/^[0-9.:]+$/.test(host) ? {} : { servername: host }) });
    const done = (p: WireProtocol | undefined) => { clearTimeout(timer); socket.destroy(); resolve(p); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () => done('tls'));
    // An alert from the peer ("alert number N") is still TLS; "wrong version number" is not.
    socket.once('error', (e: NodeJS.ErrnoException) => done(/alert/i.test(`${e.code ?? ''} ${e.message}`) ? 'tls' : undefined));
    socket.once('close', () => done(undefined));
  });
}

/**
 * The protocols host:port answered in, asked in parallel. Resolves as soon as a decisive protocol is
 * recognised, otherwise when every probe has answered or timed out.
 */
export function identifyPeer(o: IdentifyOptions): Promise<WireProtocol[]> {
  const timeoutMs = o.timeoutMs ?? 400;
  const probes = [
    ...Object.values(PROBE_OPENINGS).map((opening) => probeWith(o.host, o.port, opening, timeoutMs)),
    probeTls(o.host, o.port, timeoutMs),
  ];
  return new Promise((resolve) => {
    const found = new Set<WireProtocol>();
    let pending = probes.length;
    for (const probe of probes) {
      void probe.then((p) => {
        if (p) found.add(p);
        pending -= 1;
        if ((p && o.decisive?.(p)) || pending === 0) resolve([...found]);
      });
    }
  });
}
