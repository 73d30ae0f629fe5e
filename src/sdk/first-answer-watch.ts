// Watches a driver's socket for the server's first answer, so a plugin pointed at the wrong port
// fails at once with "<host:port> answers like <protocol>, not <expected>" instead of a driver's
// parse error or a timeout. Passive while the server answers: the first bytes go through the shared
// recogniser. Only when the server stays silent after the client's first message (or closes without
// a word) is the port asked who it is (peer-identity.ts): many servers ignore other protocols'
// openings, and a TLS port ignores plaintext.
import type { Duplex } from 'node:stream';
import { ksaError, type KsaError } from '../core/errors.js';
import { identifyPeer } from './peer-identity.js';
import { recognizeWire, WIRE_PROTOCOLS, type WireProtocol } from './wire-recognizer.js';

export interface FirstAnswerOptions {
  host: string;
  port: number;
  /** The protocol the plugin speaks. */
  expected: WireProtocol;
  /** The client wraps the connection in TLS from its first byte (rediss://, --tls). */
  tls: boolean;
  /** Fix for a plaintext client at a TLS port, e.g. 'use <scheme>s:// or --tls'. */
  tlsFix: string;
  /** Fix for a TLS client at a plaintext port, e.g. 'use <scheme>:// or drop --tls'. */
  plaintextFix: string;
  /** The client's first message leaves on connect (or the server greets, or TLS starts); false: call speaking(). */
  speaksOnConnect?: boolean;
  /** Silence after the first message before the port is asked who it is; a healthy server answers in ms. */
  stallMs?: number;
  /** The call's signal: once aborted nothing more is asked and verdict() no longer waits. */
  signal?: AbortSignal;
}

export interface FirstAnswerWatch {
  /** Taps a driver socket; call before it connects (or right at its 'connect'). */
  attach(socket: Duplex): void;
  /** The plugin sent its first message now (for clients that do not speak on connect). */
  speaking(): void;
  /** Rejects with the coded error as soon as the peer has shown another protocol; never resolves. */
  readonly mismatch: Promise<never>;
  /**
   * The first answer came and was the expected protocol: `mismatch` can no longer settle. A kept
   * connection stops racing against it then: every race leaves a reaction (holding that call's
   * result) on the never-settling promise, which leaked each cycle's replies in `ksa watch`.
   */
  readonly confirmed: boolean;
  /** After the driver failed: the mismatch, once any identification in flight has finished. */
  verdict(): Promise<KsaError | undefined>;
  stop(): void;
}

const nameOf = (p: WireProtocol) => WIRE_PROTOCOLS[p].name;

function displayOf(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The KSA_ERR_WRONG_SERVICE error naming both protocols. */
export function wrongServiceError(endpoint: string, found: WireProtocol, expected: WireProtocol): KsaError {
  const e = WIRE_PROTOCOLS[expected]; const f = WIRE_PROTOCOLS[found];
  return ksaError('KSA_ERR_WRONG_SERVICE', `${endpoint} answers like ${f.name}, not ${e.name}`, {
    fix: `check the port: ${e.name} usually listens on ${e.usualPort}, ${f.name} on ${f.usualPort}`,
  });
}

/**
 * How long a silence means "ask who it is": a healthy server answers about one round trip after the
 * client's first message, and the TCP connect took one round trip, so the wait is three connects
 * (at least `stallMs`). A fixed 300 ms would probe every healthy server behind a 150 ms link.
 */
export function stallAfter(stallMs: number, connectMs: number): number {
  return Math.max(stallMs, 3 * connectMs);
}

export function watchFirstAnswer(o: FirstAnswerOptions): FirstAnswerWatch {
  const endpoint = displayOf(o.host, o.port);
  const stallMs = o.stallMs ?? 300;
  let connectMs = 0;
  let decided: KsaError | undefined;
  let identifying: Promise<void> | undefined;
  let answered = false;
  let connected = false;
  let spoke = o.speaksOnConnect !== false;
  let timer: NodeJS.Timeout | undefined;
  const detach: Array<() => void> = [];
  let rejectMismatch: (e: KsaError) => void = () => undefined;
  const mismatch = new Promise<never>((_, reject) => { rejectMismatch = reject; });
  mismatch.catch(() => undefined); // a plugin that never races it must not see an unhandled rejection

  /** What seeing `found` on this port means for this client, or undefined when it is no mismatch. */
  const errorFor = (found: WireProtocol): KsaError | undefined => {
    if (o.tls) {
      if (found === 'tls') return undefined;
      if (found === o.expected) return ksaError('KSA_ERR_TLS', `${endpoint} answers in plaintext ${nameOf(found)}, not TLS`, { fix: o.plaintextFix });
      return wrongServiceError(endpoint, found, o.expected);
    }
    if (found === o.expected) return undefined;
    if (found === 'tls') return ksaError('KSA_ERR_TLS', `${endpoint} answers with TLS, not plaintext ${nameOf(o.expected)}`, { fix: o.tlsFix });
    return wrongServiceError(endpoint, found, o.expected);
  };
  const sockets: Duplex[] = [];
  const conclude = (error: KsaError | undefined) => {
    if (!error || decided) return;
    decided = error;
    // Nothing more to say to another service: destroyed with the error, so the driver's pending
    // requests fail now instead of at their timeouts (every driver listens for its socket's 'error').
    for (const s of sockets) s.destroy(error);
    rejectMismatch(error);
  };
  const identify = () => {
    clearTimeout(timer);
    if (o.signal?.aborted) return;
    identifying ??= identifyPeer({ host: o.host, port: o.port, decisive: (p) => errorFor(p) !== undefined })
      .then((found) => { for (const p of found) conclude(errorFor(p)); });
  };
  const startStall = () => {
    if (answered || timer || identifying) return;
    // The timer phase runs before I/O: on a busy process an answer that arrived with the timer is
    // still unread. setImmediate runs after the I/O poll, so such an answer counts before we ask.
    timer = setTimeout(() => setImmediate(() => { if (!answered) identify(); }), stallAfter(stallMs, connectMs));
    timer.unref();
  };
  const onAnswer = () => { answered = true; clearTimeout(timer); };

  return {
    mismatch,
    get confirmed() { return answered && decided === undefined; },
    attach(socket) {
      const s = socket as Duplex & { connecting?: boolean };
      const attachedAt = performance.now();
      const onConnect = () => {
        // Attached before connecting: this is the TCP connect, about one round trip (0 when attached after).
        connectMs = Math.max(connectMs, performance.now() - attachedAt);
        connected = true;
        if (spoke) startStall();
      };
      // Before the driver's own listener, so the verdict exists when the driver trips over the bytes.
      const onData = (chunk: Buffer) => {
        if (answered) return;
        onAnswer();
        conclude(errorFor(recognizeWire(chunk) ?? o.expected));
      };
      // 'end' (the peer's FIN) and 'error' (a reset) come before the driver gives up; 'close' after.
      const onClose = () => { if (connected && !answered && !decided) identify(); };
      // Under TLS the socket's data is decrypted: a completed handshake is the answer.
      if (o.tls) s.once('secureConnect', onAnswer);
      else s.prependListener('data', onData);
      s.once('end', onClose);
      s.once('error', onClose); // a reset: drivers give up on 'error', before 'close'
      s.once('close', onClose);
      s.on('error', () => undefined); // the driver reports socket errors; this one must never be unhandled
      sockets.push(s);
      if (s.connecting === false) onConnect(); else s.once('connect', onConnect);
      detach.push(() => {
        s.off('data', onData); s.off('end', onClose); s.off('error', onClose); s.off('close', onClose); s.off('connect', onConnect); s.off('secureConnect', onAnswer);
      });
    },
    speaking() {
      spoke = true;
      if (connected) startStall();
    },
    async verdict() {
      const signal = o.signal;
      if (identifying && !signal?.aborted) {
        await Promise.race([identifying, new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }))]);
      }
      return decided;
    },
    stop() {
      clearTimeout(timer);
      for (const d of detach.splice(0)) d();
    },
  };
}
