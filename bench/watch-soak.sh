#!/usr/bin/env bash
# Issue 16: compressed soak of `ksa watch`: 50 targets (5 throwaway redis-server instances x 10
# names) at a 500 ms interval (100 cycles/s) for 150 s by default: over 10,000 target-cycles after
# a 30 s warm-up (bench/watch-load.sh). Goals: RSS growth (last 10 samples vs the first 10 after the
# warm-up) <= 5 %; fds and sockets at the end = after the warm-up (no leak); no host restart.
# usage: bash bench/watch-soak.sh [seconds] [interval]
exec bash "$(dirname "$0")/watch-load.sh" 5 10 "${2:-500ms}" "${1:-150}" 30
