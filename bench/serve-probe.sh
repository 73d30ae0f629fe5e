#!/usr/bin/env bash
# Issue 19: `ksa serve` /probe latency of one target (a fresh cycle each time: serve.probe.cache is
# 1 ms, so nothing comes from the cache) vs the Debian exporter's scrape of the same server, side
# by side in alternating pairs (bench/serve-probe.mjs): Redis (a throwaway redis-server with 10,000
# keys) vs prometheus-redis-exporter; PostgreSQL and MySQL (the primaries of scripts/services.sh)
# vs prometheus-postgres-exporter and prometheus-mysqld-exporter (whose Debian version has no
# /probe: its /metrics, which scrapes at request time). Goal: ksa <= 2x the exporter.
# usage: bash bench/serve-probe.sh [pairs]
# Needs `npm run build`, the services of scripts/services.sh and the three exporters (it installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
for e in prometheus-redis-exporter prometheus-postgres-exporter prometheus-mysqld-exporter; do
  command -v "$e" >/dev/null || { echo "$e missing: run bash scripts/services.sh start as root (it installs it)" >&2; exit 3; }
done
# shellcheck disable=SC1091
source "${KSA_SERVICES_DIR:-.services}/env"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_http() { for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

rport=$(free_port)
export REDISCLI_AUTH=benchpw BENCH_PW=benchpw
redis-server --port "$rport" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --requirepass benchpw --maxmemory 64mb --enable-debug-command local --daemonize no --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$rport" debug populate 10000 bench 100 >/dev/null

pg_host=${KSA_PG_PRIMARY%:*} pg_port=${KSA_PG_PRIMARY##*:}
my_host=${KSA_MYSQL_PRIMARY%:*} my_port=${KSA_MYSQL_PRIMARY##*:}
export KSA_PG_PASSWORD KSA_MYSQL_PASSWORD
e_redis=$(free_port) e_pg=$(free_port) e_my=$(free_port) ksa_port=$(free_port)
prometheus-redis-exporter --redis.addr "redis://127.0.0.1:$rport" --redis.password benchpw --web.listen-address "127.0.0.1:$e_redis" >"$work/redis-exporter.log" 2>&1 &
pids+=($!)
DATA_SOURCE_NAME="postgresql://$KSA_PG_USER:$KSA_PG_PASSWORD@$pg_host:$pg_port/postgres?sslmode=disable" \
  prometheus-postgres-exporter --web.listen-address "127.0.0.1:$e_pg" >"$work/pg-exporter.log" 2>&1 &
pids+=($!)
printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\n' "$KSA_MYSQL_USER" "$KSA_MYSQL_PASSWORD" "$my_host" "$my_port" >"$work/my.cnf"
prometheus-mysqld-exporter --config.my-cnf "$work/my.cnf" --web.listen-address "127.0.0.1:$e_my" >"$work/my-exporter.log" 2>&1 &
pids+=($!)

cat >"$work/ksa.yaml" <<YAML
defaults: { interval: 1h, timeout: 10s }
targets:
  - { name: redis, type: redis, endpoints: ["127.0.0.1:$rport"], auth: { passwordEnv: BENCH_PW } }
  - { name: postgres, type: postgres, endpoints: ["$KSA_PG_PRIMARY"], auth: { username: $KSA_PG_USER, passwordEnv: KSA_PG_PASSWORD } }
  - { name: mysql, type: mysql, endpoints: ["$KSA_MYSQL_PRIMARY"], auth: { username: $KSA_MYSQL_USER, passwordEnv: KSA_MYSQL_PASSWORD } }
serve:
  probe: { cache: 1ms }
YAML
node bin/ksa.js serve --config "$work/ksa.yaml" --state-dir "$work/state" --listen "127.0.0.1:$ksa_port" 2>"$work/ksa.log" &
pids+=($!)
wait_http "http://127.0.0.1:$ksa_port/readyz"
for u in "127.0.0.1:$e_redis" "127.0.0.1:$e_pg" "127.0.0.1:$e_my"; do wait_http "http://$u/metrics"; done
echo "machine: $(nproc) cores, $(node --version), exporters redis $(dpkg-query -W -f='${Version}' prometheus-redis-exporter), postgres $(dpkg-query -W -f='${Version}' prometheus-postgres-exporter), mysqld $(dpkg-query -W -f='${Version}' prometheus-mysqld-exporter); load $(cut -d' ' -f1-3 /proc/loadavg)"
pairs=${1:-40}
node bench/serve-probe.mjs redis "http://127.0.0.1:$ksa_port/probe?target=redis" "http://127.0.0.1:$e_redis/metrics" "$pairs"
node bench/serve-probe.mjs postgres "http://127.0.0.1:$ksa_port/probe?target=postgres" "http://127.0.0.1:$e_pg/metrics" "$pairs"
node bench/serve-probe.mjs mysql "http://127.0.0.1:$ksa_port/probe?target=mysql" "http://127.0.0.1:$e_my/metrics" "$pairs"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
