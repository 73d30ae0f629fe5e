// What the librdkafka mock lacks, in front of it: one front per broker terminates TLS, answers
// SaslHandshake/SaslAuthenticate (PLAIN) and, when given groups, ListGroups/DescribeGroups itself
// (adding those APIs to the broker's ApiVersions answer), then relays every other Kafka frame,
// rewriting broker ports in Metadata and FindCoordinator answers so clients stay behind the fronts.
// Offsets, commits and coordinators stay the mock's own.
import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const API = { Metadata: 3, FindCoordinator: 10, DescribeGroups: 15, ListGroups: 16, SaslHandshake: 17, ApiVersions: 18, SaslAuthenticate: 36 } as const;

export interface FakeGroup {
  id: string;
  state: string;
  /** client id -> assignment (topic -> partitions). */
  members: Record<string, Record<string, number[]>>;
}

export interface FrontOptions {
  tls?: { key: Buffer; cert: Buffer };
  /** SASL/PLAIN credentials the front accepts; omit for no SASL. */
  plain?: { username: string; password: string };
  /** Answer ListGroups/DescribeGroups (v0-1) with these groups. */
  groups?: FakeGroup[];
}

export interface SecureFronts {
  /** Front address of each mock broker, in the mock's order. */
  bootstrap: string[];
  close(): Promise<void>;
}

/** Reads length-prefixed Kafka frames from a stream. */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const size = buf.readInt32BE(0);
      onFrame(buf.subarray(4, 4 + size));
      buf = buf.subarray(4 + size);
    }
  };
}

const framed = (body: Buffer): Buffer => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
};

const int16 = (v: number) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };
const int32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
const str = (s: string | null) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]));

/** Rewrites broker ports in place in a Metadata (v0-v2) or FindCoordinator (v0-v2) answer body. */
function rewritePorts(api: number, version: number, body: Buffer, ports: Map<number, number>): void {
  const port = (at: number) => { const to = ports.get(body.readInt32BE(at)); if (to !== undefined) body.writeInt32BE(to, at); };
  let at = 4; // correlation id
  if (api === API.Metadata) {
    const n = body.readInt32BE(at); at += 4;
    for (let i = 0; i < n; i++) {
      at += 4; // node id
      at += 2 + body.readInt16BE(at); // host
      port(at); at += 4;
      if (version >= 1) { const l = body.readInt16BE(at); at += 2 + Math.max(0, l); } // rack
    }
  } else if (api === API.FindCoordinator) {
    if (version >= 1) at += 4; // throttle
    at += 2; // error
    if (version >= 1) { const l = body.readInt16BE(at); at += 2 + Math.max(0, l); } // error message
    at += 4; // node id
    at += 2 + body.readInt16BE(at); // host
    port(at);
  }
}

/** Adds APIs (versions 0-1) to an ApiVersions (v0-v2) answer body. */
function withApis(body: Buffer, apis: number[]): Buffer {
  const head = body.subarray(0, 6); // correlation id + error code
  const n = body.readInt32BE(6);
  const entries = body.subarray(10, 10 + n * 6);
  const rest = body.subarray(10 + n * 6); // throttle time (v1+)
  const added = apis.map((api) => Buffer.concat([int16(api), int16(0), int16(1)]));
  return Buffer.concat([head, int32(n + apis.length), entries, ...added, rest]);
}

const bytes = (b: Buffer) => Buffer.concat([int32(b.length), b]);
const array = (items: Buffer[]) => Buffer.concat([int32(items.length), ...items]);

/** Consumer-protocol assignment bytes (version 0, topics, no user data). */
function assignmentBytes(assignment: Record<string, number[]>): Buffer {
  const topics = Object.entries(assignment).map(([t, ps]) => Buffer.concat([str(t), array(ps.map(int32))]));
  return Buffer.concat([int16(0), array(topics), int32(0)]);
}

function groupsAnswer(api: number, version: number, correlationId: number, payload: Buffer, groups: FakeGroup[]): Buffer {
  const throttle = version >= 1 ? [int32(0)] : [];
  if (api === API.ListGroups) {
    return Buffer.concat([int32(correlationId), ...throttle, int16(0), array(groups.map((g) => Buffer.concat([str(g.id), str('consumer')])))]);
  }
  const wanted: string[] = [];
  let at = 4;
  for (let i = 0; i < payload.readInt32BE(0); i++) { const l = payload.readInt16BE(at); wanted.push(payload.toString('utf8', at + 2, at + 2 + l)); at += 2 + l; }
  return Buffer.concat([int32(correlationId), ...throttle, array(wanted.map((id) => {
    const g = groups.find((x) => x.id === id);
    const members = Object.entries(g?.members ?? {}).map(([client, assignment], i) =>
      Buffer.concat([str(`${client}-${i}`), str(client), str('/127.0.0.1'), bytes(Buffer.alloc(0)), bytes(assignmentBytes(assignment))]));
    return Buffer.concat([int16(0), str(id), str(g?.state ?? 'Dead'), str('consumer'), str(members.length ? 'range' : ''), array(members)]);
  }))]);
}

function relay(client: Socket, upstreamPort: number, ports: Map<number, number>, o: FrontOptions): void {
  const upstream = tcpConnect(upstreamPort, '127.0.0.1');
  const pending = new Map<number, { api: number; version: number }>();
  let authenticated = o.plain === undefined;
  const fail = () => { client.destroy(); upstream.destroy(); };
  client.on('error', fail);
  upstream.on('error', fail);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());

  client.on('data', frames((frame) => {
    const api = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const clientIdLength = frame.readInt16BE(8);
    const payload = frame.subarray(10 + Math.max(0, clientIdLength));
    if (api === API.SaslHandshake) {
      const mechanism = payload.toString('utf8', 2, 2 + payload.readInt16BE(0));
      const error = mechanism === 'PLAIN' ? 0 : 33; // UNSUPPORTED_SASL_MECHANISM
      client.write(framed(Buffer.concat([int32(correlationId), int16(error), int32(1), str('PLAIN')])));
      return;
    }
    if (api === API.SaslAuthenticate) {
      const auth = payload.subarray(4, 4 + payload.readInt32BE(0)).toString('utf8').split('\u0000');
      const ok = o.plain !== undefined && auth[1] === o.plain.username && auth[2] === o.plain.password;
      authenticated = ok;
      const body = [int32(correlationId), int16(ok ? 0 : 58), str(ok ? null : 'Authentication failed: Invalid username or password'), int32(0)];
      if (version >= 1) body.push(Buffer.alloc(8)); // session lifetime
      client.write(framed(Buffer.concat(body)));
      if (!ok) setTimeout(fail, 50);
      return;
    }
    if (!authenticated && api !== API.ApiVersions) return fail(); // as a SASL listener does
    if (o.groups && (api === API.ListGroups || api === API.DescribeGroups)) {
      client.write(framed(groupsAnswer(api, version, correlationId, payload, o.groups)));
      return;
    }
    pending.set(correlationId, { api, version });
    upstream.write(framed(frame));
  }));

  upstream.on('data', frames((frame) => {
    const req = pending.get(frame.readInt32BE(0));
    pending.delete(frame.readInt32BE(0));
    let body: Buffer = Buffer.from(frame);
    if (req?.api === API.ApiVersions) {
      body = withApis(body, [...(o.plain ? [API.SaslHandshake, API.SaslAuthenticate] : []), ...(o.groups ? [API.ListGroups, API.DescribeGroups] : [])]);
    }
    if (req && (req.api === API.Metadata || req.api === API.FindCoordinator)) rewritePorts(req.api, req.version, body, ports);
    client.write(framed(body));
  }));
}

/** One front per mock broker address (127.0.0.1:port). */
export async function startSecureFronts(mockBootstrap: readonly string[], o: FrontOptions): Promise<SecureFronts> {
  const upstreamPorts = mockBootstrap.map((a) => Number(a.split(':')[1]));
  const ports = new Map<number, number>();
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (const upstreamPort of upstreamPorts) {
    const onClient = (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      relay(socket, upstreamPort, ports, o);
    };
    const server = o.tls ? createTlsServer({ key: o.tls.key, cert: o.tls.cert }, onClient) : createTcpServer(onClient);
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('front did not bind');
    ports.set(upstreamPort, address.port);
    servers.push(server);
  }
  return {
    bootstrap: upstreamPorts.map((p) => `127.0.0.1:${ports.get(p)}`),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
