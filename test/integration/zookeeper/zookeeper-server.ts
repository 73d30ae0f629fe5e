// Throwaway standalone ZooKeeper servers for the example plugin's tests: own tmp dir, free port,
// generated zoo.cfg (4lw whitelist per instance), killed in stop(). Debian's zookeeper package.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JAR = '/usr/share/java/zookeeper.jar';

export function zookeeperInstalled(): boolean {
  return existsSync(JAR);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** One four-letter word, for readiness probes (the plugin has its own client). */
export function fourLetterWord(port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let out = '';
    s.setTimeout(timeoutMs, () => { s.destroy(); resolve(''); });
    s.on('connect', () => s.end(word));
    s.on('data', (c) => { out += c.toString(); });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(''));
  });
}

export interface ZooKeeper {
  port: number;
  endpoint: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a standalone server and waits until it serves requests (srvr reports a Mode). */
export async function startZooKeeper(whitelist: string): Promise<ZooKeeper> {
  const dir = mkdtempSync(join(tmpdir(), 'ksa-zk-'));
  const port = await freePort();
  writeFileSync(join(dir, 'zoo.cfg'), [
    'tickTime=2000', `dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
    'admin.enableServer=false', `4lw.commands.whitelist=${whitelist}`, '',
  ].join('\n'));
  const child: ChildProcess = spawn('java', [
    '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dzookeeper.log.dir=${dir}`, '-Dzookeeper.root.logger=WARN,CONSOLE',
    '-cp', JAR, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg'),
  ], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    if ((await fourLetterWord(port, 'srvr')).includes('Mode:')) return { port, endpoint: `127.0.0.1:${port}`, dir, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`ZooKeeper on port ${port} did not start serving within 30 s`);
}
