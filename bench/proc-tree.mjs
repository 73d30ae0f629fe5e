#!/usr/bin/env node
// Reads one process tree from /proc: the process and every descendant (worker threads are part of
// their process's /proc/<pid>/stat; child processes are found by their parent pid). Prints one JSON
// line: CPU seconds (utime+stime of all, live, so children still running count), RSS in KB (sum),
// open fds and how many of them are sockets, and the pids read.
// usage: node bench/proc-tree.mjs PID
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS = 100; // USER_HZ: 100 on Linux for every architecture Node runs on

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function children() {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(stat(name)[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
    } catch { /* exited while listed */ }
  }
  return byParent;
}

function fds(pid) {
  let total = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    total++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch { /* closed while listed */ }
  }
  return { total, sockets };
}

export function readTree(root) {
  const byParent = children();
  const pids = [];
  const walk = (pid) => { pids.push(pid); for (const c of byParent.get(pid) ?? []) walk(c); };
  walk(root);
  let ticks = 0;
  let rssKB = 0;
  let fdTotal = 0;
  let socketTotal = 0;
  for (const pid of pids) {
    try {
      const f = stat(pid);
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat(5))
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rssKB += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const d = fds(pid);
      fdTotal += d.total;
      socketTotal += d.sockets;
    } catch { /* exited while read */ }
  }
  return { cpuS: ticks / TICKS, rssKB, fds: fdTotal, sockets: socketTotal, pids };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pid = Number(process.argv[2]);
  if (!Number.isInteger(pid) || pid <= 0) {
    process.stderr.write('usage: node bench/proc-tree.mjs PID\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ at: Date.now(), ...readTree(pid) })}\n`);
}
