#!/usr/bin/env node
// Lag of every group in one process, two ways, for bench/kafka.sh:
//   ksa:   the built plugin (dist/plugins/kafka), consumer category: connect + collect + analyze
//   admin: kafkajs's public Admin API as a script would use it: fetchTopicOffsets per topic (in turn) and
//          fetchOffsets per group (requests counted with kafkajs's REQUEST instrumentation event)
// Prints one JSON line: wall ms, Kafka requests sent, partitions evaluated, total lag.
// usage: node bench/kafka-lag.mjs ksa|admin <bootstrap,list> <group,list>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [mode, bootstrapArg, groupsArg] = process.argv.slice(2);
const bootstrap = bootstrapArg.split(',');
const groups = groupsArg.split(',');

async function viaKsa() {
  const plugin = (await import('../dist/plugins/kafka/index.js')).default;
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const manifest = parse(readFileSync(new URL('../manifests/kafka-diagnostics.yaml', import.meta.url), 'utf8'));
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  const ctx = { pluginId: manifest.id, signal: AbortSignal.timeout(20_000), logger: silent, config: {}, deadline: Date.now() + 20_000, operations: manifest.operations, allowWrite: false };
  const t0 = performance.now();
  const p = plugin.create();
  await p.connect(ctx, { type: 'kafka', name: 'bench', endpoints: bootstrap, auth: {}, options: { group: groups } });
  const opts = { categories: ['consumer'], thresholds: {}, timeoutMs: 20_000, allowWrite: false };
  const snapshot = await p.collect(ctx, opts);
  const result = p.analyze(snapshot, opts);
  await p.disconnect(ctx);
  const ms = performance.now() - t0;
  const gs = snapshot.data.groups;
  return { ms, requests: snapshot.data.requests, partitions: gs.reduce((s, g) => s + g.partitions.length, 0), lag: result.metrics.consumer_lag_total };
}

async function viaAdmin() {
  const { Kafka, logLevel } = require('kafkajs');
  const t0 = performance.now();
  const admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING }).admin();
  const requests = {};
  admin.on(admin.events.REQUEST, (e) => { requests[e.payload.apiName] = (requests[e.payload.apiName] ?? 0) + 1; });
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  // One topic at a time: concurrent fetchTopicOffsets calls race on kafkajs's shared metadata
  // (TypeError in admin/index.js when run with Promise.all against 50 topics).
  const ends = new Map();
  for (const t of topics) ends.set(t, await admin.fetchTopicOffsets(t));
  let lag = 0, partitions = 0;
  await Promise.all(groups.map(async (groupId) => {
    for (const { topic, partitions: ps } of await admin.fetchOffsets({ groupId, topics })) {
      for (const p of ps) {
        if (Number(p.offset) < 0) continue;
        const hw = Number(ends.get(topic).find((x) => x.partition === p.partition).high);
        lag += Math.max(0, hw - Number(p.offset));
        partitions++;
      }
    }
  }));
  await admin.disconnect();
  return { ms: performance.now() - t0, requests, partitions, lag };
}

const r = mode === 'admin' ? await viaAdmin() : await viaKsa();
const total = Object.values(r.requests).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ mode, wallMs: Math.round(r.ms), requestsTotal: total, requests: r.requests, partitionsEvaluated: r.partitions, lagTotal: r.lag }));
