#!/usr/bin/env node
// Samples a running `ksa watch` from outside for a while: every `everyMs`, its process tree's RSS,
// CPU seconds, open fds and sockets (bench/proc-tree.mjs), one JSON line each on stdout; at the
// end one `summary` line (peak and steady RSS, fds at the first and last sample, load average).
// `steady` is the median RSS of the samples after `warmupS`.
// usage: node bench/watch-probe.mjs PID SECONDS [everyMs] [warmupS]
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTree } from './proc-tree.mjs';

const [pid, seconds, everyMs = 1000, warmupS = 0] = process.argv.slice(2).map(Number);
if (!pid || !seconds) {
  process.stderr.write('usage: node bench/watch-probe.mjs PID SECONDS [everyMs] [warmupS]\n');
  process.exit(2);
}
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const started = Date.now();
const samples = [];
const loads = [];
for (let due = started; Date.now() - started < seconds * 1000; due += everyMs) {
  await sleep(Math.max(0, due - Date.now()));
  const { pids, ...s } = readTree(pid);
  const sample = { t: Math.round((Date.now() - started) / 100) / 10, ...s, procs: pids.length };
  samples.push(sample);
  loads.push(loadavg()[0]);
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}
const after = samples.filter((s) => s.t >= warmupS);
const first = after[0] ?? samples[0];
const last = samples[samples.length - 1];
process.stdout.write(`${JSON.stringify({
  summary: true,
  samples: samples.length,
  peakRssKB: Math.max(...samples.map((s) => s.rssKB)),
  steadyRssKB: median(after.map((s) => s.rssKB)),
  firstAfterWarmup: { t: first.t, rssKB: first.rssKB, fds: first.fds, sockets: first.sockets },
  last: { t: last.t, rssKB: last.rssKB, fds: last.fds, sockets: last.sockets },
  cpuS: Math.round((last.cpuS - samples[0].cpuS) * 100) / 100,
  load1: { min: Math.min(...loads), max: Math.max(...loads) },
})}\n`);
