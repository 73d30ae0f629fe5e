#!/usr/bin/env bash
# Issue 22: every built-in plugin over a slow link (0, 50, 150 ms each way), this build (A) side by
# side with a baseline build (B, default: the same tree; pass the dir of another built checkout),
# plus check_postgres and mysqltuner --skipsize through the same proxy (SKIP_MYSQLTUNER=1 leaves
# mysqltuner out: ~14 min at 150 ms each way), then bench/mysql-batching.mjs. Needs `npm run build`, the
# shared test servers (bash scripts/services.sh start), check-postgres and mysqltuner (apt).
#   bash bench/latency.sh [baseline dir] [runs]     (default: . 3; writes bench/results/latency.md)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-.}"
RUNS="${2:-3}"
[[ -f dist/src/cli/main.js && -f "$BASE/dist/src/cli/main.js" ]] || { echo "build both trees first: npm run build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The proxy is TypeScript under test/support (the integration tests use it too): bundled here.
npx esbuild test/support/latency-proxy.ts --platform=node --format=esm --outfile="$work/latency-proxy.mjs" --log-level=warning
KSA_SERVICES_DIR="${KSA_SERVICES_DIR:-.services}" node bench/latency.mjs "$work/latency-proxy.mjs" . "$BASE" "$RUNS" | tee bench/results/latency.md
# MySQL: one multi-statement batch vs a pool of parallel connections (the choice in plugins/mysql/batch.ts).
KSA_SERVICES_DIR="${KSA_SERVICES_DIR:-.services}" node bench/mysql-batching.mjs "$work/latency-proxy.mjs" | tee bench/results/mysql-batching.md
