#!/usr/bin/env bash
# Issue 16: steady-state CPU per cycle of `ksa watch` (one Redis target, every category) vs Debian's
# prometheus-redis-exporter scraped at the same rate, on one throwaway redis-server, in alternating
# pairs (bench/watch-cpu.mjs). Goal: ksa <= 1.5x the exporter's CPU per scrape.
# usage: bash bench/watch-cpu.sh [pairs] [seconds per run] [interval ms] [warm-up s]
# Needs `npm run build`, redis-server and prometheus-redis-exporter (scripts/services.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
command -v prometheus-redis-exporter >/dev/null || { echo "prometheus-redis-exporter missing: run bash scripts/services.sh start as root (it installs it)" >&2; exit 3; }
work=$(mktemp -d)
pid=''
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export REDISCLI_AUTH=benchpw
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --requirepass "$REDISCLI_AUTH" --maxmemory 64mb --enable-debug-command local --daemonize no --logfile "$work/log" &
pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
# Some data, so the memory and keyspace figures are not of an empty server (the same for both).
redis-cli -p "$port" debug populate 10000 bench 100 >/dev/null
echo "machine: $(nproc) cores, $(node --version), $(redis-server --version | cut -d' ' -f3), exporter $(dpkg-query -W -f='${Version}' prometheus-redis-exporter), load $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 0 node bench/watch-cpu.mjs "$port" "${1:-5}" "${2:-40}" "${3:-1000}" "${4:-6}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
