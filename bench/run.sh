#!/usr/bin/env bash
# Runs every benchmark script in bench/ (each needs the servers of scripts/services.sh where it
# diagnoses one). Results are recorded by hand in bench/RESULTS.md with the date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
# bench/latency.sh takes ~30 min (mysqltuner through a 150 ms link alone ~14 min).
for b in bench/core.sh bench/plugin-sandbox.sh bench/redis.sh bench/postgres.sh bench/mysql.sh bench/kafka.sh bench/fleet.sh bench/latency.sh bench/watch-cpu.sh bench/watch-fleet.sh bench/watch-soak.sh bench/serve-probe.sh bench/serve-metrics.sh; do
  [ -f "$b" ] || continue
  echo "== $b"
  bash "$b"
done
