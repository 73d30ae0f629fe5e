#!/usr/bin/env node
// Times two whole commands side by side, alternating A B A B so machine drift hits both equally;
// prints min/median/max wall ms of each and the median of the pairwise A/B ratios.
// usage: node bench/compare.mjs [-n RUNS] [--label NAME] -- 'command A' 'command B'
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let runs = 15;
let label = '';
while (args[0] && args[0] !== '--') {
  const flag = args.shift();
  if (flag === '-n') runs = Number(args.shift());
  else if (flag === '--label') label = args.shift() ?? '';
}
args.shift();
const [a, b] = args;
if (!a || !b) {
  process.stderr.write("usage: node bench/compare.mjs [-n RUNS] [--label NAME] -- 'command A' 'command B'\n");
  process.exit(2);
}
const time = (cmd) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', cmd], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status };
};
time(a); time(b); // warm-up: file cache, JIT of sh/node
const ta = [], tb = [], ratios = [];
for (let i = 0; i < runs; i++) {
  const x = time(a), y = time(b);
  ta.push(x.ms); tb.push(y.ms); ratios.push(x.ms / y.ms);
}
const stats = (v) => { const s = [...v].sort((p, q) => p - q); return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] }; };
const f = (n, d = 1) => n.toFixed(d);
const sa = stats(ta), sb = stats(tb), sr = stats(ratios);
const out = {
  label, runs, a, b,
  aMs: { min: +f(sa.min), median: +f(sa.median), max: +f(sa.max) },
  bMs: { min: +f(sb.min), median: +f(sb.median), max: +f(sb.max) },
  ratio: { min: +f(sr.min, 3), median: +f(sr.median, 3), max: +f(sr.max, 3) },
};
process.stdout.write(`${JSON.stringify(out)}\n`);
