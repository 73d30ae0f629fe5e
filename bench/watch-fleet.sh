#!/usr/bin/env bash
# Issue 16: `ksa watch` on 1000 targets (20 throwaway redis-server instances x 50 names) at a 10 s
# interval for a while (default 90 s: 9 intervals): RSS of the whole process tree sampled every
# second from /proc (peak, and steady = median after the first two intervals), and the watcher's
# own schedule lag p99, run queue, skipped and overran ticks from `ksa watch status --json` (its
# health.json, written every 10 s here). Goals: RSS <= 250 MB, p99 schedule lag < 1 s.
# usage: bash bench/watch-fleet.sh [seconds]   (KSA_NODE_FLAGS: node flags for ksa, e.g. --trace-gc;
# KEEP=dir keeps the events, samples and status)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
secs=${1:-90}
work=$(mktemp -d)
pids=()
ksa=''
cleanup() { [ -n "$ksa" ] && kill "$ksa" 2>/dev/null; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export BENCH_PW=benchpw REDISCLI_AUTH=benchpw
ports=()
for i in $(seq 1 20); do
  p=$(free_port)
  mkdir -p "$work/r$i"
  redis-server --port "$p" --bind 127.0.0.1 --dir "$work/r$i" --save '' --appendonly no --requirepass benchpw --maxmemory 64mb --daemonize no --logfile "$work/r$i/log" &
  pids+=($!)
  ports+=("$p")
done
sleep 0.5
{
  echo "defaults: { interval: 10s, timeout: 10s }"
  echo "targets:"
  for i in $(seq 1 20); do for n in $(seq 1 50); do
    echo "  - { name: r$i-$n, type: redis, endpoints: [127.0.0.1:${ports[$((i-1))]}], auth: { passwordEnv: BENCH_PW } }"
  done; done
} > "$work/ksa.yaml"
echo "machine: $(nproc) cores, $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
node ${KSA_NODE_FLAGS:-} bin/ksa.js watch --config "$work/ksa.yaml" --state-dir "$work/state" --output json --health-every 10s >"$work/events.jsonl" 2>"$work/stderr.log" &
ksa=$!
node bench/watch-probe.mjs "$ksa" "$secs" 1000 20 >"$work/samples.jsonl"
node bin/ksa.js watch status --state-dir "$work/state" --json >"$work/status.json"
clients=0
for p in "${ports[@]}"; do clients=$((clients + $(redis-cli -p "$p" info clients | sed -n 's/^connected_clients:\([0-9]*\).*/\1/p') - 1)); done
kill -TERM "$ksa"
wait "$ksa" || echo "ksa watch exited $?"
ksa=''
tail -n 1 "$work/samples.jsonl"
node -e "
const s = require('$work/status.json');
const states = {};
for (const t of s.targets) states[t.state] = (states[t.state] || 0) + 1;
const h = s.health;
console.log(JSON.stringify({ targets: s.targets.length, states, scheduler: h && h.scheduler, plugins: h && h.plugins.map((p) => ({ plugin: p.plugin, cycles: p.cycles, latencyMs: p.latencyMs, errorRate: p.errorRate, hostRestarts: p.hostRestarts })) }));
"
echo "ksa connections on the 20 servers at the end: $clients (1000 targets)"
echo "events by kind: $(node -e "const c={};for(const l of require('fs').readFileSync('$work/events.jsonl','utf8').split('\n').filter((l)=>l.startsWith('{'))){const e=JSON.parse(l);const k=e.kind+(e.action?':'+e.action:'');c[k]=(c[k]||0)+1}console.log(JSON.stringify(c))")"
grep -E '"kind":"(host|plugin)"' "$work/events.jsonl" | head -n 3 | cut -c1-400 || true
echo "stderr: $(grep -c . "$work/stderr.log" || true) lines"
head -n 3 "$work/stderr.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work"/*.jsonl "$work"/*.json "$work"/*.log "$KEEP"/; fi
