// A `ksa serve` process as a user runs it (node bin/ksa.js serve ... --listen 127.0.0.1:0), its
// port read from the one line it prints on stderr, and a fetch helper for its routes.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { reapOnExit } from './reap-on-exit.js';
import { repoRoot } from './services.js';
import { waitFor } from './wait-for.js';

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  url(path: string): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export async function startServe(args: readonly string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/ksa.js'), 'serve', '--listen', '127.0.0.1:0', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  reapOnExit(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }); });
  });
  let port = 0;
  await waitFor(`ksa serve to listen (stderr: ${err.slice(-400)})`, () => {
    if (child.exitCode !== null) throw new Error(`ksa serve exited ${child.exitCode}: ${err}`);
    port = Number(/listening on https?:\/\/[^\s]+:(\d+)/.exec(err)?.[1] ?? 0);
    return port > 0;
  }, 20_000);
  return { child, port, url: (path) => `http://127.0.0.1:${port}${path}`, stderr: () => err, exited, kill: (s) => { child.kill(s); } };
}

/** The fixture plugin's targets in a ksa.yaml: name -> behavior, plus extra lines per target and at the end. */
export function fixtureConfig(targets: Record<string, string>, extra: { perTarget?: Record<string, string[]>; tail?: string[]; interval?: string; moreTargets?: string[] } = {}): string {
  const fixture = join(repoRoot, 'test/fixtures/plugins/fixture');
  return [
    'defaults:', `  interval: ${extra.interval ?? '500ms'}`, '  timeout: 2s', 'targets:',
    ...Object.entries(targets).flatMap(([name, behavior]) => [
      `  - name: ${name}`, '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', `    options: { behavior: ${behavior} }`,
      ...(extra.perTarget?.[name] ?? []).map((l) => `    ${l}`),
    ]),
    ...(extra.moreTargets ?? []).map((l) => `  ${l}`),
    'plugins:', `  discovery: { packages: ["${fixture}"] }`,
    ...(extra.tail ?? []),
    '',
  ].join('\n');
}
