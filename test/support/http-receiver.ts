// A real HTTP receiver for the notifier tests: listens on a free loopback port, records every
// request (method, path, headers, raw body, parsed JSON) and answers with the status the test
// chooses per request (e.g. 500 then 200), optionally with headers (Retry-After). With `tls` (a
// key and certificate) it is an HTTPS receiver.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  json: unknown;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Decides each answer (default 200); `n` counts requests from 0. */
  answer: (req: ReceivedRequest, n: number) => Answer;
  close(): Promise<void>;
}

export async function startHttpReceiver(answer: (req: ReceivedRequest, n: number) => Answer = () => ({ status: 200 }), options: { tls?: { key: Buffer; cert: Buffer } } = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { requests, answer } as HttpReceiver;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try { json = raw ? JSON.parse(raw) : undefined; } catch { json = undefined; }
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json, at: Date.now() };
      const a = receiver.answer(r, requests.length);
      requests.push(r);
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body ?? (a.status < 300 ? 'ok' : 'error'));
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  receiver.port = port;
  receiver.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  receiver.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return receiver;
}
