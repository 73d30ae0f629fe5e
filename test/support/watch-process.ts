// A `ksa watch` process as a user runs it (node bin/ksa.js, stdout a pipe: one JSON line per
// event), with its events parsed as they arrive, for the watch e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { reapOnExit } from './reap-on-exit.js';
import { repoRoot } from './services.js';
import { waitFor } from './wait-for.js';

export interface WatchEventLine {
  kind: string;
  seq: number;
  id: string;
  at: string;
  target?: string;
  from?: string;
  to?: string;
  outcome?: string;
  added?: string[];
  removed?: string[];
  changed?: string[];
  finding?: { id: string; severity: string; node?: string };
  [key: string]: unknown;
}

export interface WatchProcess {
  child: ChildProcess;
  events: WatchEventLine[];
  stderr(): string;
  /** Resolves with the first event (from index `after` on) that `match` accepts. */
  next(what: string, match: (e: WatchEventLine) => boolean, timeoutMs?: number, after?: number): Promise<WatchEventLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export function startWatch(args: readonly string[], env: Record<string, string> = {}): WatchProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/ksa.js'), 'watch', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  reapOnExit(child);
  const events: WatchEventLine[] = [];
  let partial = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WatchEventLine);
  });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }); });
  });
  return {
    child,
    events,
    stderr: () => err,
    exited,
    kill: (signal) => { child.kill(signal); },
    async next(what, match, timeoutMs = 15_000, after = 0) {
      let found: WatchEventLine | undefined;
      await waitFor(`${what} (stderr: ${err.slice(-400)})`, () => (found = events.slice(after).find(match)) !== undefined, timeoutMs, 20);
      return found!;
    },
  };
}
