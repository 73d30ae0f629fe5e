#!/usr/bin/env bash
# Runs `ksa watch` on SERVERS throwaway redis-server instances x NAMES targets each at INTERVAL for
# SECONDS and measures it from outside (bench/watch-probe.mjs: the process tree's RSS, fds and
# sockets every second from /proc) and from inside (`ksa watch status --json`: the health.json it
# rewrites every 10 s: schedule lag, run queue, skipped and overran ticks, host restarts); then
# prints one summary (bench/watch-load-summary.mjs). Used by bench/watch-fleet.sh and bench/watch-soak.sh.
# usage: bash bench/watch-load.sh SERVERS NAMES INTERVAL SECONDS WARMUP_SECONDS
#   KSA_NODE_FLAGS: node flags for ksa (e.g. --trace-gc); KEEP=dir keeps the events, samples and status.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
servers=$1 names=$2 interval=$3 secs=$4 warmup=$5
# shellcheck source=bench/redis-fleet.sh
source bench/redis-fleet.sh
fleet_bench_start "$servers" "$names" "$interval"
echo "machine: $(nproc) cores, $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg); $((servers * names)) targets on $servers servers every $interval for $secs s"
# shellcheck disable=SC2086 # KSA_NODE_FLAGS is a list of flags
node ${KSA_NODE_FLAGS:-} bin/ksa.js watch --config "$work/ksa.yaml" --state-dir "$work/state" --output json --health-every 10s >"$work/events.jsonl" 2>"$work/stderr.log" &
ksa=$!
node bench/watch-probe.mjs "$ksa" "$secs" 1000 "$warmup" >"$work/samples.jsonl"
node bin/ksa.js watch status --state-dir "$work/state" --json >"$work/status.json"
clients=0
for p in "${ports[@]}"; do clients=$((clients + $(redis-cli -p "$p" info clients | sed -n 's/^connected_clients:\([0-9]*\).*/\1/p') - 1)); done
kill -TERM "$ksa"
wait "$ksa" || echo "ksa watch exited $?"
ksa=''
node bench/watch-load-summary.mjs "$work" "$warmup" "$clients"
echo "stderr: $(grep -c . "$work/stderr.log" || true) lines"
head -n 3 "$work/stderr.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work"/*.jsonl "$work"/*.json "$work"/*.log "$KEEP"/; fi
