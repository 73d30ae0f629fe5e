// GET /api/v1/events: the watch loop's events as Server-Sent Events, each `data:` one event exactly
// as `ksa schema events` describes it (`id:` its seq, `event:` its kind). A live subscriber of the
// bus (not durable: a client that reconnects gets the events from then on; the audit log and
// /api/v1/history have the past). Bounded: at most 32 streams; a client that does not read (over
// 1 MiB unsent) is disconnected rather than buffered without end; a comment every 15 s keeps
// proxies from closing an idle stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactSecrets } from '../core/redact.js';
import { WATCH_EVENT_KINDS, type WatchEventKind } from '../watch/events.js';
import { problem, type Reply } from './route-table.js';
import type { ServeContext } from './serve-context.js';

export const MAX_STREAMS = 32;
const MAX_UNSENT_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

let streams = 0;
let serial = 0;

export function eventStream(ctx: ServeContext, kindsParam: string | null): Reply {
  const kinds = kindsParam ? kindsParam.split(',').map((k) => k.trim()).filter(Boolean) : [];
  const unknown = kinds.filter((k) => !(WATCH_EVENT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) return problem(400, 'bad_request', `unknown event kind ${JSON.stringify(unknown[0])}: use some of ${WATCH_EVENT_KINDS.join(', ')}`);
  if (streams >= MAX_STREAMS) return problem(503, 'too_many_streams', `${MAX_STREAMS} event streams are open already; close one or retry later`);
  return {
    stream(res: ServerResponse, req: IncomingMessage) {
      streams++;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 2000\n\n');
      const unsubscribe = ctx.loop.sink.subscribe(`sse-${process.pid}-${++serial}`, async (event) => {
        if (res.writableLength > MAX_UNSENT_BYTES) {
          ctx.logger.warn('serve: an event stream client does not read; disconnected');
          res.destroy();
          return;
        }
        res.write(`id: ${event.seq}\nevent: ${event.kind}\ndata: ${redactSecrets(JSON.stringify(event), ctx.secrets())}\n\n`);
      }, kinds.length > 0 ? { kinds: kinds as WatchEventKind[] } : {});
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        streams--;
        clearInterval(heartbeat);
        unsubscribe();
      };
      req.once('close', close);
      res.once('close', close);
    },
  };
}
