#!/usr/bin/env node
// Issue 19: the latency of one `ksa serve` /probe (a fresh cycle: the cache is off) against one
// exporter scrape of the same server, in alternating pairs over kept HTTP connections, each
// request timed from the client (send to last byte). Prints the medians, the p90s and the median
// of the pair ratios ksa/exporter (goal <= 2).
// usage: node bench/serve-probe.mjs NAME KSA_URL EXPORTER_URL [pairs] [warmup]
import { performance } from 'node:perf_hooks';

const [name, ksaUrl, exporterUrl, pairsArg = '40', warmupArg = '5'] = process.argv.slice(2);
if (!name || !ksaUrl || !exporterUrl) {
  process.stderr.write('usage: node bench/serve-probe.mjs NAME KSA_URL EXPORTER_URL [pairs] [warmup]\n');
  process.exit(2);
}
const pairs = Number(pairsArg);
const warmup = Number(warmupArg);

async function timed(url) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { 'x-prometheus-scrape-timeout-seconds': '10' } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${body.slice(0, 200)}`);
  return { ms, bytes: body.length, body };
}

const pct = (v, q) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };
const round = (x) => Math.round(x * 100) / 100;
const ksa = [];
const exporter = [];
const ratios = [];
let ksaBytes = 0;
let exporterBytes = 0;
for (let i = 0; i < warmup + pairs; i++) {
  // Alternate which goes first, so neither always meets the other's after-effects.
  let a;
  let b;
  if (i % 2 === 0) {
    a = await timed(ksaUrl);
    b = await timed(exporterUrl);
  } else {
    b = await timed(exporterUrl);
    a = await timed(ksaUrl);
  }
  if (i === 0 && !/ksa_probe_success 1/.test(a.body)) throw new Error(`the ksa probe did not succeed:\n${a.body.slice(0, 600)}`);
  if (i < warmup) continue;
  ksa.push(a.ms);
  exporter.push(b.ms);
  ratios.push(a.ms / b.ms);
  ksaBytes = a.bytes;
  exporterBytes = b.bytes;
}
const cached = await timed(ksaUrl);
console.log(JSON.stringify({
  name, pairs,
  ksaMs: { p50: round(pct(ksa, 0.5)), p90: round(pct(ksa, 0.9)), min: round(Math.min(...ksa)) },
  exporterMs: { p50: round(pct(exporter, 0.5)), p90: round(pct(exporter, 0.9)), min: round(Math.min(...exporter)) },
  ratioP50: round(pct(ratios, 0.5)),
  bytes: { ksa: ksaBytes, exporter: exporterBytes },
  lastKsaProbeMs: round(cached.ms),
}));
