#!/usr/bin/env bash
# Issue 19: `ksa serve` with 2,000 Redis targets (20 throwaway redis-server instances x 100 names)
# at a 30 s interval: once every target has been diagnosed, the /metrics response time (client
# side, text and OpenMetrics), its size and series count, and the RSS of the process tree
# (bench/serve-metrics.mjs).
# usage: bash bench/serve-metrics.sh [servers] [names per server] [scrapes]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
servers=${1:-20} names=${2:-100} scrapes=${3:-20}
# shellcheck source=bench/redis-fleet.sh
source bench/redis-fleet.sh
fleet_bench_start "$servers" "$names" 30s
port=$(free_port)
echo "machine: $(nproc) cores, $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg); $((servers * names)) targets on $servers servers every 30s"
node bin/ksa.js serve --config "$work/ksa.yaml" --state-dir "$work/state" --listen "127.0.0.1:$port" 2>"$work/stderr.log" &
ksa=$!
node bench/serve-metrics.mjs "$ksa" "http://127.0.0.1:$port" "$scrapes" 300
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
