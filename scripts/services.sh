#!/usr/bin/env bash
# Throwaway real servers for ksa tests: Redis, MariaDB, PostgreSQL (each primary + replica),
# a librdkafka mock Kafka cluster and (on request) ZooKeeper. Loopback only, free ports.
#
#   bash scripts/services.sh start [redis|mysql|postgres|kafka|zookeeper ...]
#                                  (default: redis mysql postgres kafka)
#   bash scripts/services.sh stop  [component ...]   (default: everything that is recorded)
#   bash scripts/services.sh status [component ...]  (exit 0 when all named/default are up)
#   bash scripts/services.sh env                     (print <state>/env)
#   bash scripts/services.sh install [component ...] (packages only)
#
# State: ${KSA_SERVICES_DIR:-<repo>/.services}. Kafka control: scripts/kafka-mock/control.sh.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${KSA_SERVICES_DIR:-$REPO/.services}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
PIDS="$STATE/pids"
ENVD="$STATE/env.d"
ALL_COMPONENTS=(redis mysql postgres kafka zookeeper)
DEFAULT_COMPONENTS=(redis mysql postgres kafka zookeeper)
KAFKA_TOPICS=(orders:6:3 payments:3:3 audit:2:1)
KAFKA_BROKERS=3

log() { printf '%s\n' "$*"; }
die() { printf 'services.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
genpass() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# poll CMD... every 50 ms until it succeeds or $WAIT_S seconds pass
wait_for() {
  local what="$1" deadline; shift
  deadline=$(( $(date +%s) + ${WAIT_S:-60} ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || die "timed out waiting for $what"
    sleep 0.05
  done
}

# N distinct free loopback ports (all bound at once, then released)
free_ports() {
  node -e '
    const net = require("net"); const n = +process.argv[1]; const s = [];
    for (let i = 0; i < n; i++) s.push(new Promise((ok, ko) => {
      const x = net.createServer(); x.once("error", ko); x.listen(0, "127.0.0.1", () => ok(x)); }));
    Promise.all(s).then(xs => { console.log(xs.map(x => x.address().port).join(" ")); xs.forEach(x => x.close()); });
  ' "$1"
}

# readiness probes (used with wait_for)
redis_linked() { redis-cli -h 127.0.0.1 -p "$1" info replication | grep -q 'master_link_status:up'; }
mysql_repl_ok() { # replica-socket primary-gtid-pos
  local s; s="$(echo 'SHOW SLAVE STATUS\G' | mariadb --no-defaults --socket="$1" -uroot)"
  grep -q 'Slave_IO_Running: Yes' <<<"$s" && grep -q 'Slave_SQL_Running: Yes' <<<"$s" &&
    [[ "$(echo "SELECT MASTER_GTID_WAIT('$2', 0.2)" | mysql_root "$1")" == 0 ]]
}
pg_streaming() { # bin socket-dir port
  [[ "$(as_pg "$1/psql" -X -At -h "$2" -p "$3" -U postgres -d postgres \
    -c "select count(*) from pg_stat_replication where state = 'streaming'")" -ge 1 ]]
}
tcp_open() { # host:port,... -> every one accepts TCP
  local hp; for hp in ${1//,/ }; do (exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}") 2>/dev/null || return 1; done
}
zk_ok() { # port
  local r; exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf ruok >&3; r="$(timeout 2 cat <&3)"; exec 3<&-; [[ $r == imok ]]
}

# ---------------------------------------------------------------- processes
# pid files: $PIDS/<name>.pid ; expected executable name for PID-reuse safety
expected_exe() {
  case "$1" in
    redis-*) echo redis-server ;; mysql-*) echo mariadbd ;; pg-*) echo postgres ;;
    kafka) echo kafka-mock ;; zookeeper) echo java ;; *) echo '' ;;
  esac
}
proc_pids() { # pid-file names of a component
  case "$1" in
    redis) echo "redis-primary redis-replica" ;; mysql) echo "mysql-primary mysql-replica" ;;
    postgres) echo "pg-primary pg-replica" ;; kafka) echo kafka ;; zookeeper) echo zookeeper ;;
  esac
}
pid_of() { local f="$PIDS/$1.pid"; [[ -s $f ]] && head -n1 "$f" | tr -dc 0-9; }
pid_alive() { # name
  local pid exe st
  pid="$(pid_of "$1" 2>/dev/null)" || return 1
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  st="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ $st != Z && $st != X ]] || return 1
  exe="$(expected_exe "$1")"
  [[ -z $exe ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$exe"
}
component_up() { local n; [[ -f $ENVD/$1 ]] || return 1; for n in $(proc_pids "$1"); do pid_alive "$n" || return 1; done; }
component_recorded() { local n; for n in $(proc_pids "$1"); do [[ -e $PIDS/$n.pid ]] && return 0; done; return 1; }

# run CMD detached (own session, no inherited fds), pid written by the process itself
spawn() { # pidfile logfile cmd...
  local pidf="$1" logf="$2"; shift 2
  # shellcheck disable=SC2016  # $$ and $@ are for the inner shell
  ( setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logf" 2>&1 9>&- & )
}

kill_names() { # signal-per-name, then wait for all to exit
  local n pid sig left=() deadline
  for n in "$@"; do
    pid_alive "$n" || { rm -f "$PIDS/$n.pid"; continue; }
    pid="$(pid_of "$n")"; sig=TERM; [[ $n == pg-* ]] && sig=INT   # PG: fast shutdown
    kill -s "$sig" "$pid" 2>/dev/null || true
    left+=("$n")
  done
  deadline=$(( $(date +%s) + 20 ))
  for n in "${left[@]+"${left[@]}"}"; do
    while pid_alive "$n"; do
      if (( $(date +%s) >= deadline )); then kill -KILL "$(pid_of "$n")" 2>/dev/null || true; sleep 0.2; break; fi
      sleep 0.05
    done
    rm -f "$PIDS/$n.pid"
  done
}

# ---------------------------------------------------------------- install
pkgs_for() {
  case "$1" in
    redis) echo "redis-server redis-tools" ;;
    mysql) echo "mariadb-server mariadb-client" ;;
    postgres) echo "postgresql postgresql-contrib" ;;
    kafka) echo "librdkafka-dev gcc libc6-dev pkg-config" ;;
    zookeeper) echo "zookeeper" ;;
  esac
}
install_components() {
  local c p missing=() t0 created_policy=0
  local -a want=()
  for c in "$@"; do read -r -a p <<<"$(pkgs_for "$c")"; want+=("${p[@]}"); done
  ((${#want[@]})) || return 0
  # Not servers, but what the reliability suite builds its network faults with: a SYN black hole
  # is a network namespace (iproute2) whose nftables input policy drops everything.
  # python3-junitparser: the independent reader of ksa's JUnit XML in test/e2e/junit-contract.test.ts.
  # chromium: opens the HTML report headless in test/e2e/report-formats.test.ts.
  # man-db, zsh, fish: render man/ksa.1 and load the completion scripts in test/e2e/completion.test.ts.
  # bubblewrap: the default sandbox of external plugin hosts (src/core/isolation/sandbox-*.ts, test/reliability/sandbox.test.ts).
  # prometheus-redis-exporter: the baseline of bench/watch-cpu.sh (ksa watch's CPU per cycle vs its CPU per scrape).
  # prometheus: promtool check metrics/rules and a real Prometheus scraping ksa serve (test/e2e/serve-prometheus.test.ts).
  # prometheus-postgres-exporter, prometheus-mysqld-exporter: the baselines of bench/serve-probe.sh (with the redis one).
  # ansible, openssh-server, openssh-client: the recovery plugins' real programs (ansible-playbook on localhost, ssh to a
  # loopback sshd) in test/integration/recovery/recovery-plugins.test.ts.
  # prometheus-alertmanager, python3-aiosmtpd: the real receivers of the notifier tests (Alertmanager's /api/v2, an SMTP server into a Maildir) and of the shipped rules (test/e2e/serve-prometheus.test.ts).
  # prometheus-postgres-exporter: a real exporter the prometheus plugin's postgres pack reads (test/integration/prometheus/).
  want+=(nftables iproute2 python3-junitparser chromium man-db zsh fish bubblewrap prometheus-redis-exporter prometheus ansible openssh-server openssh-client prometheus-alertmanager python3-aiosmtpd prometheus-postgres-exporter prometheus-mysqld-exporter)
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install -y --no-install-recommends ${missing[*]})"
  t0="$(now)"
  log "installing: ${missing[*]}"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; created_policy=1
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
  } >"$STATE/apt.log" 2>&1 || rc=$?
  ((created_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || { tail -n 30 "$STATE/apt.log" >&2; die "apt-get failed (log: $STATE/apt.log)"; }
  log "installed ${#missing[@]} packages in $(elapsed "$t0") s (log: $STATE/apt.log)"
}

# ---------------------------------------------------------------- redis
start_redis() { # pport rport
  local pw d="$STATE/redis" role port
  pw="$(genpass)"
  rm -rf "$d"; mkdir -p "$d"
  for role in primary replica; do
    port=$1; [[ $role == replica ]] && port=$2
    mkdir -p "$d/$role"
    {
      echo "port $port"; echo "bind 127.0.0.1"; echo "dir $d/$role"; echo "daemonize yes"
      echo "pidfile $PIDS/redis-$role.pid"; echo "logfile $d/$role/redis.log"
      echo "save \"\""; echo "appendonly no"; echo "repl-diskless-sync-delay 0"
      echo "requirepass $pw"; echo "masterauth $pw"
      [[ $role == replica ]] && echo "replicaof 127.0.0.1 $1"
    } >"$d/$role.conf"
    chmod 600 "$d/$role.conf"
    redis-server "$d/$role.conf" 9>&-
  done
  export REDISCLI_AUTH="$pw"
  wait_for "redis replica link" redis_linked "$2"
  wait_for "redis pid files" test -s "$PIDS/redis-primary.pid" -a -s "$PIDS/redis-replica.pid"
  printf 'KSA_REDIS_PRIMARY=127.0.0.1:%s\nKSA_REDIS_REPLICA=127.0.0.1:%s\nKSA_REDIS_PASSWORD=%s\n' \
    "$1" "$2" "$pw" >"$ENVD/redis"
  log "redis      primary 127.0.0.1:$1  replica 127.0.0.1:$2 (linked)"
}

# ---------------------------------------------------------------- mariadb
mysql_root() { mariadb --no-defaults --socket="$1" -uroot --batch --skip-column-names; }
start_mysql() { # pport rport
  local pw rpw d="$STATE/mysql" role port id gtid
  pw="$(genpass)"; rpw="$(genpass)"
  local -a common=(--no-defaults --innodb-log-file-size=16M --innodb-buffer-pool-size=64M)
  local -a asuser=(); [[ $(id -u) == 0 ]] && asuser=(--user=root)
  rm -rf "$d"; mkdir -p "$d"
  mariadb-install-db "${common[@]}" "${asuser[@]}" --datadir="$d/template" \
    --auth-root-authentication-method=socket --skip-test-db >"$d/install-db.log" 2>&1 ||
    { tail -n 20 "$d/install-db.log" >&2; die "mariadb-install-db failed"; }
  for role in primary replica; do
    port=$1; id=1; [[ $role == replica ]] && { port=$2; id=2; }
    mkdir -p "$d/$role"; cp -a "$d/template" "$d/$role/data"
    local -a extra=(); [[ $role == replica ]] && extra=(--read-only=ON --log-slave-updates=ON --relay-log="$d/$role/relay-bin")
    spawn "$PIDS/mysql-$role.pid.tmp" "$d/$role/stdout.log" mariadbd "${common[@]}" "${asuser[@]}" \
      --datadir="$d/$role/data" --port="$port" --bind-address=127.0.0.1 --socket="$d/$role/mysql.sock" \
      --pid-file="$d/$role/mariadbd.pid" --log-error="$d/$role/error.log" --server-id="$id" \
      --log-bin="$d/$role/mysql-bin" --binlog-format=ROW --performance-schema=ON \
      --max-connections=100 --skip-name-resolve --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
      "${extra[@]+"${extra[@]}"}"
  done
  rm -rf "$d/template"
  for role in primary replica; do
    wait_for "mariadb $role pid" test -s "$PIDS/mysql-$role.pid.tmp"
    mv "$PIDS/mysql-$role.pid.tmp" "$PIDS/mysql-$role.pid"
    wait_for "mariadb $role socket" mariadb-admin --no-defaults --socket="$d/$role/mysql.sock" -uroot ping
  done
  mysql_root "$d/primary/mysql.sock" <<SQL
CREATE USER 'ksa'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER 'ksa'@'localhost' IDENTIFIED BY '$pw';
GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT, SHOW VIEW ON *.* TO 'ksa'@'127.0.0.1', 'ksa'@'localhost';
CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '$rpw';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
SQL
  mysql_root "$d/replica/mysql.sock" <<SQL
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$1, MASTER_USER='repl', MASTER_PASSWORD='$rpw', MASTER_USE_GTID=slave_pos;
START SLAVE;
SQL
  gtid="$(echo 'SELECT @@gtid_binlog_pos' | mysql_root "$d/primary/mysql.sock")"
  wait_for "mariadb replication" mysql_repl_ok "$d/replica/mysql.sock" "$gtid"
  {
    printf 'KSA_MYSQL_PRIMARY=127.0.0.1:%s\nKSA_MYSQL_REPLICA=127.0.0.1:%s\n' "$1" "$2"
    printf 'KSA_MYSQL_USER=ksa\nKSA_MYSQL_PASSWORD=%s\n' "$pw"
    printf 'KSA_MYSQL_PRIMARY_SOCKET=%s\nKSA_MYSQL_REPLICA_SOCKET=%s\n' "$d/primary/mysql.sock" "$d/replica/mysql.sock"
  } >"$ENVD/mysql"
  log "mysql      primary 127.0.0.1:$1  replica 127.0.0.1:$2 (GTID replication running)"
}

# ---------------------------------------------------------------- postgres
pg_bin() { # newest installed major version
  local b; b="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  [[ -x $b/initdb ]] || die "postgresql not installed"; echo "$b"
}
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_root() { # data root that the postgres user can traverse
  if [[ $(id -u) != 0 ]] || runuser -u postgres -- test -x "$STATE" 2>/dev/null; then echo "$STATE/pg"
  else echo "/tmp/ksa-pg-$(printf %s "$STATE" | sha1sum | cut -c1-12)"; fi
}
start_postgres() { # pport rport
  local bin pw mpw root
  pw="$(genpass)"; mpw="$(genpass)"; bin="$(pg_bin)"; root="$(pg_root)"
  rm -rf "$root"
  mkdir -p "$root"; chmod 700 "$root"
  echo "$root" >"$STATE/pg-root"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$root"
  local P="$root/primary" R="$root/replica" pwf="$root/pwfile"
  ( umask 077; echo "$pw" >"$pwf"; printf '127.0.0.1:%s:*:postgres:%s\n' "$1" "$pw" >"$root/pgpass" )
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$pwf" "$root/pgpass"
  as_pg "$bin/initdb" -D "$P" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
    --pwfile="$pwf" -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 ||
    { tail -n 20 "$root/initdb.log" >&2; die "initdb failed"; }
  rm -f "$pwf"
  as_pg tee -a "$P/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$P'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
track_io_timing = on
shared_buffers = 32MB
fsync = off
synchronous_commit = off
CONF
  as_pg "$bin/pg_ctl" -D "$P" -l "$root/primary.log" -w -t 60 start >/dev/null 9>&- ||
    { tail -n 20 "$root/primary.log" >&2; die "postgres primary failed to start"; }
  head -n1 "$P/postmaster.pid" >"$PIDS/pg-primary.pid"
  as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$P" -p "$1" -U postgres -d postgres <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE ROLE ksa_monitor LOGIN PASSWORD '$mpw';
GRANT pg_monitor TO ksa_monitor;
SQL
  as_pg env PGPASSFILE="$root/pgpass" "$bin/pg_basebackup" -h 127.0.0.1 -p "$1" -U postgres \
    -D "$R" -R -X stream -c fast -C -S ksa_replica >"$root/basebackup.log" 2>&1 ||
    { tail -n 20 "$root/basebackup.log" >&2; die "pg_basebackup failed"; }
  printf "port = %s\nunix_socket_directories = '%s'\n" "$2" "$R" | as_pg tee -a "$R/postgresql.conf" >/dev/null
  as_pg "$bin/pg_ctl" -D "$R" -l "$root/replica.log" -w -t 60 start >/dev/null 9>&- ||
    { tail -n 20 "$root/replica.log" >&2; die "postgres replica failed to start"; }
  head -n1 "$R/postmaster.pid" >"$PIDS/pg-replica.pid"
  wait_for "postgres streaming replication" pg_streaming "$bin" "$P" "$1"
  {
    printf 'KSA_PG_PRIMARY=127.0.0.1:%s\nKSA_PG_REPLICA=127.0.0.1:%s\n' "$1" "$2"
    printf 'KSA_PG_USER=ksa_monitor\nKSA_PG_PASSWORD=%s\n' "$mpw"
    printf 'KSA_PG_SUPERUSER=postgres\nKSA_PG_SUPERUSER_PASSWORD=%s\n' "$pw"
    printf 'KSA_PG_PRIMARY_DATA=%s\nKSA_PG_REPLICA_DATA=%s\nKSA_PG_BIN=%s\n' "$P" "$R" "$bin"
  } >"$ENVD/postgres"
  log "postgres   primary 127.0.0.1:$1  replica 127.0.0.1:$2 (streaming)"
}

# ---------------------------------------------------------------- kafka (librdkafka mock)
start_kafka() {
  local src="$REPO/scripts/kafka-mock/kafka-mock.c" bin="$STATE/bin/kafka-mock" d="$STATE/kafka"
  mkdir -p "$STATE/bin"
  if [[ ! -x $bin || $src -nt $bin ]]; then
    # shellcheck disable=SC2046
    gcc -O2 -Wall -o "$bin.tmp" "$src" $(pkg-config --cflags --libs rdkafka) && mv "$bin.tmp" "$bin"
  fi
  rm -rf "$d"; mkdir -p "$d"
  mkfifo "$d/control"; : >"$d/control.reply"
  spawn "$PIDS/kafka.pid" "$d/mock.log" "$bin" -b "$KAFKA_BROKERS" -c "$d/control" -r "$d/control.reply" "${KAFKA_TOPICS[@]}"
  wait_for "kafka mock bootstrap" grep -q '^BOOTSTRAP=' "$d/mock.log"
  local bs; bs="$(sed -n 's/^BOOTSTRAP=//p' "$d/mock.log" | head -n1)"
  wait_for "kafka mock brokers" tcp_open "$bs"
  printf 'KSA_KAFKA_BOOTSTRAP=%s\nKSA_KAFKA_CONTROL=%s\n' "$bs" "$d/control" >"$ENVD/kafka"
  log "kafka      mock ${KAFKA_BROKERS} brokers $bs  control $d/control (topics ${KAFKA_TOPICS[*]})"
}

# ---------------------------------------------------------------- zookeeper
start_zookeeper() { # port
  local d="$STATE/zookeeper" cp
  rm -rf "$d"; mkdir -p "$d/data"
  # zookeeper.jar's manifest Class-Path lists its Debian dependency jars
  cp=/usr/share/java/zookeeper.jar
  [[ -f $cp ]] || die "zookeeper jar not found ($cp)"
  [[ -d /etc/zookeeper/conf ]] && cp="/etc/zookeeper/conf:$cp"
  cat >"$d/zoo.cfg" <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$d/data
clientPort=$1
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=*
CFG
  spawn "$PIDS/zookeeper.pid" "$d/zookeeper.log" java -Xmx256m -Dzookeeper.log.dir="$d" \
    -Dzookeeper.root.logger=INFO,CONSOLE -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$d/zoo.cfg"
  wait_for "zookeeper ruok" zk_ok "$1"
  printf 'KSA_ZOOKEEPER=127.0.0.1:%s\n' "$1" >"$ENVD/zookeeper"
  log "zookeeper  127.0.0.1:$1"
}

# ---------------------------------------------------------------- env / status
write_env() { # env of the running components; no env file when nothing runs
  local c up=0
  for c in "${ALL_COMPONENTS[@]}"; do component_up "$c" && up=1; done
  ((up)) || { rm -f "$STATE/env"; return 0; }
  {
    for c in "${ALL_COMPONENTS[@]}"; do
      component_up "$c" && [[ -f $ENVD/$c ]] && cat "$ENVD/$c"
    done
    echo "KSA_SERVICES_DIR=$STATE"
  } >"$STATE/env.tmp"
  mv "$STATE/env.tmp" "$STATE/env"
}

valid_components() {
  local c a
  for c in "$@"; do
    for a in "${ALL_COMPONENTS[@]}"; do [[ $c == "$a" ]] && continue 2; done
    die "unknown component '$c' (expected: ${ALL_COMPONENTS[*]})"
  done
}

cmd_start() {
  local t0 c todo=() ports i=0 pids=() rc=0 n
  t0="$(now)"
  (($#)) || set -- "${DEFAULT_COMPONENTS[@]}"
  valid_components "$@"
  install_components "$@"
  for c in "$@"; do
    if component_up "$c"; then
      log "$(printf '%-10s already running (kept)' "$c")"
    else
      if component_recorded "$c"; then read -r -a n <<<"$(proc_pids "$c")"; kill_names "${n[@]}"; fi
      todo+=("$c")
    fi
  done
  if ((${#todo[@]})); then
    read -r -a ports <<<"$(free_ports 7)"
    for c in "${todo[@]}"; do
      case "$c" in
        redis) start_redis "${ports[0]}" "${ports[1]}" & ;;
        mysql) start_mysql "${ports[2]}" "${ports[3]}" & ;;
        postgres) start_postgres "${ports[4]}" "${ports[5]}" & ;;
        kafka) start_kafka & ;;
        zookeeper) start_zookeeper "${ports[6]}" & ;;
      esac
      pids+=($!)
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || { rc=1; log "FAILED: ${todo[$i]} (see $STATE)" >&2; }; done
  fi
  write_env
  ((rc == 0)) || die "some services failed to start; 'bash scripts/services.sh stop' cleans up"
  log "services ready in $(elapsed "$t0") s; env: $STATE/env"
}

cmd_stop() {
  local c names=() n
  (($#)) || set -- "${ALL_COMPONENTS[@]}"
  valid_components "$@"
  for c in "$@"; do read -r -a n <<<"$(proc_pids "$c")"; names+=("${n[@]}"); done
  kill_names "${names[@]}"
  for c in "$@"; do
    rm -f "$ENVD/$c"
    case "$c" in
      redis) rm -rf "$STATE/redis" ;; mysql) rm -rf "$STATE/mysql" ;;
      postgres) if [[ -f $STATE/pg-root ]]; then rm -rf "$(cat "$STATE/pg-root")"; rm -f "$STATE/pg-root"; fi ;;
      kafka) rm -rf "$STATE/kafka" ;; zookeeper) rm -rf "$STATE/zookeeper" ;;
    esac
  done
  write_env
  log "stopped: $*"
}

cmd_status() {
  local c rc=0 show=("${ALL_COMPONENTS[@]}") need=("$@")
  (($#)) || need=("${DEFAULT_COMPONENTS[@]}")
  valid_components "${need[@]}"
  for c in "${show[@]}"; do
    if component_up "$c"; then
      printf '%-10s up    %s\n' "$c" "$(grep -o '^[A-Z_]*\(PRIMARY\|REPLICA\|BOOTSTRAP\|ZOOKEEPER\)=.*' "$ENVD/$c" 2>/dev/null | tr '\n' ' ')"
    elif component_recorded "$c"; then printf '%-10s down  (stale pid files: run stop/start)\n' "$c"
    else printf '%-10s down\n' "$c"; fi
  done
  for c in "${need[@]}"; do component_up "$c" || rc=1; done
  return "$rc"
}

main() {
  local cmd="${1:-}"; shift || true
  mkdir -p "$PIDS" "$ENVD"
  case "$cmd" in
    start|stop)
      exec 9>"$STATE/.lock"; flock 9
      "cmd_$cmd" "$@" ;;
    status) cmd_status "$@" ;;
    env) [[ -f $STATE/env ]] || die "no $STATE/env: run 'bash scripts/services.sh start'"; cat "$STATE/env" ;;
    install) (($#)) || set -- "${DEFAULT_COMPONENTS[@]}"; valid_components "$@"; install_components "$@" ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [[ -z $cmd || $cmd == help || $cmd == -h ]] || exit 2 ;;
  esac
}
main "$@"
