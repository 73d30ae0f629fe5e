// A long-running watcher keeps a steady live heap (sessions, state, last results) and turns over
// the rest every cycle. V8 sizes the next old-generation limit from the live size by a factor of up
// to 4 when the heap limit is large (the main isolate's is a quarter of RAM), so that garbage, not
// the live set, decides the peak: 1000 watched targets peaked 40-60 MB above their steady RSS.
// 30 % growth between full collections bounds it. The flag is process-wide and read at every
// collection (so it works when set now), and it is left alone when the user gave it (`node
// --heap-growing-percent=N bin/ksa.js`; NODE_OPTIONS does not admit it).
import { setFlagsFromString } from 'node:v8';

const FLAG = 'heap-growing-percent';
const GROWING_PERCENT = 30;

export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  const given = execArgv.some((a) => a.replace(/_/g, '-').startsWith(`--${FLAG}`));
  if (given) return false;
  setFlagsFromString(`--${FLAG}=${GROWING_PERCENT}`);
  return true;
}
