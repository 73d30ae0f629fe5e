#!/usr/bin/env bash
# Issue 16: compressed soak of `ksa watch`: 50 targets (5 throwaway redis-server instances x 10
# names) at a 500 ms interval (100 cycles/s) for 150 s by default: over 10,000 target-cycles after
# a 30 s warm-up. The process tree's RSS, open fds and sockets are sampled every second from /proc.
# RSS growth = median of the last 10 samples vs median of the first 10 after the warm-up;
# fds and sockets at the first sample after the warm-up vs the last; the servers' own connection
# count at the end. Goals: RSS growth <= 5 %, no leaked fd or socket.
# usage: bash bench/watch-soak.sh [seconds] [interval]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
secs=${1:-150}
interval=${2:-500ms}
warmup=30
work=$(mktemp -d)
pids=()
ksa=''
cleanup() { [ -n "$ksa" ] && kill "$ksa" 2>/dev/null; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export BENCH_PW=benchpw REDISCLI_AUTH=benchpw
ports=()
for i in $(seq 1 5); do
  p=$(free_port)
  mkdir -p "$work/r$i"
  redis-server --port "$p" --bind 127.0.0.1 --dir "$work/r$i" --save '' --appendonly no --requirepass benchpw --maxmemory 64mb --daemonize no --logfile "$work/r$i/log" &
  pids+=($!)
  ports+=("$p")
done
sleep 0.5
{
  echo "defaults: { interval: $interval, timeout: 10s }"
  echo "targets:"
  for i in $(seq 1 5); do for n in $(seq 1 10); do
    echo "  - { name: s$i-$n, type: redis, endpoints: [127.0.0.1:${ports[$((i-1))]}], auth: { passwordEnv: BENCH_PW } }"
  done; done
} > "$work/ksa.yaml"
echo "machine: $(nproc) cores, $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
node bin/ksa.js watch --config "$work/ksa.yaml" --state-dir "$work/state" --output json --health-every 10s >"$work/events.jsonl" 2>"$work/stderr.log" &
ksa=$!
node bench/watch-probe.mjs "$ksa" "$secs" 1000 "$warmup" >"$work/samples.jsonl"
sleep 0.5 # health.json is rewritten every 10 s: the last one is at most that old
node bin/ksa.js watch status --state-dir "$work/state" --json >"$work/status.json"
clients=0
for p in "${ports[@]}"; do clients=$((clients + $(redis-cli -p "$p" info clients | sed -n 's/^connected_clients:\([0-9]*\).*/\1/p') - 1)); done
kill -TERM "$ksa"
wait "$ksa" || echo "ksa watch exited $?"
ksa=''
node -e "
const lines = require('fs').readFileSync('$work/samples.jsonl', 'utf8').trim().split('\n').map(JSON.parse);
const summary = lines.pop();
const after = lines.filter((s) => s.t >= $warmup);
const med = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const early = med(after.slice(0, 10).map((s) => s.rssKB)), late = med(after.slice(-10).map((s) => s.rssKB));
const st = require('$work/status.json');
const h = st.health || {};
const states = {};
for (const t of st.targets) states[t.state] = (states[t.state] || 0) + 1;
console.log(JSON.stringify({
  cycles: h.scheduler && h.scheduler.cycles, skipped: h.scheduler && h.scheduler.skipped, overran: h.scheduler && h.scheduler.overran, lagMs: h.scheduler && h.scheduler.lagMs,
  states, rssKB: { afterWarmup: early, end: late, peak: summary.peakRssKB, growthPct: Math.round((late / early - 1) * 1000) / 10 },
  fds: { afterWarmup: summary.firstAfterWarmup.fds, end: summary.last.fds, min: Math.min(...after.map((s) => s.fds)), max: Math.max(...after.map((s) => s.fds)) },
  sockets: { afterWarmup: summary.firstAfterWarmup.sockets, end: summary.last.sockets, min: Math.min(...after.map((s) => s.sockets)), max: Math.max(...after.map((s) => s.sockets)) },
  cpuS: summary.cpuS, load1: summary.load1,
}));
"
echo "ksa connections on the 5 servers at the end: $clients (50 targets)"
echo "stderr: $(grep -c . "$work/stderr.log" || true) lines"
head -n 3 "$work/stderr.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
