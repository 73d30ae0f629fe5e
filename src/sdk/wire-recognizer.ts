// Which protocol do these bytes speak? The first bytes a server sends (a greeting, or its answer to
// a client's first message) give most protocols away. One pure function, shared by every plugin, so
// "127.0.0.1:6379 answers like Redis, not PostgreSQL" is decided the same way everywhere.

export type WireProtocol = 'redis' | 'mysql' | 'postgresql' | 'kafka' | 'zookeeper' | 'http' | 'tls';

/** How people name each protocol, and where its server usually listens (for the fix text). */
export const WIRE_PROTOCOLS: Record<WireProtocol, { name: string; usualPort: string }> = {
  redis: { name: 'Redis', usualPort: '6379' },
  mysql: { name: 'MySQL', usualPort: '3306' },
  postgresql: { name: 'PostgreSQL', usualPort: '5432' },
  kafka: { name: 'Kafka', usualPort: '9092' },
  zookeeper: { name: 'ZooKeeper', usualPort: '2181' },
  http: { name: 'HTTP', usualPort: '80/8080' },
  tls: { name: 'TLS', usualPort: '443' },
};

const ascii = (b: Uint8Array, from = 0, to = b.length) => Buffer.from(b.subarray(from, to)).toString('latin1');
const int32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

// A TLS record header: handshake (ServerHello) or alert, record version 3.x.
function isTls(b: Uint8Array): boolean {
  return b.length >= 3 && (b[0] === 0x16 || b[0] === 0x15) && b[1] === 0x03 && b[2]! <= 0x04;
}

function isHttp(b: Uint8Array): boolean {
  return /^HTTP\/[0-9]/.test(ascii(b, 0, 8));
}

// RESP: a status/error line (+OK, -ERR, -NOAUTH ...) or a length/count/integer line, CRLF-ended.
// RESP3 types (%, _, #, ,) only come after HELLO 3, which no first message sends.
function isRedis(b: Uint8Array): boolean {
  const line = ascii(b, 0, Math.min(b.length, 512));
  // An error line cut by the first read (no CRLF yet) still reads "-ERR ...", "-NOAUTH ...".
  return /^[+-][^\r\n]*\r\n/.test(line) || /^[$*:]-?[0-9]+\r\n/.test(line) || /^-[A-Z]{3,} [\x20-\x7e]*$/.test(line);
}

// MySQL/MariaDB speak first: packet header (3-byte little-endian length, sequence 0), then the
// protocol version 10 and a NUL-terminated version string, or an error packet (0xff, e.g. "Host
// ... is not allowed to connect", "Too many connections").
function isMysql(b: Uint8Array): boolean {
  if (b.length < 6 || b[3] !== 0) return false;
  const length = b[0]! | (b[1]! << 8) | (b[2]! << 16);
  if (length < 2 || length > 1024) return false;
  if (b[4] === 0xff) return true;
  if (b[4] !== 10) return false;
  const end = b.indexOf(0, 5);
  return end > 5 && /^[0-9]+\.[0-9]+[\x20-\x7e]*$/.test(ascii(b, 5, end));
}

// PostgreSQL: the one-byte answer to SSLRequest/GSSENCRequest ('S' or 'N'), or a backend message
// with a 4-byte length: Authentication (R), ErrorResponse (E) or NoticeResponse (N) whose body
// starts with a field code (S = severity), as the server sends them in answer to a startup packet.
const PG_FIELD_CODES = 'SVCMDHPpqWstcdnFLR';
function isPostgres(b: Uint8Array): boolean {
  if (b.length === 1) return b[0] === 0x53 || b[0] === 0x4e;
  if (b.length < 5) return false;
  const type = String.fromCharCode(b[0]!);
  const length = int32(b, 1);
  if (type === 'R') return length >= 8 && length <= 2048 && b.length >= 9 && int32(b, 5) <= 12;
  if (type === 'E' || type === 'N') return length >= 5 && length <= 65536 && b.length >= 6 && PG_FIELD_CODES.includes(String.fromCharCode(b[5]!));
  return false;
}

// Kafka: a size-prefixed response (big-endian int32 below 16 MiB, so the first byte is 0) followed
// by the request's correlation id. Checked after MySQL, whose greeting can also start with 0.
function isKafka(b: Uint8Array): boolean {
  if (b.length < 8 || b[0] !== 0) return false;
  const size = int32(b, 0);
  return size >= 4 && size < 1 << 24;
}

// ZooKeeper's four-letter-word answers (srvr, stat, ruok, mntr, or the whitelist refusal).
function isZookeeper(b: Uint8Array): boolean {
  const text = ascii(b, 0, Math.min(b.length, 200));
  return /^Zookeeper version: |^imok$|^zk_version\t| is not executed because it is not in the whitelist|^This ZooKeeper instance is not currently serving requests/.test(text);
}

/** Most specific first: a MySQL greeting would otherwise pass for a Kafka frame. */
const RECOGNIZERS: ReadonlyArray<[WireProtocol, (b: Uint8Array) => boolean]> = [
  ['tls', isTls], ['http', isHttp], ['zookeeper', isZookeeper], ['redis', isRedis],
  ['mysql', isMysql], ['postgresql', isPostgres], ['kafka', isKafka],
];

/** The protocol these first bytes from a server speak, or undefined when they match none. */
export function recognizeWire(bytes: Uint8Array): WireProtocol | undefined {
  if (bytes.length === 0) return undefined;
  return RECOGNIZERS.find(([, test]) => test(bytes))?.[0];
}
