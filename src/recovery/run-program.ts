// Runs a recovery command: the program with its argv (spawn, never a shell), in a process group
// of its own so a deadline ends it and everything it started (SIGTERM, then SIGKILL 2 s later).
// stdout and stderr are captured up to a bound each (the rest is counted, not kept).
import { spawn } from 'node:child_process';

export interface ProgramOutcome {
  ok: boolean;
  exitCode: number | null;
  /** The signal that ended it (the deadline's, or another). */
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Why it did not run or did not finish (not found, deadline). */
  error?: string;
}

const KEEP_BYTES = 2048;
const KILL_GRACE_MS = 2000;

function collector(): { add: (b: Buffer) => void; text: () => string } {
  const parts: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  return {
    add(b) {
      const room = KEEP_BYTES - kept;
      if (room > 0) {
        parts.push(b.subarray(0, room));
        kept += Math.min(room, b.length);
      }
      dropped += Math.max(0, b.length - Math.max(room, 0));
    },
    text: () => `${Buffer.concat(parts).toString('utf8')}${dropped > 0 ? `\n… ${dropped} more bytes` : ''}`,
  };
}

export function runProgram(argv: readonly string[], env: Readonly<Record<string, string>>, timeoutMs: number): Promise<ProgramOutcome> {
  const started = Date.now();
  const out = collector();
  const err = collector();
  return new Promise((resolve) => {
    let settled = false;
    let deadline: string | undefined;
    const finish = (o: Omit<ProgramOutcome, 'stdout' | 'stderr' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, stdout: out.text(), stderr: err.text(), durationMs: Date.now() - started });
    };
    const child = spawn(argv[0]!, argv.slice(1), { shell: false, env: { ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      deadline = `did not finish within ${timeoutMs} ms: ended`;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.stdout.on('data', out.add);
    child.stderr.on('data', err.add);
    child.on('error', (e) => finish({ ok: false, exitCode: null, signal: null, error: `cannot run ${argv[0]}: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    child.on('close', (code, signal) => finish({ ok: code === 0 && !deadline, exitCode: code, signal, ...(deadline ? { error: deadline } : {}) }));
  });
}
