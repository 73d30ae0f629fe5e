// ioredis's Connector option: the standalone connector's job (a TCP or TLS socket to host:port or a
// Unix path) done here so the plugin receives the socket before it connects and can watch the
// server's first answer (wrong service, TLS mismatch). Public ioredis API: AbstractConnector.
import { AbstractConnector, type RedisOptions } from 'ioredis';
import { createConnection } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';

type Stream = ReturnType<typeof createConnection>;

/** A Connector class for RedisOptions.Connector that hands each new socket to `onSocket`. */
export function watchedConnector(onSocket: (socket: Duplex) => void): NonNullable<RedisOptions['Connector']> {
  return class WatchedConnector extends AbstractConnector {
    private readonly options: RedisOptions;

    constructor(options: RedisOptions) {
      super(options.disconnectTimeout ?? 2000);
      this.options = options;
    }

    connect(): Promise<Stream> {
      const o = this.options;
      this.connecting = true;
      // ioredis expects the socket a tick later (as its StandaloneConnector does), still unconnected.
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) { reject(new Error('Connection is closed.')); return; }
          try {
            const where = o.path ? { path: o.path } : { host: o.host ?? 'localhost', port: o.port ?? 6379 };
            this.stream = (o.tls ? tlsConnect({ ...where, ...o.tls }) : createConnection(where)) as Stream;
          } catch (error) {
            reject(error);
            return;
          }
          this.stream.once('error', (error: Error) => { this.firstError = error; });
          onSocket(this.stream);
          resolve(this.stream as Stream);
        });
      });
    }
  } as unknown as NonNullable<RedisOptions['Connector']>;
}
