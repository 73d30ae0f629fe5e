// Main-side handle of an isolation host. Every call has a deadline: when it passes, the call
// resolves as KSA_ERR_TIMEOUT; if the host then does not answer a ping, it is blocked (for
// example a synchronous infinite loop) and is terminated.
import { ksaError, type KsaError } from '../errors.js';
import type { ErrorInfo, LogLevel } from '../types.js';
import type { FromHost, HostMethod, ToHost } from './protocol.js';

export interface HostTransport {
  send(message: ToHost): void;
  onMessage(listener: (message: FromHost) => void): void;
  /** Called once when the host is gone, with why. */
  onExit(listener: (why: ErrorInfo) => void): void;
  terminate(): Promise<void>;
}

export interface CallOutcome<T> {
  ok: boolean;
  value?: T;
  error?: ErrorInfo;
  stack?: string;
}

interface Pending {
  resolve(outcome: CallOutcome<unknown>): void;
  timer: NodeJS.Timeout;
}

// Long enough that a busy but healthy host (GC, JIT, a loaded 2-core machine) is not mistaken
// for a blocked one and killed with the other targets it is serving; the timed-out call itself
// has already been answered at its deadline.
const PING_GRACE_MS = 150;
/**
 * While a shared host serves two or more calls it is pinged every HEARTBEAT_MS; unanswered for
 * STALL_MS it is blocked (one call's synchronous loop) and is terminated at once, so the other
 * calls can be run again elsewhere (manager) instead of all waiting for the deadline. With a
 * single call in flight nothing is gained, so a long synchronous stretch is left alone.
 */
const HEARTBEAT_MS = 500;
const STALL_MS = 2000;

export class RemoteHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<number, () => void>();
  private readonly settledWaiters: Array<() => void> = [];
  private dead: ErrorInfo | undefined;
  private terminating = false;
  private heartbeat: { id: number; sentAt: number } | undefined;
  private lastBeatAt = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly deathListeners: Array<(why: ErrorInfo) => void> = [];

  constructor(
    private readonly transport: HostTransport,
    private readonly log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void,
  ) {
    transport.onMessage((m) => this.receive(m));
    transport.onExit((why) => this.failAll(why));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Whether the host was ended by terminate() (a shutdown, not a failure worth a retry). */
  get terminatedByOwner(): boolean {
    return this.terminating;
  }

  /** Why the host died, once it has. */
  get deathReason(): ErrorInfo | undefined {
    return this.dead;
  }

  /** Called once when the host dies, for whatever reason (crash, exit, blocked, terminated). */
  onDeath(listener: (why: ErrorInfo) => void): void {
    if (this.dead) listener(this.dead);
    else this.deathListeners.push(listener);
  }

  /**
   * Resolves once every outstanding responsiveness ping has been answered or the host has died:
   * after a timeout, the caller learns whether the host is still usable before handing it the
   * next call (which would otherwise be charged for the previous call's blocked host).
   */
  settled(): Promise<void> {
    if (this.dead || this.pings.size === 0) return Promise.resolve();
    return new Promise((resolve) => { this.settledWaiters.push(resolve); });
  }

  private wakeIfSettled(): void {
    if (this.dead || this.pings.size === 0) for (const wake of this.settledWaiters.splice(0)) wake();
  }

  call<T>(method: HostMethod, payload: unknown, deadline: number): Promise<CallOutcome<T>> {
    if (this.dead) return Promise.resolve({ ok: false, error: this.dead });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.expire(id, method), Math.max(0, deadline - Date.now()));
      this.pending.set(id, { resolve: resolve as Pending['resolve'], timer });
      this.transport.send({ type: 'call', id, method, payload, deadline });
      if (this.pending.size >= 2 && !this.heartbeatTimer) {
        this.heartbeatTimer = setInterval(() => this.beat(), HEARTBEAT_MS);
        this.heartbeatTimer.unref();
      }
    });
  }

  async terminate(): Promise<void> {
    if (!this.dead) this.terminating = true;
    this.failAll(ksaError('KSA_ERR_INTERNAL', 'host terminated').toInfo());
    await this.transport.terminate();
  }

  private receive(message: FromHost): void {
    if (message.type === 'log') return this.log(message.level, message.message, message.fields);
    if (message.type === 'pong') {
      if (message.id === this.heartbeat?.id) this.heartbeat = undefined;
      return this.pings.get(message.id)?.();
    }
    if (message.type === 'fatal') return this.failAll(message.error, message.stack);
    const pending = this.pending.get(message.id);
    if (!pending) return; // already timed out
    this.settle(message.id, message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error, ...(message.stack ? { stack: message.stack } : {}) });
  }

  private expire(id: number, method: HostMethod): void {
    this.settle(id, { ok: false, error: timeoutError(method).toInfo() });
    this.transport.send({ type: 'abort', id });
    this.checkResponsive();
  }

  private beat(): void {
    if (this.dead || this.pending.size < 2) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
      this.heartbeat = undefined;
      this.lastBeatAt = 0;
      return;
    }
    const now = Date.now();
    const mainThreadLagged = this.lastBeatAt !== 0 && now - this.lastBeatAt > 2 * HEARTBEAT_MS;
    this.lastBeatAt = now;
    // If this thread itself was held up, a pong may be waiting in its queue: restart the clock
    // rather than blame the host.
    if (this.heartbeat && mainThreadLagged) this.heartbeat.sentAt = now;
    if (this.heartbeat) {
      const silentMs = now - this.heartbeat.sentAt;
      if (silentMs < STALL_MS) return;
      this.failAll(ksaError('KSA_ERR_TIMEOUT', `plugin blocked its host for ${silentMs} ms (synchronous code); host terminated`).toInfo());
      void this.transport.terminate();
      return;
    }
    this.heartbeat = { id: this.nextId++, sentAt: Date.now() };
    this.transport.send({ type: 'ping', id: this.heartbeat.id });
  }

  /** A host that cannot answer a ping within the grace period is stuck in synchronous code. */
  private checkResponsive(): void {
    if (this.dead) return;
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.pings.delete(id);
      this.failAll(ksaError('KSA_ERR_TIMEOUT', 'plugin blocked its host past the deadline (synchronous code); host terminated').toInfo());
      void this.transport.terminate();
    }, PING_GRACE_MS);
    this.pings.set(id, () => {
      clearTimeout(timer);
      this.pings.delete(id);
      this.wakeIfSettled();
    });
    this.transport.send({ type: 'ping', id });
  }

  private settle(id: number, outcome: CallOutcome<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(outcome);
  }

  private failAll(error: ErrorInfo, stack?: string): void {
    if (!this.dead) {
      this.dead = error;
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
      for (const listener of this.deathListeners.splice(0)) listener(error);
      this.wakeIfSettled();
    }
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error, ...(stack ? { stack } : {}) });
  }
}

function timeoutError(method: HostMethod): KsaError {
  return ksaError('KSA_ERR_TIMEOUT', `plugin ${method} did not finish before the deadline`);
}
