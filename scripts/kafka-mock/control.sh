#!/usr/bin/env bash
# Send one control command to the running kafka mock and print its reply.
#   bash scripts/kafka-mock/control.sh down 2        (exit 0 on "ok", 1 on "err ...")
# Commands: see kafka-mock.c. Protocol (for tests that do it themselves): append one line to
# the FIFO $KSA_KAFKA_CONTROL; the answer ("ok" / "err ...") is appended as one line to
# "$KSA_KAFKA_CONTROL.reply".
set -euo pipefail
(($#)) || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
if [[ -z ${KSA_KAFKA_CONTROL:-} ]]; then
  envf="${KSA_SERVICES_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.services}/env"
  KSA_KAFKA_CONTROL="$(sed -n 's/^KSA_KAFKA_CONTROL=//p' "$envf" 2>/dev/null || true)"
fi
fifo="$KSA_KAFKA_CONTROL"
[[ -p $fifo ]] || { echo "control.sh: no kafka mock control FIFO (run: bash scripts/services.sh start kafka)" >&2; exit 1; }
reply="$fifo.reply"
exec 8>"$fifo.lock"
flock -w 10 8 || { echo "control.sh: lock timeout" >&2; exit 1; }
before=$(wc -l <"$reply")
printf '%s\n' "$*" | timeout 5 tee "$fifo" >/dev/null || { echo "control.sh: mock not reading $fifo" >&2; exit 1; }
for _ in $(seq 200); do
  if (($(wc -l <"$reply") > before)); then
    ans="$(sed -n "$((before + 1))p" "$reply")"
    echo "$ans"
    [[ $ans == ok ]] && exit 0 || exit 1
  fi
  sleep 0.025
done
echo "control.sh: no reply within 5 s" >&2
exit 1
