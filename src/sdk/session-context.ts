// The context a session's connection lives with. Plugins capture the context they connected with
// (SQL drivers read ctx.deadline and ctx.signal at every statement; others close their sockets
// when ctx.signal aborts), so a kept connection must see the CURRENT call's deadline and abort,
// not those of the call that opened it: connect once, collect many.
import type { PluginContext } from '../core/types.js';

export interface SessionContext {
  /** Handed to connect: deadline and logger follow the call in progress; signal is the session's. */
  readonly ctx: PluginContext;
  /** Runs `work` as the current call: its deadline shows through, its abort ends the session. */
  during<T>(call: PluginContext, work: () => Promise<T>): Promise<T>;
}

export function createSessionContext(opening: PluginContext): SessionContext {
  let current = opening;
  // Aborted once, for good: a call cut off at its deadline leaves the connection in an unknown
  // state (a half-read reply), so the session is over and its owner opens a new one.
  const controller = new AbortController();
  const ctx: PluginContext = {
    get pluginId() { return current.pluginId; },
    signal: controller.signal,
    get logger() { return current.logger; },
    get config() { return current.config; },
    get deadline() { return current.deadline; },
    get operations() { return current.operations; },
    get allowWrite() { return current.allowWrite; },
    ...(opening.defaultPort !== undefined ? { defaultPort: opening.defaultPort } : {}),
  };
  const during = async <T>(call: PluginContext, work: () => Promise<T>): Promise<T> => {
    current = call;
    const onAbort = () => controller.abort(call.signal.reason);
    if (call.signal.aborted) onAbort();
    else call.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await work();
    } finally {
      call.signal.removeEventListener('abort', onAbort);
    }
  };
  return { ctx, during };
}
