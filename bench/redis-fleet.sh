# Sourced by the bench scripts that need several Redis servers: starts N throwaway redis-server
# instances on free loopback ports (password benchpw, no persistence, 64 MB), each in its own
# folder under $work, and appends to the caller's arrays `ports` and `pids` (the caller kills them).
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
start_redis_fleet() {
  local i p
  for i in $(seq 1 "$1"); do
    p=$(free_port)
    mkdir -p "$work/r$i"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$work/r$i" --save '' --appendonly no --requirepass benchpw --maxmemory 64mb --daemonize no --logfile "$work/r$i/log" &
    pids+=($!)
    ports+=("$p")
  done
  sleep 0.5
}
# ksa.yaml on stdout: NAMES targets on each server of the fleet (`ports`), every INTERVAL.
fleet_config() {
  local interval=$1 names=$2 i n
  echo "defaults: { interval: $interval, timeout: 10s }"
  echo "targets:"
  for i in $(seq 1 "${#ports[@]}"); do for n in $(seq 1 "$names"); do
    echo "  - { name: r$i-$n, type: redis, endpoints: [127.0.0.1:${ports[$((i-1))]}], auth: { passwordEnv: BENCH_PW }, labels: { server: r$i } }"
  done; done
}
# The set-up of a bench that runs one long-lived ksa process (watch or serve) over a fleet: a work
# dir, SERVERS redis-servers, $work/ksa.yaml with NAMES targets each every INTERVAL, and an EXIT
# trap that kills the process in `ksa` (the caller sets it), the servers and the work dir.
fleet_bench_start() {
  work=$(mktemp -d)
  pids=() ports=() ksa=''
  trap 'fleet_bench_cleanup' EXIT
  export BENCH_PW=benchpw REDISCLI_AUTH=benchpw
  start_redis_fleet "$1"
  fleet_config "$3" "$2" > "$work/ksa.yaml"
}
fleet_bench_cleanup() {
  [ -n "$ksa" ] && kill "$ksa" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null
  rm -rf "$work"
}
