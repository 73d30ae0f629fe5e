#!/usr/bin/env node
// Issue 19: waits until every target of a running `ksa serve` has been diagnosed (/readyz), then
// times N /metrics scrapes (client side, text format and OpenMetrics alternately) and reads the
// process tree's RSS from /proc meanwhile (bench/proc-tree.mjs). One JSON line.
// usage: node bench/serve-metrics.mjs PID BASE_URL [scrapes] [timeoutS]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTree } from './proc-tree.mjs';

const [pidArg, base, scrapesArg = '20', timeoutArg = '300'] = process.argv.slice(2);
const pid = Number(pidArg);
if (!pid || !base) {
  process.stderr.write('usage: node bench/serve-metrics.mjs PID BASE_URL [scrapes] [timeoutS]\n');
  process.exit(2);
}
const started = Date.now();
let ready = { targets: 0, diagnosed: -1 };
let peakRss = 0;
while (ready.diagnosed !== ready.targets || ready.targets === 0) {
  if (Date.now() - started > Number(timeoutArg) * 1000) throw new Error(`not every target diagnosed after ${timeoutArg} s: ${JSON.stringify(ready)}`);
  await sleep(1000);
  peakRss = Math.max(peakRss, readTree(pid).rssKB);
  // Not listening yet while ksa.yaml loads: wait on.
  ready = await fetch(`${base}/readyz`).then((r) => r.json()).catch(() => ready);
}
const firstCycleS = (Date.now() - started) / 1000;
const times = { text: [], openmetrics: [] };
let bytes = 0;
let series = 0;
const rss = [];
for (let i = 0; i < Number(scrapesArg); i++) {
  const format = i % 2 === 0 ? 'text' : 'openmetrics';
  const t0 = performance.now();
  const res = await fetch(`${base}/metrics`, { headers: format === 'openmetrics' ? { accept: 'application/openmetrics-text; version=1.0.0' } : {} });
  const body = await res.text();
  times[format].push(performance.now() - t0);
  if (format === 'text') {
    bytes = body.length;
    series = body.split('\n').filter((l) => l && !l.startsWith('#')).length;
  }
  const now = readTree(pid).rssKB;
  rss.push(now);
  peakRss = Math.max(peakRss, now);
  await sleep(200);
}
const med = (v) => { const s = [...v].sort((a, b) => a - b); return Math.round(s[Math.floor(s.length / 2)] * 10) / 10; };
console.log(JSON.stringify({
  targets: ready.targets, allDiagnosedAfterS: Math.round(firstCycleS), scrapes: Number(scrapesArg),
  metricsMs: { textP50: med(times.text), openmetricsP50: med(times.openmetrics), max: Math.round(Math.max(...times.text, ...times.openmetrics)) },
  series, bytes, rssMb: { duringScrapes: Math.round(med(rss) / 1024), peak: Math.round(peakRss / 1024) },
}));
