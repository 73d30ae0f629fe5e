// The audit log (seed: AuditLogger + LogRotator + credential filtering): an append-only JSON-lines
// file with every transition, host failure, plugin failure, config reload, watcher start/stop and
// store problem. Each line is one event exactly as `ksa schema events` describes it (timestamp
// `at`, `target`, `seq`, `id`), secrets redacted by core's redaction. It is a durable bus
// subscriber, so a kill -9 loses no line: unacknowledged events are written again after the
// restart (a line may then appear twice, with the same id).
import { join } from 'node:path';

import { toErrorInfo, ksaError } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import type { Logger } from '../core/types.js';
import type { EventBus, Subscription } from './event-bus.js';
import { WATCH_EVENT_KINDS, type WatchEvent, type WatchEventDraft, type WatchEventKind } from './events.js';
import { RotatingFile, type RotationPolicy } from './rotating-file.js';

/** What the audit log records: every kind but the periodic self-health samples. */
export const AUDIT_KINDS: readonly WatchEventKind[] = WATCH_EVENT_KINDS.filter((k) => k !== 'health');

/** The durable subscriber name (its cursor in the state store). */
export const AUDIT_SUBSCRIBER = 'audit';

export interface AuditLogOptions extends RotationPolicy {
  /** The secret values to redact (passwords, tokens of the config); asked for at every line, so a reload's secrets apply. */
  secrets?: () => readonly string[];
  logger?: Logger;
  /**
   * Told once when the file starts failing (full disk, read-only) and once when it works again:
   * the watcher commits these `store` events so subscribers hear of it. Events keep flowing meanwhile.
   */
  onHealth?: (draft: WatchEventDraft) => void;
}

export function auditLogPath(stateDir: string): string {
  return join(stateDir, 'audit.log');
}

export class AuditLog {
  private readonly file: RotatingFile;
  private failing = false;
  /** Lines that could not be written (while failing). */
  lost = 0;

  constructor(readonly path: string, private readonly opts: AuditLogOptions = {}) {
    this.file = new RotatingFile(path, opts);
  }

  /** Appends one event, redacted. Never throws: a failed write is counted and reported through onHealth. */
  async write(event: WatchEvent): Promise<void> {
    const line = JSON.stringify(redactValue(event, this.opts.secrets?.() ?? []));
    try {
      await this.file.write(line);
    } catch (error) {
      this.lost++;
      if (!this.failing) {
        this.failing = true;
        const info = toErrorInfo(ksaError('KSA_ERR_STATE_DIR', `cannot write the audit log ${this.path}: ${(error as Error).message}`));
        this.opts.logger?.error(info.message, { code: info.code });
        this.opts.onHealth?.({ kind: 'store', at: new Date().toISOString(), action: 'degraded', file: 'audit', error: info });
      }
      return;
    }
    const rotationProblem = this.file.takeFailure();
    if (rotationProblem) this.opts.logger?.warn(`audit log rotation: ${rotationProblem.message}`);
    if (this.failing) {
      this.failing = false;
      this.opts.logger?.info(`the audit log ${this.path} is writable again (${this.lost} line(s) lost meanwhile)`);
      this.opts.onHealth?.({ kind: 'store', at: new Date().toISOString(), action: 'recovered', file: 'audit' });
    }
  }

  /** Subscribes as the durable `audit` subscriber (the bus must have the state store as its AckSink). */
  subscribe(bus: EventBus): Subscription {
    return bus.subscribe({ name: AUDIT_SUBSCRIBER, durable: true, kinds: AUDIT_KINDS, handler: (event) => this.write(event) });
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
