#!/usr/bin/env bash
# Kafka lag benchmark (issue 4): 50 topics x 20 partitions, 20 consumer groups committed on every
# partition, on a 3-broker librdkafka mock cluster (scripts/kafka-mock/kafka-mock.c, built here).
#  1. in-process: lag of all 20 groups by the ksa plugin vs kafkajs's public Admin API, with the
#     Kafka requests each sends (bench/kafka-lag.mjs; target: ksa < 2 s);
#     then again with 10 ms added to every broker's answers (mock `rtt`), where round trips count;
#  2. whole process: `ksa diagnose kafka --category consumer` with the 20 groups vs with 1 group
#     (bench/compare.mjs: wall ms min/median/max and the A/B ratio).
# Needs `npm run build`, gcc and librdkafka-dev (bash scripts/services.sh install kafka).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/plugins/kafka/index.js ] || npm run build
TOPICS=${TOPICS:-50} PARTITIONS=${PARTITIONS:-20} GROUPS_N=${GROUPS_N:-20} RUNS=${RUNS:-7}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck disable=SC2046
gcc -O2 -o "$work/kafka-mock" scripts/kafka-mock/kafka-mock.c $(pkg-config --cflags --libs rdkafka)
specs=(); for i in $(seq 0 $((TOPICS - 1))); do specs+=("t$(printf %02d "$i"):$PARTITIONS:3"); done
mkfifo "$work/control"
"$work/kafka-mock" -b 3 -c "$work/control" "${specs[@]}" >"$work/mock.log" 2>&1 </dev/null &
pid=$!
# The mock creates topics one by one (~0.2 s each on this machine): allow a minute.
for _ in $(seq 1200); do grep -q '^BOOTSTRAP=' "$work/mock.log" && break; sleep 0.05; done
[ -n "$(sed -n 's/^BOOTSTRAP=//p' "$work/mock.log")" ] || { echo "kafka mock did not start: $(cat "$work/mock.log")" >&2; exit 1; }
bs=$(sed -n 's/^BOOTSTRAP=//p' "$work/mock.log")
groups=$(seq -f 'g%02g' 1 "$GROUPS_N" | paste -sd,)
echo "mock: 3 brokers $bs; seed: $(node bench/kafka-seed.mjs "$bs" "$TOPICS" "$PARTITIONS" "$GROUPS_N")"
lag_runs() { # label: RUNS x (ksa, admin), summarised
  for _ in $(seq "$RUNS"); do node bench/kafka-lag.mjs ksa "$bs" "$groups"; node bench/kafka-lag.mjs admin "$bs" "$groups"; done |
  LABEL="$1" node -e '
    const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
    for (const mode of ["ksa", "admin"]) {
      const r = rows.filter((x) => x.mode === mode), ms = r.map((x) => x.wallMs).sort((a, b) => a - b);
      console.log(JSON.stringify({ label: `lag of ${r[0].partitionsEvaluated} group-partitions in-process (${mode}, ${process.env.LABEL})`, wallMs: { min: ms[0], median: ms[ms.length >> 1], max: ms.at(-1) }, requestsTotal: r[0].requestsTotal, requests: r[0].requests, lagTotal: r[0].lagTotal }));
    }'
}
lag_runs 'no added latency'
gflags=$(echo "$groups" | sed 's/^/--group /; s/,/ --group /g')
node bench/compare.mjs -n "$RUNS" --label "ksa diagnose kafka --category consumer: $GROUPS_N groups vs 1 group" -- \
  "node bin/ksa.js diagnose kafka ${bs//,/ } --category consumer $gflags --json >/dev/null; true" \
  "node bin/ksa.js diagnose kafka ${bs//,/ } --category consumer --group g01 --json >/dev/null; true"
# Round trips matter once the network has latency: every mock broker answers 10 ms late.
echo 'rtt -1 10' >"$work/control"
sleep 0.5
lag_runs 'broker RTT 10 ms'
