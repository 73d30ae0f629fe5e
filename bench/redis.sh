#!/usr/bin/env bash
# `ksa diagnose redis` (8 categories, every check, one pipelined round trip) vs a plain Node script
# that imports ioredis, connects and runs INFO, side by side on the same server (bench/compare.mjs:
# A B A B ..., wall ms min/median/max and the median A/B ratio). Target: ratio <= 1.5.
# Also: one category, and --isolation none (no worker thread) to show where the time goes.
# Needs `npm run build` and `bash scripts/services.sh start` (the shared Redis primary).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npm run build
eval "$(grep -E '^KSA_REDIS_(PRIMARY|PASSWORD)=' "${KSA_SERVICES_DIR:-.services}/env")"
export REDISCLI_AUTH="$KSA_REDIS_PASSWORD" # both read it from the environment; nothing secret on argv
host=${KSA_REDIS_PRIMARY%:*}
port=${KSA_REDIS_PRIMARY##*:}
plain=$(mktemp --suffix .mjs)
trap 'rm -f "$plain"' EXIT
cat >"$plain" <<JS
import { Redis } from '$PWD/node_modules/ioredis/built/index.js';
const r = new Redis({ host: '$host', port: $port, password: process.env.REDISCLI_AUTH, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
await r.connect();
process.stdout.write(String((await r.info()).length) + '\n');
r.disconnect();
JS
ksa="node bin/ksa.js diagnose redis $KSA_REDIS_PRIMARY --json"
runs=${RUNS:-15}
node bench/compare.mjs -n "$runs" --label 'ksa diagnose redis (8 categories) vs node+ioredis INFO' -- "$ksa >/dev/null; true" "node $plain >/dev/null"
node bench/compare.mjs -n "$runs" --label 'ksa diagnose redis --category memory vs node+ioredis INFO' -- "$ksa --category memory >/dev/null; true" "node $plain >/dev/null"
node bench/compare.mjs -n "$runs" --label 'ksa --isolation none diagnose redis vs node+ioredis INFO' -- "node bin/ksa.js --isolation none diagnose redis $KSA_REDIS_PRIMARY --json >/dev/null; true" "node $plain >/dev/null"
