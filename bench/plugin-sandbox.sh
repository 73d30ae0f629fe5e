#!/usr/bin/env bash
# Issue 20: start-up cost of a sandboxed external plugin host, side by side with the same run
# unsandboxed (--plugin-trust full starts the host exactly as before the sandbox: a plain child).
# bwrap = bubblewrap namespaces + Node's permission model (the default where usable); node = the
# permission model alone. One target (one host), ten targets one after another (ten hosts, so
# the per-host cost is the difference / 10), and the ZooKeeper example against a real server.
# Needs `npm run build` (and bubblewrap for the bwrap rows). Prints JSON lines; bench/RESULTS.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
KSA="node bin/ksa.js"
BY="--plugin ./test/reliability/fixtures/bystander"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
{
  echo 'defaults: {timeout: 10s, concurrency: 1}'
  echo 'plugins: {discovery: {packages: ['"$PWD"'/test/reliability/fixtures/bystander]}}'
  echo 'targets:'
  for i in $(seq 1 10); do echo "  - {name: t$i, type: bystander, endpoints: ['127.0.0.1:72$i']}"; done
} >"$tmp/ten.yaml"
node bench/plugin-host-start.mjs "${ROUNDS:-20}"
modes=(node); command -v bwrap >/dev/null && modes=(bwrap node)
for mode in "${modes[@]}"; do
  node bench/compare.mjs -n "$RUNS" --label "1 external host: --plugin-sandbox $mode vs --plugin-trust full" -- \
    "$KSA --plugin-sandbox $mode $BY diagnose bystander 127.0.0.1 --json" "$KSA --plugin-trust full $BY diagnose bystander 127.0.0.1 --json"
  node bench/compare.mjs -n "$RUNS" --label "10 external hosts in series: --plugin-sandbox $mode vs --plugin-trust full" -- \
    "$KSA --plugin-sandbox $mode diagnose --config $tmp/ten.yaml --json" "$KSA --plugin-trust full diagnose --config $tmp/ten.yaml --json"
done
if [ -n "${KSA_ZOOKEEPER:-}" ]; then
  ZK="--plugin ./examples/zookeeper-plugin diagnose zookeeper $KSA_ZOOKEEPER --json"
  node bench/compare.mjs -n "$RUNS" --label "ZooKeeper example vs a real server: default sandbox vs --plugin-trust full" -- "$KSA $ZK" "$KSA --plugin-trust full $ZK"
fi
