#!/usr/bin/env bash
# Core benchmarks (issue 2): CLI start-up vs `node -e 0`, and warm sandbox call overhead.
# Needs `npm run build`. Prints JSON lines; bench/RESULTS.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
node bench/compare.mjs -n "${RUNS:-20}" --label 'ksa --version vs node -e 0' -- 'node bin/ksa.js --version' 'node -e 0'
node bench/compare.mjs -n "${RUNS:-20}" --label 'ksa plugin list vs node -e 0' -- 'node bin/ksa.js plugin list' 'node -e 0'
node bench/sandbox-overhead.mjs "${CALLS:-2000}"
