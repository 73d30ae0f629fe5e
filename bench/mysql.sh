#!/usr/bin/env bash
# MySQL benchmark (issue 5): `ksa diagnose mysql` vs MySQLTuner on the same throwaway MariaDB,
# seeded with known problems; wall time side by side (runs interleaved A B A B ...) and the
# problems each tool reports. Needs: npm run build, mariadb-server, mysqltuner (apt).
#   bash bench/mysql.sh [runs]        (default 5; writes bench/results/mysql.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
OUT=bench/results/mysql.md
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/mariadbd.pid ]] && kill "$(cat "$work/mariadbd.pid")" 2>/dev/null || true
  sleep 0.5; rm -rf "$work"
}
trap cleanup EXIT
command -v mysqltuner >/dev/null || { echo "mysqltuner missing: apt-get install -y mysqltuner" >&2; exit 1; }
[[ -f dist/src/cli/main.js ]] || { echo "ksa is not built: npm run build" >&2; exit 1; }

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
mariadb-install-db --no-defaults --datadir="$work/data" --user=root --auth-root-authentication-method=socket --skip-test-db >/dev/null 2>&1
mariadbd --no-defaults --datadir="$work/data" --port="$port" --bind-address=127.0.0.1 --socket="$work/s.sock" \
  --pid-file="$work/mariadbd.pid" --user=root --log-error="$work/error.log" --performance-schema=ON \
  --innodb-buffer-pool-size=64M --slow-query-log=ON --long-query-time=0.2 --innodb-lock-wait-timeout=600 \
  --max-connections=20 --skip-name-resolve >/dev/null 2>&1 &
root() { mariadb --no-defaults --socket="$work/s.sock" -uroot "$@"; }
for _ in $(seq 100); do root -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done

# Known problems: passwordless, anonymous and remote root accounts; unindexed joins; slow and
# on-disk-temporary statements; a lock wait held for the whole benchmark.
root >/dev/null <<'SQL'
CREATE USER 'bench'@'127.0.0.1' IDENTIFIED BY 'benchpw'; GRANT ALL ON *.* TO 'bench'@'127.0.0.1';
CREATE USER 'guest'@'%';
CREATE USER ''@'localhost';
CREATE USER 'root'@'%' IDENTIFIED BY 'rootpw'; GRANT ALL ON *.* TO 'root'@'%';
CREATE DATABASE app;
USE app;
CREATE TABLE app.a (id INT PRIMARY KEY, v INT, note TEXT);
CREATE TABLE app.b (id INT, v INT);
INSERT INTO app.a SELECT seq, seq % 50, REPEAT('x', 100) FROM seq_1_to_2000;
INSERT INTO app.b SELECT seq, seq % 50 FROM seq_1_to_2000;
SELECT COUNT(*) FROM app.a JOIN app.b ON a.v = b.v;
SELECT COUNT(*) FROM app.a JOIN app.b ON a.v = b.v WHERE b.id < 100;
SELECT note, COUNT(*) FROM app.a GROUP BY note ORDER BY note;
SELECT SLEEP(0.3); SELECT SLEEP(0.3);
SQL
root -e "BEGIN; UPDATE app.a SET v = 0 WHERE id = 1; SELECT SLEEP(3600);" >/dev/null 2>&1 & pids+=($!)
sleep 0.3
root -e "UPDATE app.a SET v = 1 WHERE id = 1" >/dev/null 2>&1 & pids+=($!)
sleep 1.2

printf '%s' benchpw > "$work/pw"
ksa_cmd=(node bin/ksa.js diagnose mysql "127.0.0.1:$port" --user bench --password-file "$work/pw" --json)
tuner_cmd=(mysqltuner --host 127.0.0.1 --port "$port" --user bench --pass benchpw --nocolor --forcemem 4096 --forceswap 0)

ksa_exit=0; "${ksa_cmd[@]}" > "$work/ksa.json" || ksa_exit=$?
tuner_exit=0; "${tuner_cmd[@]}" > "$work/tuner.txt" 2>&1 || tuner_exit=$?

# Interleaved timing, milliseconds of wall time per whole process.
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
ka=(); ta=()
for _ in $(seq "$RUNS"); do ka+=("$(ms "${ksa_cmd[@]}")"); ta+=("$(ms "${tuner_cmd[@]}")"); done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "min %d / median %d / max %d ms", a[1], a[int((NR+1)/2)], a[NR]}'; }

{
  echo "# MySQL: ksa diagnose mysql vs MySQLTuner"
  echo
  echo "Same throwaway MariaDB $(root -N -e 'SELECT VERSION()') on 127.0.0.1, seeded by bench/mysql.sh with known problems"
  echo "(passwordless, anonymous and remote-root accounts, unindexed joins, slow and on-disk-temporary statements,"
  echo "a lock wait held during the runs). $RUNS runs each, interleaved; wall time of the whole process."
  echo
  echo "| tool | wall time | exit code |"
  echo "|---|---|---|"
  echo "| ksa diagnose mysql --json | $(stats "${ka[@]}") | $ksa_exit (0 healthy, 1 warning, 2 critical, 3 unknown) |"
  echo "| mysqltuner $(dpkg-query -W -f='${Version}' mysqltuner 2>/dev/null) | $(stats "${ta[@]}") | $tuner_exit$(grep -m1 -o 'Illegal division by zero[^(]*' "$work/tuner.txt" | sed 's/^/: crashed, /') |"
  echo
  echo "## Problems ksa reports (severity finding: title)"
  echo
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1])).results[0];
    for (const f of r.findings) console.log(`- ${f.severity} ${f.id}: ${f.title}`);
    for (const c of r.categories) if (c.skipped) console.log(`- skipped ${c.name}: ${c.skipped}`);
  ' "$work/ksa.json"
  echo
  echo "## Problems MySQLTuner reports ([!!] lines)"
  echo
  grep -F '[!!]' "$work/tuner.txt" | sed 's/^/- /' || echo "- (none)"
} > "$OUT"
cat "$OUT"
