// One of the Prometheus project's servers (Debian's `prometheus`, `prometheus-alertmanager`,
// installed by scripts/services.sh) as a throwaway child of a test: its config written into a
// temp dir, a loopback port, killed with the worker (reap-on-exit.ts), ready once /-/ready
// answers 200. stop() kills it and removes the dir; a server that never gets ready is stopped
// and the error carries the end of its stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOnExit } from './reap-on-exit.js';
import { waitFor } from './wait-for.js';

export interface DaemonSpec {
  /** The executable, e.g. `prometheus`. */
  command: string;
  port: number;
  /** Its config (JSON is YAML: no YAML writer needed), written to `<dir>/config.yml`. */
  config: object;
  /** Its arguments, given the config file and the temp dir (for its storage). */
  args(configFile: string, dir: string): string[];
}

export interface Daemon {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheusFamilyDaemon(spec: DaemonSpec): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), `ksa-${spec.command}-`));
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, JSON.stringify(spec.config));
  let stderr = '';
  const child = spawn(spec.command, spec.args(configFile, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
  reapOnExit(child);
  child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000); });
  child.once('error', (e) => { stderr += `${e.message} (scripts/services.sh installs ${spec.command})`; });
  const url = `http://127.0.0.1:${spec.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${spec.command} to answer on ${spec.port}`, () => fetch(`${url}/-/ready`).then((r) => r.ok, () => false), 20_000, 100);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; its stderr: ${stderr.slice(-500)}`);
  }
  return { url, stop };
}
