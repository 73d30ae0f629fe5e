// Servers a test spawns (ksa, Prometheus, Alertmanager, redis-server) are SIGKILLed when the test
// worker ends, whatever happened before: a failed assertion or a hook that threw can skip the
// test's own stop(), and an orphaned server keeps its port, its temp dir and a share of the CPU.
// Vitest ends a worker with SIGTERM, which skips 'exit' listeners: so on SIGTERM (and SIGINT,
// SIGHUP) the servers are killed first, then the signal is raised again, with the default action
// back (a `once` listener is gone when it runs), so the worker still dies of it.
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
const reap = () => { for (const c of running) c.kill('SIGKILL'); };
process.once('exit', reap);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    reap();
    process.kill(process.pid, signal);
  });
}

/** Kills `child` with the worker unless it exits first. */
export function reapOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => { running.delete(child); });
}
