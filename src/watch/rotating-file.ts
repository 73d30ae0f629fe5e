// An append-only JSON-lines file with size-based rotation, a retention count and gzip-compressed
// archives (`audit.log.1.gz` newest ... `audit.log.<keep>.gz` oldest), shared by the audit log
// and ksa's own log file. Rotation is rotating-file-stream's (classical logrotate behaviour, no
// dependencies, maintained); this wrapper only adds: a write that resolves when the line reached
// the file, and recovery from a failed write (full disk) by reopening on the next write.
import { basename, dirname } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface RotationPolicy {
  /** Rotate once the file reaches this many bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Compressed archives kept. Default 5. */
  keep?: number;
}

export const DEFAULT_ROTATION: Required<RotationPolicy> = { maxBytes: 10 * 1024 * 1024, keep: 5 };

export class RotatingFile {
  private stream: RotatingFileStream | null = null;
  private failure: Error | null = null;

  constructor(readonly path: string, private readonly policy: RotationPolicy = {}) {}

  private open(): RotatingFileStream {
    const keep = this.policy.keep ?? DEFAULT_ROTATION.keep;
    const stream = createStream(basename(this.path), {
      path: dirname(this.path),
      // rotating-file-stream takes sizes in B/K/M/G; bytes keep any value exact.
      size: `${Math.max(1, Math.floor(this.policy.maxBytes ?? DEFAULT_ROTATION.maxBytes))}B`,
      rotate: Math.max(1, keep),
      compress: 'gzip',
      mode: 0o600,
    });
    stream.on('error', (error) => {
      this.failure = error;
      if (this.stream === stream) this.stream = null;
    });
    // A failed rotation (e.g. no room for the archive) is reported, and the file keeps being written.
    stream.on('warning', (error) => { this.failure = error; });
    return stream;
  }

  /** Appends one line (a newline is added); rejects with the file system's error (ENOSPC, EROFS). */
  write(line: string): Promise<void> {
    this.stream ??= this.open();
    const stream = this.stream;
    return new Promise((resolve, reject) => {
      stream.write(`${line}\n`, (error) => {
        if (error) {
          if (this.stream === stream) this.stream = null;
          stream.destroy();
          reject(error);
        } else resolve();
      });
    });
  }

  /** The last error the stream reported (cleared by this call). */
  takeFailure(): Error | null {
    const f = this.failure;
    this.failure = null;
    return f;
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    await new Promise<void>((resolve) => {
      stream.end(() => resolve());
      stream.once('error', () => resolve());
    });
  }
}
