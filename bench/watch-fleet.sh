#!/usr/bin/env bash
# Issue 16: `ksa watch` on 1000 targets (20 throwaway redis-server instances x 50 names) at a 10 s
# interval for 90 s by default (9 intervals): RSS of the whole process tree (peak; steady = median
# after the first two intervals) and the watcher's schedule lag p99 and run queue (bench/watch-load.sh).
# Goals: RSS <= 250 MB, p99 schedule lag < 1 s.
# usage: bash bench/watch-fleet.sh [seconds]
exec bash "$(dirname "$0")/watch-load.sh" 20 50 10s "${1:-90}" 20
