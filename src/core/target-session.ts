// A kept session for one target (ksa watch): connect once, diagnose every cycle on the same
// connection in the plugin's warm host; after a failure, reconnect with exponential backoff and
// jitter. Errors the registry marks retryable are tried again while the cycle's deadline leaves
// room; a password read from a file is read again every cycle and a change reconnects with it
// (a rotated Kubernetes Secret is picked up without a restart).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { ksaError, toErrorInfo } from './errors.js';
import type { CallOutcome } from './isolation/remote-host.js';
import type { DiagnoseReply } from './isolation/protocol.js';
import type { DiagnoseRequest } from './manager.js';
import type { DiagnosticResult, ErrorInfo, MiddlewareTarget, Snapshot } from './types.js';

/** The host a session was opened in; the manager says whether it is still the one to use. */
export interface HostLease {
  readonly dedicated: boolean;
}

/** What a session needs from the manager (implemented there: hosts, lifecycle, result checks). */
export interface SessionPort {
  open(pluginId: string, target: MiddlewareTarget, session: string, deadline: number): Promise<{ ok: true; lease: HostLease } | { ok: false; error: ErrorInfo }>;
  diagnose(lease: HostLease, pluginId: string, session: string, req: DiagnoseRequest, deadline: number): Promise<CallOutcome<DiagnoseReply>>;
  close(lease: HostLease, pluginId: string, session: string): Promise<void>;
  /** Still alive and still the plugin's host (a shared host may have been replaced). */
  current(lease: HostLease, pluginId: string): boolean;
  /** The checked result (or the unknown result for `error`), as the one-shot diagnose gives it. */
  shape(req: DiagnoseRequest, outcome: CallOutcome<DiagnoseReply>, startedAt: number): { result: DiagnosticResult; snapshot?: Snapshot };
}

export interface SessionOptions {
  reconnect?: BackoffPolicy;
  /** Reads the password where the config says it lives (a file, a variable), every cycle. */
  readPassword?: () => string | undefined;
  withSnapshot?: boolean;
  random?: () => number;
}

export interface SessionCycle {
  result: DiagnosticResult;
  snapshot?: Snapshot;
  /** Diagnosis attempts in this cycle (1 unless a retryable error was tried again). */
  attempts: number;
  /** Connections opened in this cycle (0 on a warm cycle). */
  connects: number;
}

/** Below this much time left, another attempt could only time out. */
const MIN_ATTEMPT_MS = 100;

export class TargetSession {
  private readonly id = randomUUID();
  private lease: HostLease | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastError: ErrorInfo | undefined;
  private closed = false;

  constructor(private request: DiagnoseRequest, private readonly port: SessionPort, private readonly options: SessionOptions = {}) {}

  get target(): MiddlewareTarget {
    return this.request.target;
  }

  /** Consecutive failed cycles (0 once one succeeds). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** One cycle under the request's deadline: never throws, an undiagnosable target is an unknown result. */
  async diagnose(): Promise<SessionCycle> {
    const startedAt = Date.now();
    const deadline = startedAt + this.request.opts.timeoutMs;
    let attempts = 0;
    let connects = 0;
    if (this.closed) return this.give({ ok: false, error: ksaError('KSA_ERR_INTERNAL', `session of ${this.target.name} is closed`).toInfo() }, startedAt, attempts, connects);
    await this.refreshPassword();
    for (;;) {
      const wait = this.nextAttemptAt - Date.now();
      if (wait > 0) {
        if (Date.now() + wait + MIN_ATTEMPT_MS > deadline) return this.give(this.waiting(wait), startedAt, attempts, connects);
        await sleep(wait);
      }
      attempts++;
      if (this.lease && !this.port.current(this.lease, this.request.pluginId)) this.lease = undefined; // its host was replaced
      if (!this.lease) {
        const opened = await this.port.open(this.request.pluginId, this.target, this.id, deadline);
        connects++;
        if (opened.ok) this.lease = opened.lease;
        else if (await this.retryAfter(opened.error, deadline)) continue;
        else return this.give({ ok: false, error: opened.error }, startedAt, attempts, connects);
      }
      const outcome = await this.port.diagnose(this.lease!, this.request.pluginId, this.id, { ...this.request, withSnapshot: this.options.withSnapshot === true }, deadline);
      if (outcome.ok) {
        this.failures = 0;
        this.nextAttemptAt = 0;
        return this.give(outcome, startedAt, attempts, connects);
      }
      // The host closed the session on the failure; a dead host took it with it.
      this.lease = undefined;
      const error = outcome.error ?? toErrorInfo(undefined);
      if (!(await this.retryAfter(error, deadline))) return this.give(outcome, startedAt, attempts, connects);
    }
  }

  /** A new request for the same target name (config reload): the next cycle reconnects with it. */
  async update(request: DiagnoseRequest): Promise<void> {
    const reconnect = JSON.stringify(request.target) !== JSON.stringify(this.request.target) || request.pluginId !== this.request.pluginId;
    this.request = request;
    if (reconnect) await this.drop();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  /** Records a failure; true when another attempt fits in this cycle (the error is retryable). */
  private async retryAfter(error: ErrorInfo, deadline: number): Promise<boolean> {
    this.failures++;
    this.lastError = error;
    this.nextAttemptAt = Date.now() + backoffDelay(this.failures, this.options.reconnect ?? DEFAULT_BACKOFF, this.options.random);
    // A refused login may be a rotated secret whose file changed since the cycle began.
    if (error.code === 'KSA_ERR_AUTH' && (await this.refreshPassword())) {
      this.nextAttemptAt = Date.now();
      return deadline - Date.now() > MIN_ATTEMPT_MS;
    }
    return error.retryable && this.nextAttemptAt + MIN_ATTEMPT_MS <= deadline;
  }

  /** True when the password changed (the session is then dropped, so the next open uses it). */
  private async refreshPassword(): Promise<boolean> {
    if (!this.options.readPassword) return false;
    let password: string | undefined;
    try {
      password = this.options.readPassword();
    } catch {
      return false; // a file mid-rewrite: keep the one in use; the next cycle reads it again
    }
    if (password === this.target.auth.password) return false;
    const { password: _old, ...auth } = this.target.auth;
    this.request = { ...this.request, target: { ...this.target, auth: password === undefined ? auth : { ...auth, password } } };
    await this.drop();
    return true;
  }

  private waiting(waitMs: number): CallOutcome<DiagnoseReply> {
    const last = this.lastError;
    const message = `${last ? last.message : 'the last attempt failed'} (reconnecting in ${(waitMs / 1000).toFixed(1)} s, attempt ${this.failures + 1})`;
    return { ok: false, error: { code: last?.code ?? 'KSA_ERR_CONNECT', message, retryable: last?.retryable ?? true } };
  }

  private give(outcome: CallOutcome<DiagnoseReply>, startedAt: number, attempts: number, connects: number): SessionCycle {
    return { ...this.port.shape(this.request, outcome, startedAt), attempts, connects };
  }

  private async drop(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await this.port.close(lease, this.request.pluginId, this.id).catch(() => undefined);
  }
}
