// The shared recogniser on bytes recorded from the real servers of the test environment (Redis
// 7.0.15, MariaDB 10.11.19, PostgreSQL 15, the Kafka mock, ZooKeeper 3.8.0) and node's own HTTP and
// TLS servers, each the first read of the answer to what a client sends first. Recorded with a raw
// socket: see the comment on each sample for what was sent.
import { describe, expect, it } from 'vitest';
import { recognizeWire, type WireProtocol } from '../../../src/sdk/index.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const text = (t: string) => Buffer.from(t, 'latin1');

const SAMPLES: Array<[string, Buffer, WireProtocol]> = [
  // MariaDB greets on connect: length 0x68, sequence 0, protocol 10, "5.5.5-10.11.19-MariaDB-..."
  ['MariaDB greeting', hex('680000000a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f670051000000722e'), 'mysql'],
  // An error packet instead of the greeting (1040 Too many connections), built from the protocol docs.
  ['MySQL error packet before the handshake', Buffer.concat([hex('17000000ff1004'), text('Too many connections')]), 'mysql'],
  // PostgreSQL: SSLRequest -> 'N' (ssl = off); a StartupMessage -> AuthenticationSASL; ApiVersions bytes -> ErrorResponse.
  ['PostgreSQL refusing SSLRequest', hex('4e'), 'postgresql'],
  ['PostgreSQL accepting SSLRequest', hex('53'), 'postgresql'],
  ['PostgreSQL AuthenticationSASL', hex('52000000170000000a534352414d2d5348412d3235360000'), 'postgresql'],
  ['PostgreSQL ErrorResponse (unsupported frontend protocol)', hex('450000008453464154414c0056464154414c00433041303030004d756e737570706f727465642066726f6e74656e6420'), 'postgresql'],
  // Redis: PING without AUTH; AUTH without arguments; a reply cut by the first read.
  ['Redis -NOAUTH', hex('2d4e4f415554482041757468656e7469636174696f6e2072657175697265642e0d0a'), 'redis'],
  ['Redis -ERR', text("-ERR wrong number of arguments for 'auth' command\r\n"), 'redis'],
  ['Redis -ERR cut short', text('-ERR wrong number of arguments for'), 'redis'],
  ['Redis +PONG', text('+PONG\r\n'), 'redis'],
  ['Redis bulk reply', text('$5\r\nhello\r\n'), 'redis'],
  ['Redis array reply', text('*2\r\n$1\r\na\r\n'), 'redis'],
  // Kafka mock answering ApiVersions v0 (size 0x70, correlation id 1, error 0, api keys ...).
  ['Kafka ApiVersions response', hex('000000700000000100000000001100000000000700010000000b00020000000500030000000200080000000700090000'), 'kafka'],
  // ZooKeeper four-letter words: srvr (whitelisted) and ruok.
  ['ZooKeeper srvr', hex('5a6f6f6b65657065722076657273696f6e3a20332e382e302d247b6d766e6769742e636f6d6d69742e69647d2c206275'), 'zookeeper'],
  ['ZooKeeper ruok', text('imok'), 'zookeeper'],
  ['ZooKeeper whitelist refusal', text('stat is not executed because it is not in the whitelist.\n'), 'zookeeper'],
  // node:http answering "PING\r\n" with 400.
  ['HTTP 400', hex('485454502f312e31203430302042616420526571756573740d0a436f6e6e656374696f6e3a20636c6f73650d0a0d0a'), 'http'],
  // node:tls answering a TLS 1.2 ClientHello (ServerHello), and a TLS 1.3-only server refusing it (alert 70).
  ['TLS ServerHello', hex('16030300410200003d03031b3d48f8be2e1321860be277f86d720a700a793ff329925b444f574e4752440100c02f0000'), 'tls'],
  ['TLS protocol_version alert', hex('15030300020246'), 'tls'],
];

describe('recognizeWire on recorded first answers', () => {
  it.each(SAMPLES)('%s -> %s', (_name, bytes, protocol) => {
    expect(recognizeWire(bytes)).toBe(protocol);
  });

  it('names nothing it does not know', () => {
    for (const bytes of [Buffer.alloc(0), text('X'), text('hello world'), hex('deadbeefcafebabe'), text('SSH-2.0-OpenSSH_9.2p1\r\n'), hex('ffffffff00000000')]) {
      expect(recognizeWire(bytes)).toBeUndefined();
    }
  });

  it('a MySQL greeting whose first length byte is 0 is not taken for a Kafka frame', () => {
    const greeting = hex('680000000a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f670051000000722e');
    greeting[0] = 0; greeting[1] = 1; // length 256
    expect(recognizeWire(greeting)).toBe('mysql');
  });
});

describe('first-answer watch: the silence that means "ask who it is" scales with the link', () => {
  it('is three TCP connects, never less than the floor', async () => {
    const { stallAfter } = await import('../../../src/sdk/first-answer-watch.js');
    expect(stallAfter(300, 0)).toBe(300);
    expect(stallAfter(300, 100)).toBe(300);
    expect(stallAfter(300, 150)).toBe(450);
    expect(stallAfter(300, 300)).toBe(900); // a 150 ms each-way link: a healthy answer comes at ~300 ms
  });
});
