#!/usr/bin/env bash
# Demo: start throwaway local servers (installing them if needed) and diagnose each one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
bash scripts/services.sh start
set -a; . "${KSA_SERVICES_DIR:-.services}/env"; set +a
ksa() { node bin/ksa.js "$@" || true; }
echo; echo "== ksa plugin list"; ksa plugin list
echo; echo "== ksa diagnose redis $KSA_REDIS_PRIMARY"
REDISCLI_AUTH=$KSA_REDIS_PASSWORD ksa diagnose redis "$KSA_REDIS_PRIMARY"
echo; echo "== ksa diagnose postgres $KSA_PG_PRIMARY"
PGPASSWORD=$KSA_PG_PASSWORD ksa diagnose postgres "postgres://$KSA_PG_USER@$KSA_PG_PRIMARY/postgres"
echo; echo "== ksa diagnose mysql $KSA_MYSQL_PRIMARY"
MYSQL_PWD=$KSA_MYSQL_PASSWORD ksa diagnose mysql "$KSA_MYSQL_PRIMARY" --user "$KSA_MYSQL_USER"
echo; echo "== ksa diagnose kafka $KSA_KAFKA_BOOTSTRAP"
# shellcheck disable=SC2086
ksa diagnose kafka ${KSA_KAFKA_BOOTSTRAP//,/ }
echo; echo "== ksa diagnose --config (all four in one CI-style run; worst status = exit code)"
cfg="${KSA_SERVICES_DIR:-.services}/demo-ksa.yaml"
cat >"$cfg" <<YAML
defaults: { timeout: 10s, concurrency: 4 }
targets:
  - { name: cache, type: redis, endpoints: ["$KSA_REDIS_PRIMARY"], auth: { passwordEnv: KSA_REDIS_PASSWORD } }
  - { name: orders-db, type: mysql, endpoints: ["$KSA_MYSQL_PRIMARY"], auth: { username: $KSA_MYSQL_USER, passwordEnv: KSA_MYSQL_PASSWORD } }
  - { name: billing-db, type: postgres, endpoints: ["postgres://$KSA_PG_USER@$KSA_PG_PRIMARY/postgres"], auth: { passwordEnv: KSA_PG_PASSWORD } }
  - { name: events, type: kafka, endpoints: ["$KSA_KAFKA_BOOTSTRAP"] }
YAML
node bin/ksa.js diagnose --config "$cfg" --output nagios && code=0 || code=$?
echo "exit code: $code"
echo; echo "Servers keep running for you to explore; stop them with: bash scripts/services.sh stop"
