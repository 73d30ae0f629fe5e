#!/usr/bin/env bash
# `ksa diagnose postgres` vs check_postgres (apt-get install -y check-postgres) on the same server:
# ksa's six categories in one process over one read-only connection, against check_postgres running
# its nine equivalent actions (one perl process and one psql connection each). Also one category
# against its single equivalent action. Needs `npm run build` and `bash scripts/services.sh start
# postgres`. Prints one JSON line per pair (bench/compare.mjs: wall ms min/median/max, A/B ratio).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
command -v check_postgres >/dev/null || { echo 'check_postgres missing: apt-get install -y check-postgres' >&2; exit 2; }
eval "$(grep -E '^KSA_PG_(PRIMARY|USER|PASSWORD)=' "${KSA_SERVICES_DIR:-.services}/env")"
export PGPASSWORD="$KSA_PG_PASSWORD" # both tools read it; nothing secret on argv
host=${KSA_PG_PRIMARY%:*}
port=${KSA_PG_PRIMARY##*:}
cp="check_postgres -H $host -p $port -u $KSA_PG_USER --db postgres"
# The actions matching ksa's categories, with ksa's default thresholds where check_postgres takes them.
actions="$cp --action=backends --warning=80% --critical=90%;
$cp --action=txn_idle --warning=5m;
$cp --action=query_time --warning=5m;
$cp --action=replication_slots --warning=1 --critical=1GB;
$cp --action=locks --warning=100;
$cp --action=hitratio --warning=99% --critical=90%;
$cp --action=txn_wraparound --warning=200000000 --critical=1000000000;
$cp --action=last_autovacuum --warning=1d --critical=7d;
$cp --action=last_analyze --warning=1d --critical=7d"
ksa="node bin/ksa.js diagnose postgres $KSA_PG_PRIMARY --user $KSA_PG_USER --json"
runs=${RUNS:-10}
node bench/compare.mjs -n "$runs" --label 'ksa diagnose postgres (6 categories) vs check_postgres (9 actions)' -- \
  "$ksa >/dev/null; true" "{ $(echo "$actions" | sed 's/;/ >\/dev\/null || true;/g') >/dev/null || true; }"
node bench/compare.mjs -n "$runs" --label 'ksa --category connection vs check_postgres --action=backends' -- \
  "$ksa --category connection >/dev/null; true" "$cp --action=backends --warning=80% --critical=90% >/dev/null || true"
