#!/usr/bin/env bash
# Fleet benchmark (issue 7): 200 targets (20 real redis-server instances x 10 names each) in one
# run vs a single target's run, side by side; plus the peak RSS of the 200-target run.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ports=()
# shellcheck source=bench/redis-fleet.sh
source bench/redis-fleet.sh
start_redis_fleet 20
{
  echo "defaults: { timeout: 10s, concurrency: 32 }"
  echo "targets:"
  for i in $(seq 1 20); do for n in $(seq 1 10); do
    echo "  - { name: r$i-$n, type: redis, endpoints: [127.0.0.1:${ports[$((i-1))]}], auth: { passwordEnv: BENCH_PW } }"
  done; done
} > "$work/ksa.yaml"
{
  echo "targets:"
  echo "  - { name: single, type: redis, endpoints: [127.0.0.1:${ports[0]}], auth: { passwordEnv: BENCH_PW } }"
} > "$work/one.yaml"
export BENCH_PW=benchpw
node bin/ksa.js diagnose --config "$work/ksa.yaml" --json > "$work/out.json" || true
echo "200-target statuses: $(node -e "const r=require('$work/out.json');const c={},f={};for(const x of r.results){c[x.status]=(c[x.status]||0)+1;for(const g of x.findings)if(g.severity!=='info'){const k=g.id+(g.evidence&&g.evidence.top?' '+g.evidence.top[0].command:'');f[k]=(f[k]||0)+1;}}console.log(JSON.stringify(c),'non-info findings:',JSON.stringify(f))")"
node bench/compare.mjs -n "${RUNS:-7}" --label '200 redis targets vs 1 target' -- "node bin/ksa.js diagnose --config $work/ksa.yaml --json >/dev/null; true" "node bin/ksa.js diagnose --config $work/one.yaml --json >/dev/null; true"
/usr/bin/time -f '{"label":"200 targets peak RSS","maxRssKB":%M,"wallS":%e}' node bin/ksa.js diagnose --config "$work/ksa.yaml" --json 2>&1 >/dev/null | tail -1
