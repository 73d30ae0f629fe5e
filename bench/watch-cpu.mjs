#!/usr/bin/env node
// Steady-state CPU per cycle (issue 16): `ksa watch` with one Redis target at a fixed interval vs
// Debian's prometheus-redis-exporter scraped at the same rate, on the same Redis, in turn (pairs,
// the order alternating). Per run: start, warm up, then for a fixed window read the process tree's
// utime+stime (/proc, worker threads and child processes included) and Redis's own CPU (INFO cpu,
// raw, and net of Redis's idle rate measured alone before each pair) and its command time (commandstats
// usec); divided by the cycles in the window: INFO calls on the server (each ksa cycle and each
// scrape runs INFO exactly once; the bench's own sampling INFO is subtracted).
// usage: node bench/watch-cpu.mjs PORT [pairs] [seconds] [intervalMs] [warmupSeconds]
// Needs REDISCLI_AUTH (the server's password) in the environment and `npm run build`;
// KSA_GLOBAL_FLAGS adds global flags to ksa (e.g. '--isolation none').
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTree } from './proc-tree.mjs';

const [port, pairs = 5, seconds = 40, intervalMs = 1000, warmupS = 6] = process.argv.slice(2).map(Number);
if (!port || !process.env.REDISCLI_AUTH) {
  process.stderr.write('usage: REDISCLI_AUTH=pw node bench/watch-cpu.mjs PORT [pairs] [seconds] [intervalMs] [warmupSeconds]\n');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'ksa-watch-cpu-'));
const exporterPort = port + 1;

/** Redis's CPU seconds, its INFO calls, and the usec all its commands took. */
function redisSample() {
  const r = spawnSync('redis-cli', ['-p', String(port), 'info', 'cpu', 'commandstats'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli: ${r.stderr}`);
  const num = (key) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(r.stdout)?.[1] ?? 0);
  const infoCalls = Number(/^cmdstat_info:calls=(\d+)/m.exec(r.stdout)?.[1] ?? 0);
  const usec = [...r.stdout.matchAll(/^cmdstat_[^:]+:calls=\d+,usec=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  return { cpuS: num('used_cpu_sys') + num('used_cpu_user'), infoCalls, usec, at: Date.now() };
}

function startKsa(dir) {
  const config = join(dir, 'ksa.yaml');
  writeFileSync(config, [
    `defaults: { interval: ${intervalMs}ms, timeout: 10s }`,
    'targets:',
    `  - { name: bench, type: redis, endpoints: ["127.0.0.1:${port}"], auth: { passwordEnv: REDISCLI_AUTH } }`,
    '',
  ].join('\n'));
  const out = openSync(join(dir, 'events.jsonl'), 'w');
  const flags = (process.env.KSA_GLOBAL_FLAGS ?? '').split(' ').filter(Boolean); // e.g. '--isolation none'
  const child = spawn(process.execPath, ['bin/ksa.js', ...flags, 'watch', '--config', config, '--state-dir', join(dir, 'state'), '--output', 'json'], { stdio: ['ignore', out, out] });
  return { child, stop: async () => undefined };
}

function startExporter(dir) {
  const out = openSync(join(dir, 'exporter.log'), 'w');
  const child = spawn('prometheus-redis-exporter', ['-redis.addr', `redis://127.0.0.1:${port}`, '-web.listen-address', `127.0.0.1:${exporterPort}`], {
    stdio: ['ignore', out, out], env: { ...process.env, REDIS_PASSWORD: process.env.REDISCLI_AUTH },
  });
  // The scraper is this process (its CPU is not counted): a fixed-rate fetch of the whole /metrics.
  let stopped = false;
  let failures = 0;
  const loop = (async () => {
    await sleep(300);
    let due = Date.now();
    while (!stopped) {
      try {
        const res = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
        await res.text();
      } catch {
        failures++;
      }
      due += intervalMs;
      await sleep(Math.max(0, due - Date.now()));
    }
  })();
  return { child, stop: async () => { stopped = true; await loop; if (failures > 1) process.stderr.write(`exporter: ${failures} failed scrapes\n`); } };
}

async function measure(name, start) {
  const dir = mkdtempSync(join(work, `${name}-`));
  const run = start(dir);
  const exited = new Promise((resolve) => run.child.once('exit', resolve));
  await sleep(warmupS * 1000);
  const p0 = readTree(run.child.pid);
  const r0 = redisSample();
  await sleep(seconds * 1000);
  const p1 = readTree(run.child.pid);
  const r1 = redisSample();
  await run.stop();
  run.child.kill('SIGTERM');
  await exited;
  const cycles = r1.infoCalls - r0.infoCalls - 1; // the t0 sample's own INFO
  return { name, cycles, windowS: (r1.at - r0.at) / 1000, cpuS: p1.cpuS - p0.cpuS, redisCpuS: r1.cpuS - r0.cpuS, redisUsec: r1.usec - r0.usec, rssKB: p1.rssKB, pids: p1.pids.length };
}

/** Redis alone (no client but the sampler) for a while: its own cron and idle cost per second. */
async function idleRate() {
  const r0 = redisSample();
  await sleep(Math.min(seconds, 20) * 1000);
  const r1 = redisSample();
  return (r1.cpuS - r0.cpuS) / ((r1.at - r0.at) / 1000);
}

const perCycle = (m, idle) => ({
  cpuMs: (m.cpuS * 1000) / m.cycles,
  redisCpuRawMs: (m.redisCpuS * 1000) / m.cycles,
  redisCpuMs: ((m.redisCpuS - idle * m.windowS) * 1000) / m.cycles,
  redisCmdUs: m.redisUsec / m.cycles,
});
const round = (n, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const ratios = { cpu: [], redisCpu: [], redisCpuRaw: [], redisCmd: [] };
const rows = [];
try {
  for (let i = 0; i < pairs; i++) {
    const idle = await idleRate();
    const order = i % 2 === 0 ? ['ksa', 'exporter'] : ['exporter', 'ksa'];
    const got = {};
    for (const name of order) got[name] = await measure(name, name === 'ksa' ? startKsa : startExporter);
    const k = perCycle(got.ksa, idle);
    const e = perCycle(got.exporter, idle);
    ratios.cpu.push(k.cpuMs / e.cpuMs);
    ratios.redisCpu.push(k.redisCpuMs / e.redisCpuMs);
    ratios.redisCmd.push(k.redisCmdUs / e.redisCmdUs);
    ratios.redisCpuRaw.push(k.redisCpuRawMs / e.redisCpuRawMs);
    const row = { pair: i + 1, order: order.join(' then '), redisIdleCpuMsPerS: round(idle * 1000), ksa: { ...got.ksa, ...Object.fromEntries(Object.entries(k).map(([a, b]) => [a, round(b)])) }, exporter: { ...got.exporter, ...Object.fromEntries(Object.entries(e).map(([a, b]) => [a, round(b)])) }, ratio: { cpu: round(k.cpuMs / e.cpuMs), redisCpu: round(k.redisCpuMs / e.redisCpuMs), redisCmd: round(k.redisCmdUs / e.redisCmdUs) } };
    rows.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
  const stat = (v) => ({ median: round(median(v)), min: round(Math.min(...v)), max: round(Math.max(...v)) });
  const col = (who, key) => round(median(rows.map((r) => r[who][key])));
  process.stdout.write(`${JSON.stringify({
    summary: `ksa watch vs prometheus-redis-exporter, 1 Redis, every ${intervalMs} ms, ${pairs} pairs x ${seconds} s`,
    ksaMedian: { cpuMsPerCycle: col('ksa', 'cpuMs'), redisCpuRawMsPerCycle: col('ksa', 'redisCpuRawMs'), redisCpuMsPerCycle: col('ksa', 'redisCpuMs'), redisCmdUsPerCycle: col('ksa', 'redisCmdUs'), rssKB: col('ksa', 'rssKB') },
    exporterMedian: { cpuMsPerScrape: col('exporter', 'cpuMs'), redisCpuRawMsPerScrape: col('exporter', 'redisCpuRawMs'), redisCpuMsPerScrape: col('exporter', 'redisCpuMs'), redisCmdUsPerScrape: col('exporter', 'redisCmdUs'), rssKB: col('exporter', 'rssKB') },
    ratio: { processCpu: stat(ratios.cpu), redisCpuNet: stat(ratios.redisCpu), redisCpuRaw: stat(ratios.redisCpuRaw), redisCommandTime: stat(ratios.redisCmd) },
    loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)),
  })}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
