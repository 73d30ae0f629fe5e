#!/usr/bin/env node
// The summary of one bench/watch-load.sh run, from its work dir: RSS (peak; steady = median after
// the warm-up; growth = median of the last 10 samples vs the first 10 after the warm-up), fds and
// sockets (first sample after the warm-up, last, min, max), the watcher's scheduler and plugin
// health, the targets' states, events by kind (host failures named), and the servers' connections.
// usage: node bench/watch-load-summary.mjs WORKDIR WARMUP_SECONDS CONNECTIONS_AT_END
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, warmupArg, clientsArg] = process.argv.slice(2);
const warmup = Number(warmupArg);
const lines = (file) => readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const samples = lines('samples.jsonl').filter((s) => !s.summary);
const after = samples.filter((s) => s.t >= warmup);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const early = median(after.slice(0, 10).map((s) => s.rssKB));
const late = median(after.slice(-10).map((s) => s.rssKB));
const range = (key) => ({ afterWarmup: after[0][key], end: after[after.length - 1][key], min: Math.min(...after.map((s) => s[key])), max: Math.max(...after.map((s) => s[key])) });
const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
const states = {};
for (const t of status.targets) states[t.state] = (states[t.state] ?? 0) + 1;
const kinds = {};
const failures = [];
for (const e of lines('events.jsonl')) {
  const k = e.kind + (e.action ? `:${e.action}` : '');
  kinds[k] = (kinds[k] ?? 0) + 1;
  if (e.kind === 'host' || e.kind === 'plugin') failures.push(`${e.action} ${e.error?.code ?? ''} ${e.error?.message ?? ''}`.slice(0, 200));
}
const h = status.health ?? {};
process.stdout.write(`${JSON.stringify({
  rssKB: { peak: Math.max(...samples.map((s) => s.rssKB)), steady: median(after.map((s) => s.rssKB)), afterWarmup: early, end: late, growthPct: Math.round((late / early - 1) * 1000) / 10 },
  fds: range('fds'), sockets: range('sockets'),
  scheduler: h.scheduler,
  plugins: (h.plugins ?? []).map((p) => ({ plugin: p.plugin, cycles: p.cycles, latencyMs: p.latencyMs, errorRate: p.errorRate, hostRestarts: p.hostRestarts })),
  targets: status.targets.length, states, connectionsAtEnd: Number(clientsArg), events: kinds, hostFailures: failures.slice(0, 3),
  cpuS: Math.round((samples[samples.length - 1].cpuS - samples[0].cpuS) * 100) / 100,
})}\n`);
