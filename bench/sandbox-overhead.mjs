#!/usr/bin/env node
// Warm sandbox call overhead: the same healthy fixture diagnosis called N times through a warm
// worker host vs in-process (--isolation none). The difference per call is what isolation
// (postMessage both ways, deadline timer, result validation is identical in both) costs.
import { fileURLToPath } from 'node:url';
import { PluginManager } from '../dist/src/core/manager.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = `${root}test/fixtures/plugins/fixture`;
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const N = Number(process.argv[2] ?? 2000);
const target = { type: 'fixture', name: 'bench', endpoints: ['127.0.0.1:7000'], auth: {}, options: { behavior: 'healthy' } };
const opts = { categories: [], thresholds: {}, timeoutMs: 5000, allowWrite: false };

async function measure(isolation) {
  const m = await new PluginManager({ packageRoot: root, externals: [fixture], isolation, logger: silent }).load();
  for (let i = 0; i < 200; i++) await m.diagnose({ pluginId: 'fixture-diagnostics', target, opts }); // warm up
  const samples = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const { result } = await m.diagnose({ pluginId: 'fixture-diagnostics', target, opts });
    samples.push(performance.now() - t0);
    if (result.status !== 'healthy') throw new Error(`unexpected ${result.status}`);
  }
  await m.close();
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(N / 2)], p95: samples[Math.floor(N * 0.95)] };
}

const worker = await measure('worker');
const inProcess = await measure('none');
const r = (n) => Math.round(n * 1000) / 1000;
process.stdout.write(`${JSON.stringify({ calls: N, workerMs: { median: r(worker.median), p95: r(worker.p95) }, inProcessMs: { median: r(inProcess.median), p95: r(inProcess.p95) }, overheadMs: r(worker.median - inProcess.median) })}\n`);
process.exit(0);
