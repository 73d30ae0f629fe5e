// The stage of the manual-action tests: a throwaway Redis whose slow log a test makes fire
// (redis.performance.slowlog on target `cache`), a recovery rule whose script holds the target
// (records its pid, sleeps), and the slow log entries that show whether slowlog-reset ran.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis, type Throwaway } from '../reliability/support/throwaway-servers.js';

export interface SlowlogRedis {
  server: Throwaway;
  client: Redis;
  /** Our EVAL's entries in the slow log (ksa's own commands are logged under its client name). */
  evalEntries(): Promise<number>;
  /** A Lua busy loop of 3 x 10^7 steps (about 150 ms): over the 50 ms slow log and 1 ms finding thresholds. */
  slowEval(): Promise<void>;
  /** ksa.yaml: target `cache` (password from KSA_TEST_REDIS_PASSWORD, `timeout` per call) and the rule `hold-the-target` running the hold script; `tail` appended. */
  config(tail?: string, timeout?: string): string;
  /** The pids the hold script recorded (one per run). */
  pids(): number[];
  /** Kills the hold scripts (a killed watcher leaves its script running). */
  killHolds(): void;
  /** Kills the hold scripts, closes the client, stops the server. */
  stop(): Promise<void>;
}

/** `dir`: where ksa.yaml, the hold script and its pid file go. */
export async function startSlowlogRedis(dir: string): Promise<SlowlogRedis> {
  const server = await startRedis();
  const [host, port] = server.address.split(':');
  const client = new Redis({ host: host!, port: Number(port), password: server.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  // 50 ms: ksa's own commands stay out of the slow log even on a loaded machine (32 of them would
  // push our entry out of the newest 32 that the check reads).
  await client.config('SET', 'slowlog-log-slower-than', '50000');
  const calls = join(dir, 'calls');
  const pids = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  const killHolds = () => { for (const pid of pids()) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } };
  return {
    server, client, pids, killHolds,
    async evalEntries() {
      const entries = (await client.slowlog('GET', 128)) as unknown[][];
      return entries.filter((e) => Array.isArray(e[3]) && String(e[3][0]).toUpperCase() === 'EVAL').length;
    },
    async slowEval() {
      await client.eval('for i = 1, 30000000 do end return 1', 0);
    },
    config(tail = '', timeout = '3s') {
      const hold = join(dir, 'hold.sh');
      writeFileSync(hold, `#!/bin/sh\necho $$ >> ${calls}\nexec sleep 120\n`);
      chmodSync(hold, 0o755);
      const file = join(dir, 'ksa.yaml');
      writeFileSync(file, `defaults: {interval: 300ms, timeout: ${timeout}}
targets:
  - name: cache
    type: redis
    endpoints: ["${server.address}"]
    auth: {passwordEnv: KSA_TEST_REDIS_PASSWORD}
    categories: [performance]
    thresholds: {redis.performance.slowlog: {warning: 1000}}
recovery:
  defaults: {settle: 300ms, verifyFor: 5s, backoff: {initial: 1s, max: 8s}, timeout: 5m}
  rules:
    - name: hold-the-target
      match: {finding: redis.performance.slowlog, target: cache}
      action: {plugin: recovery-script, name: run, params: {argv: ["${hold}"]}}
${tail}`);
      return file;
    },
    async stop() {
      killHolds();
      client.disconnect();
      await server.stop();
    },
  };
}
